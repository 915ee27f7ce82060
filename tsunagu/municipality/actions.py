"""Loading a municipality profile into the database (docs/profiles.md).

Everything is validated first (profile.read_profile) and then written in one transaction.
Rows are matched by name, so loading again updates in place. Rows the file no longer lists
are deleted only when nothing outside this app refers to them (users' memberships,
consultations, meeting sessions…); otherwise they are kept with ``in_profile=False``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import ForeignObjectRel

from .models import (
    Agency,
    Area,
    AreaLevel,
    Baseline,
    BodyStatus,
    Delivery,
    MeetingBody,
    Municipality,
    PlanPillar,
    PlanStage,
    Programme,
    ProgrammeDepartment,
    Site,
    StaffRole,
)
from .profile import SETTINGS_DEFAULTS, as_date, fiscal_year, read_profile, sub_item_label

PARTY_KINDS = {
    "departments": Agency.Kind.DEPARTMENT,
    "organisations": Agency.Kind.ORGANISATION,
    "agencies": Agency.Kind.AGENCY,
    "partners": Agency.Kind.PARTNER,
}


@dataclass
class LoadSummary:
    municipality: Municipality
    parties: dict[str, int]
    programmes: int
    deliveries: int
    meeting_bodies: int
    areas: int = 0
    kept: list[str] = field(default_factory=list)

    def message(self) -> str:
        parties = "・".join(
            f"{Agency.Kind(kind).label} {self.parties.get(kind, 0)}"
            for kind in PARTY_KINDS.values()
        )
        lines = [
            f"{self.municipality.name}({self.municipality.slug})のプロファイルを読み込みました。",
            f"  {parties}",
            f"  実施事業 {self.programmes}(実施体制 {self.deliveries} 行)・会議体 {self.meeting_bodies}"
            f"・圏域 {self.areas}",
        ]
        if self.kept:
            lines.append(
                "  プロファイルから外れたが利用中のため残したもの: " + "、".join(self.kept)
            )
        return "\n".join(lines)


def load_profile(*, path: Path) -> LoadSummary:
    """Validate the profile at ``path`` and write it; raises ProfileInvalid, writing nothing."""
    data = read_profile(path)
    with transaction.atomic():
        return _Loader(data).run()


def _used_elsewhere(obj: models.Model) -> bool:
    """Whether rows outside this app (memberships, cases, sessions…) refer to ``obj``."""
    for rel in obj._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel):
            continue
        related = rel.field.model
        if related._meta.app_label == obj._meta.app_label:
            continue
        if related._base_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def _forms(value: Any) -> str:
    if not value:
        return ""
    return "・".join(value) if isinstance(value, list) else value


def _names(value: Any) -> list[str]:
    """A reference written as one name or a list of names."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "", [])), None)


def _update_in_order(existing: Sequence[models.Model], rows: list[dict], make) -> None:
    """Write ``rows`` over ``existing`` rows in order (keeping their ids), create the rest
    with ``make()``, delete the leftovers: for lists nothing outside refers to."""
    for order, values in enumerate(rows):
        row = existing[order] if order < len(existing) else make()
        for key, value in {**values, "order": order}.items():
            setattr(row, key, value)
        row.save()
    for row in existing[len(rows) :]:
        row.delete()


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.kept: list[str] = []
        self.parties: dict[str, Agency] = {}
        self.levels: dict[str, AreaLevel] = {}
        self.areas: dict[str, Area] = {}

    def run(self) -> LoadSummary:
        self.municipality = self._municipality()
        self._stages()
        self._pillars()
        self._areas()
        self._parties()
        self._coordinating_agency()
        deliveries = self._programmes()
        self._meeting_bodies()
        self._staff_and_baselines()
        counts: dict[str, int] = defaultdict(int)
        for agency in self.parties.values():
            counts[agency.kind] += 1
        return LoadSummary(
            municipality=self.municipality,
            parties=dict(counts),
            programmes=len(self.data["programmes"] or []),
            deliveries=deliveries,
            meeting_bodies=len(self.data["meeting_bodies"] or []),
            areas=len(self.areas),
            kept=self.kept,
        )

    def _retire(self, obj: Agency | Programme | MeetingBody | Area) -> None:
        if _used_elsewhere(obj):
            obj.in_profile = False
            obj.save(update_fields=["in_profile"])
            self.kept.append(obj.name)
        else:
            obj.delete()

    def _municipality(self) -> Municipality:
        info = self.data["municipality"]
        plan = info.get("plan") or {}
        period = plan.get("period") or {}
        given = {k: v for k, v in (self.data.get("settings") or {}).items() if v is not None}
        municipality, _ = Municipality.objects.update_or_create(
            slug=self.data["slug"],
            defaults={
                "name": info["name"],
                "prefecture": info.get("prefecture") or "",
                "plan_title": plan.get("title") or "",
                "plan_start_fy": fiscal_year(period.get("from")),
                "plan_end_fy": fiscal_year(period.get("to")),
                "plan_period_note": period.get("note") or "",
                "plan_generation": plan.get("generation"),
                "plan_draft": bool(plan.get("draft")),
                "parent_plan": plan.get("parent_plan") or "",
                "project_local_name": plan.get("local_name") or "",
                "settings": {**SETTINGS_DEFAULTS, **given},
            },
        )
        return municipality

    def _coordinating_agency(self) -> None:
        """The profile names the coordinating agency; store the reference, not the name."""
        name = self.municipality.setting("coordinating_agency")
        self.municipality.coordinating_agency = self.parties.get(name) if name else None
        self.municipality.save(update_fields=["coordinating_agency"])

    def _stages(self) -> None:
        stages = (self.data["municipality"].get("plan") or {}).get("stages") or []
        existing = {s.order: s for s in self.municipality.stages.all()}
        for order, stage in enumerate(stages):
            row = existing.pop(order, None) or PlanStage(municipality=self.municipality)
            row.order = order
            row.name = stage["name"]
            row.start_fy = fiscal_year(stage.get("from"))
            row.end_fy = fiscal_year(stage.get("to"))
            row.description = stage.get("description") or ""
            row.save()
        PlanStage.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()

    def _pillars(self) -> None:
        """The plan's pillars, flattened in file order (parents before their children)."""
        flat: list[tuple[dict, int | None]] = []

        def walk(entries: list[dict], parent: int | None) -> None:
            for entry in entries:
                flat.append((entry, parent))
                walk(entry.get("children") or [], len(flat) - 1)

        walk((self.data["municipality"].get("plan") or {}).get("pillars") or [], None)
        existing = list(self.municipality.pillars.order_by("order"))
        _update_in_order(
            existing,
            [
                {
                    "kind": entry.get("kind") or "",
                    "name": entry["name"],
                    "description": entry.get("description") or "",
                    "projects": list(entry.get("projects") or []),
                    "parent": None,
                }
                for entry, _ in flat
            ],
            lambda: PlanPillar(municipality=self.municipality),
        )
        rows = list(self.municipality.pillars.order_by("order"))
        for row, (_, parent) in zip(rows, flat, strict=True):
            if parent is not None:
                row.parent = rows[parent]
                row.save(update_fields=["parent"])

    def _areas(self) -> None:
        """Area levels (widest first) and areas, matched by name."""
        levels = {level.name: level for level in self.municipality.area_levels.all()}
        # Depths are unique per municipality: move the old ones out of the way first.
        self.municipality.area_levels.update(depth=models.F("depth") + 1000)
        for depth, entry in enumerate(self.data.get("area_levels") or []):
            level = levels.pop(entry["name"], None) or AreaLevel(
                municipality=self.municipality, name=entry["name"]
            )
            level.depth = depth
            level.stated_count = entry.get("count")
            level.note = entry.get("note") or ""
            level.save()
            self.levels[level.name] = level
        existing = {(a.level_id, a.name): a for a in self.municipality.areas.all()}
        entries = self.data.get("areas") or []
        for order, entry in enumerate(entries):
            level = self.levels[entry["level"]]
            area = existing.pop((level.pk, entry["name"]), None) or Area(
                municipality=self.municipality, level=level, name=entry["name"]
            )
            area.order = order
            area.towns = list(entry.get("towns") or [])
            area.note = entry.get("note") or ""
            area.in_profile = True
            area.parent = None
            area.save()
            self.areas[area.name] = area
        for entry in entries:
            if entry.get("parent"):
                area = self.areas[entry["name"]]
                area.parent = self.areas[entry["parent"]]
                area.save(update_fields=["parent"])
        for area in existing.values():
            self._retire(area)
        # Levels the file no longer lists: kept below the listed ones while kept areas use them.
        for depth, level in enumerate(levels.values(), start=1000):
            if level.areas.exists():
                level.depth = depth
                level.save(update_fields=["depth"])
            else:
                level.delete()

    def _area_list(self, names: Any) -> list[Area]:
        return [self.areas[name] for name in _names(names)]

    def _sites(self, agency: Agency, entry: dict) -> None:
        sites = entry.get("sites")
        listed = sites if isinstance(sites, list) else []
        _update_in_order(
            list(agency.site_list.order_by("order")),
            [
                {"name": site.get("name") or "", "area": self.areas.get(site.get("area"))}
                for site in listed
            ],
            lambda: Site(agency=agency),
        )

    def _parties(self) -> None:
        existing = {a.name: a for a in self.municipality.agencies.all()}
        entries = []
        for list_key, kind in PARTY_KINDS.items():
            for order, entry in enumerate(self.data.get(list_key) or []):
                agency = existing.pop(entry["name"], None) or Agency(
                    municipality=self.municipality, name=entry["name"]
                )
                agency.kind = kind
                agency.order = order
                agency.in_profile = True
                agency.description = entry.get("description") or ""
                agency.formal_name = entry.get("formal_name") or ""
                agency.operating_form = _forms(entry.get("operating_form"))
                sites = entry.get("sites")
                agency.sites = len(sites) if isinstance(sites, list) else sites
                agency.sites_note = entry.get("sites_note") or ""
                agency.service_area = entry.get("service_area") or ""
                agency.scope = entry.get("scope") or ""
                agency.outside_welfare = kind == Agency.Kind.PARTNER
                agency.department = agency.operator = agency.parent = None
                agency.save()
                agency.areas.set(self._area_list(entry.get("areas")))
                self._sites(agency, entry)
                self.parties[agency.name] = agency
                entries.append((agency, entry))
        self._party_entries = entries
        # References may point forward in the file, so they are set once all rows exist.
        references = ("department", "operator", "parent")
        for agency, entry in entries:
            if any(entry.get(key) for key in references):
                for key in references:
                    setattr(agency, key, self.parties.get(entry.get(key)))
                agency.save(update_fields=list(references))
        for agency in existing.values():
            self._retire(agency)

    def _programmes(self) -> int:
        existing: dict[tuple, list[Programme]] = defaultdict(list)
        for programme in self.municipality.programmes.order_by("order"):
            existing[(programme.project, programme.sub_item, programme.name)].append(programme)
        deliveries = 0
        self.programmes: list[tuple[Programme, dict]] = []
        for order, entry in enumerate(self.data["programmes"] or []):
            sub_item = sub_item_label(entry.get("sub_item"))
            matches = existing[(entry["project"], sub_item, entry["name"])]
            programme = matches.pop(0) if matches else Programme(municipality=self.municipality)
            programme.project = entry["project"]
            programme.sub_item = sub_item
            programme.field = entry.get("field") or ""
            programme.name = entry["name"]
            programme.variant = entry.get("variant") or ""
            programme.target = entry.get("target") or ""
            programme.content = entry.get("content") or ""
            programme.start_fy = fiscal_year(entry.get("start"))
            programme.transition_fys = [
                fiscal_year(year) for year in entry.get("transition_years") or []
            ]
            programme.order = order
            programme.in_profile = True
            programme.save()
            programme.areas.set(self._area_list(entry.get("areas")))
            self.programmes.append((programme, entry))
            self._programme_departments(programme, entry)
            deliveries += self._deliveries(programme, entry)
        for rest in existing.values():
            for programme in rest:
                self._retire(programme)
        return deliveries

    def _departments(self, entry: dict) -> list[Agency]:
        return [self.parties[name] for name in _names(entry.get("departments"))]

    def _programme_departments(self, programme: Programme, entry: dict) -> None:
        links = {link.department_id: link for link in programme.department_links.all()}
        for order, department in enumerate(self._departments(entry)):
            link = links.pop(department.pk, None) or ProgrammeDepartment(
                programme=programme, department=department
            )
            if link.order != order or link.pk is None:
                link.order = order
                link.save()
        ProgrammeDepartment.objects.filter(pk__in=[link.pk for link in links.values()]).delete()

    def _deliveries(self, programme: Programme, entry: dict) -> int:
        existing = list(programme.deliveries.order_by("order"))
        listed = entry.get("agencies") or [None]
        for order, item in enumerate(listed):
            override = item if isinstance(item, dict) else {"name": item}
            delivery = existing[order] if order < len(existing) else Delivery(programme=programme)
            delivery.order = order
            delivery.agency = self.parties.get(override["name"]) if override["name"] else None
            delivery.sites = _first(override.get("sites"), entry.get("sites"))
            delivery.sites_note = _first(override.get("sites_note"), entry.get("sites_note")) or ""
            delivery.operating_form = _forms(
                _first(override.get("operating_form"), entry.get("operating_form"))
            )
            delivery.form_note = _first(override.get("form_note"), entry.get("form_note")) or ""
            operator = _first(override.get("operator"), entry.get("operator"))
            delivery.operator = self.parties.get(operator) if operator else None
            delivery.operator_note = (
                _first(override.get("operator_note"), entry.get("operator_note")) or ""
            )
            departments = self._departments(override) or self._departments(entry)
            delivery.department = departments[0] if departments else None
            delivery.department_names = "・".join(d.name for d in departments)
            delivery.content = override.get("content") or ""
            delivery.service_area = (
                _first(override.get("service_area"), entry.get("service_area")) or ""
            )
            delivery.save()
            delivery.areas.set(self._area_list(_first(override.get("areas"), entry.get("areas"))))
        Delivery.objects.filter(pk__in=[d.pk for d in existing[len(listed) :]]).delete()
        return len(listed)

    def _meeting_bodies(self) -> None:
        existing = {m.name: m for m in self.municipality.meeting_bodies.all()}
        bodies: dict[str, MeetingBody] = {}
        entries = self.data["meeting_bodies"] or []
        for order, entry in enumerate(entries):
            body = existing.pop(entry["name"], None) or MeetingBody(
                municipality=self.municipality, name=entry["name"]
            )
            body.order = order
            body.in_profile = True
            body.functions = list(entry["functions"])
            body.consent_rule = entry["consent"]
            body.frequency = entry.get("frequency") or ""
            conveners = _names(entry.get("convener"))
            body.convener = self.parties[conveners[0]] if conveners else None
            body.operating_form = _forms(entry.get("operating_form"))
            body.form_note = entry.get("form_note") or ""
            department = entry.get("department")
            body.department = self.parties[department] if department else None
            body.members_note = entry.get("members_note") or ""
            body.other_members = list(entry.get("other_members") or [])
            body.purpose = entry.get("purpose") or ""
            body.parent = body.declaration = None
            body.status = entry.get("status") or BodyStatus.STANDING
            body.concluded_on = as_date(entry.get("concluded_on"))
            body.conclusion = entry.get("conclusion") or ""
            body.chair = self.parties.get(entry.get("chair"))
            body.chair_note = entry.get("chair_note") or ""
            body.member_count = entry.get("member_count")
            body.area_level = self.levels.get(entry.get("per_area"))
            body.save()
            body.members.set([self.parties[name] for name in entry.get("members") or []])
            body.co_conveners.set([self.parties[name] for name in conveners[1:]])
            body.areas.set(self._area_list(entry.get("areas")))
            bodies[body.name] = body
        for entry in entries:
            body = bodies[entry["name"]]
            if entry.get("parent"):
                body.parent = bodies[entry["parent"]]
                body.save(update_fields=["parent"])
            if body.area_level:
                self._instances(body, entry, existing)
        for body in existing.values():
            self._retire(body)

    def _instances(self, declared: MeetingBody, entry: dict, existing: dict) -> None:
        """One body per area of the declared level, carrying the declared rules."""
        names = entry.get("instance_names") or {}
        areas = [a for a in self.areas.values() if a.level_id == declared.area_level_id]
        copied = [
            "functions",
            "consent_rule",
            "frequency",
            "convener",
            "operating_form",
            "form_note",
            "department",
            "members_note",
            "other_members",
            "purpose",
            "parent",
            "status",
            "concluded_on",
            "conclusion",
        ]
        for area in areas:
            name = names.get(area.name) or f"{declared.name}（{area.name}）"
            body = existing.pop(name, None) or MeetingBody(
                municipality=self.municipality, name=name
            )
            for key in copied:
                setattr(body, key, getattr(declared, key))
            body.declaration = declared
            body.area_level = None
            body.chair, body.chair_note, body.member_count = None, "", None
            body.order = declared.order
            body.in_profile = True
            body.save()
            body.members.set(declared.members.all())
            body.co_conveners.set(declared.co_conveners.all())
            body.areas.set([area])

    def _staff_and_baselines(self) -> None:
        """Staff and baselines of agencies and programmes, in file order."""
        staff: list[dict] = []
        baselines: list[dict] = []
        owners = [({"agency": a}, e) for a, e in self._party_entries] + [
            ({"programme": p}, e) for p, e in self.programmes
        ]
        for owner, entry in owners:
            base = {"agency": None, "programme": None, **owner}
            for item in entry.get("staff") or []:
                staff.append(
                    {
                        **base,
                        "role": item["role"],
                        "count": item.get("count"),
                        "area_level": self.levels.get(item.get("level")),
                        "note": item.get("note") or "",
                    }
                )
            for item in entry.get("baselines") or []:
                baselines.append(
                    {
                        **base,
                        "label": item["label"],
                        "value": Decimal(str(item["value"])),
                        "unit": item.get("unit") or "",
                        "fiscal_year": fiscal_year(item["year"]),
                        "note": item.get("note") or "",
                    }
                )
        _update_in_order(
            list(self.municipality.staff_roles.order_by("order")),
            staff,
            lambda: StaffRole(municipality=self.municipality),
        )
        _update_in_order(
            list(self.municipality.baselines.order_by("order")),
            baselines,
            lambda: Baseline(municipality=self.municipality),
        )
