from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .areas import depth_first, registered_counts
from .models import (
    Agency,
    Area,
    Delivery,
    Field,
    MeetingBody,
    Municipality,
    PlanPillar,
    Programme,
    ProgrammeDepartment,
    Site,
    StaffRole,
    StatutoryProject,
)


def current_municipality() -> Municipality | None:
    """The municipality this instance runs: TSUNAGU_PROFILE if set, else the only/first one."""
    qs = Municipality.objects.all()
    if settings.TSUNAGU_PROFILE:
        found = qs.filter(slug=settings.TSUNAGU_PROFILE).first()
        if found:
            return found
    return qs.order_by("pk").first()


STRUCTURE_HEADER = (
    "法定事業",
    "分野",
    "実施事業",
    "機関",
    "拠点数",
    "運営形態",
    "運営主体",
    "所管課",
)


def programmes_with_structure(municipality: Municipality) -> QuerySet[Programme]:
    """The profile's programmes in file order, with deliveries and 所管課 prefetched."""
    return (
        municipality.programmes.filter(in_profile=True)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("agency", "operator")
                .prefetch_related("areas")
                .order_by("order"),
            ),
            Prefetch(
                "department_links",
                queryset=ProgrammeDepartment.objects.select_related("department"),
            ),
            Prefetch("staff_roles", queryset=StaffRole.objects.select_related("area_level")),
            "baselines",
        )
    )


@dataclass
class Department:
    """A department with the departments under it (実施体制: 所管課の構成)."""

    agency: Agency
    children: list["Department"] = field(default_factory=list)


def department_tree(municipality: Municipality) -> list[Department]:
    departments = municipality.agencies.filter(
        kind=Agency.Kind.DEPARTMENT, in_profile=True
    ).order_by("order")
    nodes = {d.pk: Department(d) for d in departments}
    roots: list[Department] = []
    for node in nodes.values():
        parent = nodes.get(node.agency.parent_id) if node.agency.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def pillars(municipality: Municipality) -> list[tuple[PlanPillar, int]]:
    """The plan's pillars in file order, each with its depth for indentation."""
    rows = list(municipality.pillars.order_by("order"))
    depth: dict[int | None, int] = {None: -1}
    for row in rows:
        depth[row.pk] = depth.get(row.parent_id, -1) + 1
    return [(row, depth[row.pk]) for row in rows]


def structure_page(municipality: Municipality) -> dict:
    """Everything the 実施体制 page shows, in a fixed number of queries."""
    programmes = list(programmes_with_structure(municipality))
    sections = [
        (project, [p for p in programmes if p.project == project.value])
        for project in StatutoryProject
    ]
    return {
        "sections": sections,
        "stages": list(municipality.stages.all()),
        "pillars": pillars(municipality),
        "departments": department_tree(municipality),
        "staff": list(
            municipality.staff_roles.filter(agency__isnull=False)
            .select_related("agency", "area_level")
            .order_by("order")
        ),
        "areas": area_rows(municipality),
    }


@dataclass
class AreaRow:
    """One 圏域 with what serves it, for the 圏域 and 実施体制 pages."""

    area: Area
    depth: int
    agencies: list[Agency]
    programmes: list[str]
    bodies: list[MeetingBody]
    sites: list[str]
    counts: list[tuple[str, int]]


def area_rows(municipality: Municipality) -> list[AreaRow]:
    """The area tree depth-first (parents before their children), each area with the
    agencies, programmes, meeting bodies and sites naming it, and other apps' counts."""
    areas = list(
        municipality.areas.filter(in_profile=True)
        .select_related("level")
        .prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.filter(in_profile=True)),
            Prefetch("programmes", queryset=Programme.objects.filter(in_profile=True)),
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("agency", "programme"),
            ),
            Prefetch(
                "meeting_bodies",
                queryset=MeetingBody.objects.filter(in_profile=True).order_by("order", "pk"),
            ),
            Prefetch("sites", queryset=Site.objects.select_related("agency")),
        )
        .order_by("level__depth", "order")
    )
    counts = registered_counts(municipality) if areas else []
    rows: list[AreaRow] = []
    for area, depth in depth_first(areas):
        programmes = [p.display_name for p in area.programmes.all()]
        programmes += [
            f"{d.programme.display_name}（{d.agency.name}）"
            if d.agency
            else d.programme.display_name
            for d in area.deliveries.all()
            if d.programme.display_name not in programmes
        ]
        rows.append(
            AreaRow(
                area=area,
                depth=depth,
                agencies=list(area.agencies.all()),
                programmes=programmes,
                bodies=list(area.meeting_bodies.all()),
                sites=[f"{s.agency.name} {s.name}".strip() for s in area.sites.all()],
                counts=[(label, totals.get(area.pk, 0)) for label, totals in counts],
            )
        )
    return rows


def structure_rows(municipality: Municipality, *, variants: bool = False) -> list[tuple[str, ...]]:
    """One row per programme × agency, as docs/profiles.md defines the structure CSV; with
    ``variants`` the programme's variant follows its name (text format, not the CSV)."""
    rows: list[tuple[str, ...]] = []
    for programme in programmes_with_structure(municipality):
        for delivery in programme.deliveries.all():
            rows.append(
                (
                    programme.project_label,
                    programme.field,
                    programme.display_name if variants else programme.name,
                    delivery.agency.name if delivery.agency else "",
                    delivery.sites_display,
                    delivery.form_display,
                    delivery.operator_display,
                    delivery.department_names,
                )
            )
    return rows


def meeting_bodies(municipality: Municipality) -> QuerySet[MeetingBody]:
    """The bodies as the profile declares them (per-area instances under ``instances``)."""
    return (
        municipality.meeting_bodies.filter(in_profile=True, declaration=None)
        .order_by("order")
        .select_related("convener", "parent", "department", "chair", "area_level")
        .prefetch_related(
            Prefetch("members", queryset=Agency.objects.order_by("kind", "order")),
            "co_conveners",
            "areas",
            Prefetch(
                "instances",
                queryset=MeetingBody.objects.filter(in_profile=True)
                .prefetch_related("areas")
                .order_by("pk"),
            ),
        )
    )


def fields_of_agencies(municipality_id: int) -> dict[int, str]:
    """分野 of each agency that delivers a programme with a stated field: its 1号 programme's
    field first (the counter's own field), else the first field of its other programmes
    (a 子育て支援センター in 3号 子ども). Agencies with none are absent: the profile says
    nothing, and nothing is guessed. (The 年度実績 counts by 1号 field only:
    reports.indicators.agency_fields.)"""
    rows = (
        Delivery.objects.filter(programme__municipality_id=municipality_id, agency__isnull=False)
        .exclude(programme__field="")
        .order_by("programme__project", "programme__order", "order")
        .values_list("agency_id", "programme__field")
    )
    found: dict[int, str] = {}
    for agency_id, field_name in rows:
        found.setdefault(agency_id, field_name)
    return found


# Agencies without a stated field, by kind (a 支援関係機関 under its 所管課 comes before these).
KIND_GROUPS = {
    Agency.Kind.AGENCY: "その他の支援関係機関",
    Agency.Kind.ORGANISATION: "運営法人",
    Agency.Kind.DEPARTMENT: "所管課・部署",
    Agency.Kind.PARTNER: "連携先(福祉分野外)",
}


def group_by_field(
    agencies: Iterable[Agency], municipality_id: int
) -> list[tuple[str, list[Agency]]]:
    """``agencies`` (in their order) under headings a counsellor knows: the 分野
    (介護・障がい・子ども・生活困窮・その他, ``fields_of_agencies``); where the profile states
    no field, a 支援関係機関 goes under its 所管課 (小林市's profile names no fields, but
    each centre's 課), and the rest by kind. Select ``department`` with the agencies."""
    fields = fields_of_agencies(municipality_id)
    groups: dict[tuple, tuple[str, list[Agency]]] = {}
    for agency in agencies:
        field_name = fields.get(agency.pk, "")
        key: tuple
        if field_name in Field.values:
            label = "その他の分野" if field_name == Field.OTHER else f"{field_name}分野"
            key = (0, Field.values.index(field_name), 0)
        elif agency.kind == Agency.Kind.AGENCY and agency.department is not None:
            department = agency.department
            key, label = (1, department.order, department.pk), f"{department.name}の所管"
        else:
            kinds = list(KIND_GROUPS)
            kind = Agency.Kind(agency.kind) if agency.kind in kinds else Agency.Kind.AGENCY
            key, label = (2, kinds.index(kind), 0), KIND_GROUPS[kind]
        groups.setdefault(key, (label, []))[1].append(agency)
    return [groups[key] for key in sorted(groups)]
