"""Reading an HSDS document (the tabular JSON ``hsds.export_tables`` writes) into the register.

``import_document`` first checks the whole document against the HSDS schema and the
register's own limits, and reports per row what it would do (新規登録 / 更新 with the
fields that change / 変更なし) or why it cannot (the table, the row number and the field).
Only a document without errors is applied, all of it in one transaction. Records are
matched by their HSDS id; new ones are registered as 公開 (they came from public data).
Internal fields of existing records (内部メモ, 担い手の人数, non-public coordinators) are kept.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from tsunagu.access import audit
from tsunagu.municipality.models import Area

from . import hsds
from .models import (
    Coordinator,
    Organization,
    OrganizationKind,
    Resource,
    ResourceKind,
    Schedule,
    Target,
)
from .search import refresh_search_text

ORG_LABELS = {
    "name": "名称",
    "description": "概要",
    "email": "メールアドレス",
    "url": "ウェブサイト",
    "phone": "電話番号",
    "kind": "種別",
}
SERVICE_LABELS = {
    "name": "名称",
    "kind": "種別",
    "description": "内容",
    "status": "状態",
    "operator": "運営団体",
    "url": "ウェブサイト",
    "email": "メールアドレス",
    "fee": "参加費",
    "targets": "対象",
    "place_name": "会場名",
    "address": "所在地",
    "accessibility": "バリアフリー・配慮",
    "area": "圏域",
    "schedules": "日程",
    "schedule_note": "日程(補足)",
    "contact_label": "問い合わせ先",
    "phone": "電話番号",
    "coordinators": "世話役(公開)",
}
MAX_LENGTHS = {"name": 200, "fee": 100, "place_name": 200, "address": 200, "accessibility": 200}


@dataclass
class Line:
    where: str
    action: str  # 新規登録 / 更新 / 変更なし / エラー / 注意
    detail: str = ""


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[Line]:
        return [line for line in self.lines if line.action == "エラー"]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def summary(self) -> list[tuple[str, int]]:
        actions = ["新規登録", "更新", "変更なし", "注意", "エラー"]
        return [(a, self.count(a)) for a in actions if self.count(a)]

    def error(self, where: str, detail: str) -> None:
        self.lines.append(Line(where, "エラー", detail))


def read_document(data: bytes, report: Report):
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        report.error("ファイル全体", "UTF-8 の JSON ファイルを選んでください。")
        return None
    except json.JSONDecodeError as exc:
        report.error("ファイル全体", f"JSONとして読めません({exc.lineno}行目 {exc.colno}文字目)。")
        return None
    if not isinstance(document, dict) or "service" not in document:
        report.error("ファイル全体", "HSDSの表形式(service などの表を持つ JSON)ではありません。")
        return None
    for message in hsds.schema_errors(document):
        report.error(message.split(":", 1)[0], message.split(":", 1)[1].strip())
    return document


def organization_snapshot(org: Organization) -> dict:
    return {
        "name": org.name,
        "description": org.description,
        "email": org.email,
        "url": org.url,
        "phone": org.phone,
        "kind": org.kind,
    }


def resource_snapshot(r: Resource) -> dict:
    return {
        "name": r.name,
        "kind": r.kind,
        "description": r.description,
        "status": r.status,
        "operator": str(r.operator.hsds_id) if r.operator else "",
        "url": r.url,
        "email": r.email,
        "fee": r.fee,
        "targets": r.targets,
        "place_name": r.place_name,
        "address": r.address,
        "accessibility": r.accessibility,
        "area": r.area_id,
        "schedules": [(s.weekday, s.weeks, s.opens_at, s.closes_at) for s in r.schedules.all()],
        "schedule_note": r.schedule_note,
        "contact_label": r.contact_label,
        "phone": r.phone,
        "coordinators": [(c.name, c.role) for c in r.coordinators.all() if c.is_public],
    }


class _Tables:
    """The document's rows indexed by the keys the importer follows."""

    def __init__(self, document: dict):
        self.doc = document
        self.by_service: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for table in ("schedule", "service_area", "contact", "phone", "service_at_location"):
            for row in document.get(table, []):
                if row.get("service_id"):
                    self.by_service[row["service_id"]][table].append(row)
        self.org_phone = {
            r["organization_id"]: r["number"]
            for r in document.get("phone", [])
            if r.get("organization_id")
        }
        self.locations = {r["id"]: r for r in document.get("location", [])}
        self.by_location: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for table in ("address", "accessibility"):
            for row in document.get(table, []):
                self.by_location[row.get("location_id", "")][table].append(row)
        terms = {r["id"]: r for r in document.get("taxonomy_term", [])}
        self.codes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in document.get("attribute", []):
            term = terms.get(row.get("taxonomy_term_id", ""))
            code = row.get("value") or (term or {}).get("code", "")
            self.codes[row.get("link_id", "")][row.get("link_type", "")].append(code)


def _organization_values(row: dict, t: _Tables, where: str, report: Report) -> dict:
    kinds = t.codes[row["id"]]["organization_kind"]
    kind = kinds[0] if kinds else OrganizationKind.OTHER
    if kind not in OrganizationKind.values:
        report.lines.append(Line(where, "注意", f"種別「{kind}」は不明のため「その他」とします。"))
        kind = OrganizationKind.OTHER
    if len(row["name"]) > 200:
        report.error(f"{where}「name」", "名称は200文字以内にしてください。")
    return {
        "name": row["name"][:200],
        "description": row.get("description", ""),
        "email": row.get("email", ""),
        "url": row.get("website", ""),
        "phone": t.org_phone.get(row["id"], "")[:30],
        "kind": kind,
    }


def _schedules(rows: list[dict], where: str, report: Report) -> tuple[list[tuple], str]:
    slots, notes = [], []
    for row in rows:
        if not row.get("byday"):
            if row.get("notes"):
                notes.append(row["notes"])
            continue
        try:
            slots.extend(_slots(row))
        except ValueError:
            report.error(
                f"{where} 日程「byday・opens_at・closes_at」",
                f"曜日「{row['byday']}」または時刻を読めません"
                "(曜日は MO〜SU、第n週は 1MO、時刻は 10:00 のように書きます)。",
            )
    return sorted(slots, key=lambda s: (s[0], s[2] or datetime.time.min)), " ".join(notes)


def _slots(row: dict) -> list[tuple]:
    opens = _parse_time(row.get("opens_at", ""))
    closes = _parse_time(row.get("closes_at", ""))
    by_day: dict[int, list[str]] = defaultdict(list)
    for item in row["byday"].split(","):
        item = item.strip()
        day = hsds.weekday_from_rrule(item[-2:])
        week = item[:-2]
        if week and not (week.isdigit() and 1 <= int(week) <= 5):
            raise ValueError(item)
        if week:
            by_day[day].append(week)
        else:
            by_day.setdefault(day, [])
    return [(day, ",".join(sorted(w, key=int)), opens, closes) for day, w in by_day.items()]


def _parse_time(text: str) -> datetime.time | None:
    if not text:
        return None
    return datetime.time.fromisoformat(text)


def _service_values(
    row: dict, t: _Tables, municipality, known_orgs: set[str], where: str, report: Report
) -> dict:
    sid = row["id"]
    rel = t.by_service[sid]
    kinds = t.codes[sid]["kind"]
    kind = kinds[0] if kinds else ResourceKind.OTHER
    if kind not in ResourceKind.values:
        report.lines.append(Line(where, "注意", f"種別「{kind}」は不明のため「その他」とします。"))
        kind = ResourceKind.OTHER
    targets = [c for c in t.codes[sid]["target"] if c in Target.values]
    operator = row.get("organization_id", "")
    if operator and operator not in known_orgs:
        report.error(f"{where}「organization_id」", "運営団体がファイルにも台帳にもありません。")
    location = {}
    for link in rel["service_at_location"]:
        location = t.locations.get(link.get("location_id", ""), {})
    addresses = t.by_location[location.get("id", "")]["address"]
    access = t.by_location[location.get("id", "")]["accessibility"]
    area = None
    for served in rel["service_area"]:
        area = Area.objects.filter(municipality=municipality, name=served.get("name", "")).first()
        if area is None:
            report.lines.append(
                Line(
                    where,
                    "注意",
                    f"圏域「{served.get('name', '')}」がないため、圏域なしで登録します。",
                )
            )
    contacts = rel["contact"]
    main = [c for c in contacts if c.get("department") != hsds.COORDINATOR_DEPARTMENT]
    coordinators = [c for c in contacts if c.get("department") == hsds.COORDINATOR_DEPARTMENT]
    schedules, note = _schedules(rel["schedule"], where, report)
    status = hsds.STATUS_IN.get(row["status"])
    values = {
        "name": row["name"],
        "kind": kind,
        "description": row.get("description", ""),
        "status": status,
        "operator": operator,
        "url": row.get("url", ""),
        "email": row.get("email", ""),
        "fee": row.get("fees_description", ""),
        "targets": ",".join(c for c in Target.values if c in targets),
        "place_name": location.get("name", ""),
        "address": addresses[0].get("address_1", "") if addresses else "",
        "accessibility": access[0].get("description", "") if access else "",
        "area": area.pk if area else None,
        "schedules": schedules,
        "schedule_note": note[:200],
        "contact_label": main[0].get("name", "")[:200] if main else "",
        "phone": rel["phone"][0].get("number", "")[:30] if rel["phone"] else "",
        "coordinators": [(c.get("name", "")[:100], c.get("title", "")[:100]) for c in coordinators],
    }
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            report.error(
                f"{where}「{name}」", f"{SERVICE_LABELS[name]}は{limit}文字以内にしてください。"
            )
    return values


def _diff(old: dict, new: dict, labels: dict) -> str:
    return "・".join(labels[k] for k in labels if old.get(k) != new.get(k))


def _owned_elsewhere(model, hsds_id: str, municipality) -> bool:
    return model.objects.filter(hsds_id=hsds_id).exclude(municipality=municipality).exists()


def import_document(*, user, municipality, data: bytes, apply: bool) -> Report:
    report = Report()
    document = read_document(data, report)
    if document is None or report.errors:
        return report
    t = _Tables(document)
    orgs: list[tuple[str, dict, Organization | None]] = []
    for i, row in enumerate(document.get("organization", []), start=1):
        where = f"organization {i}件目「{row['name'][:40]}」"
        if _owned_elsewhere(Organization, row["id"], municipality):
            report.error(where, "同じIDの団体がほかの自治体の台帳にあります。")
            continue
        values = _organization_values(row, t, where, report)
        existing = Organization.objects.filter(hsds_id=row["id"], municipality=municipality).first()
        _note(
            report, where, organization_snapshot(existing) if existing else None, values, ORG_LABELS
        )
        orgs.append((row["id"], values, existing))
    known = {o[0] for o in orgs} | {
        str(u)
        for u in Organization.objects.filter(municipality=municipality).values_list(
            "hsds_id", flat=True
        )
    }
    services: list[tuple[str, dict, Resource | None]] = []
    for i, row in enumerate(document.get("service", []), start=1):
        where = f"service {i}件目「{row['name'][:40]}」"
        if _owned_elsewhere(Resource, row["id"], municipality):
            report.error(where, "同じIDの社会資源がほかの自治体の台帳にあります。")
            continue
        values = _service_values(row, t, municipality, known, where, report)
        existing = (
            Resource.objects.filter(hsds_id=row["id"], municipality=municipality)
            .select_related("operator")
            .prefetch_related("schedules", "coordinators")
            .first()
        )
        _note(
            report, where, resource_snapshot(existing) if existing else None, values, SERVICE_LABELS
        )
        services.append((row["id"], values, existing))
    if apply and not report.errors:
        _apply(user, municipality, orgs, services)
        audit.log(
            user,
            "import",
            "resources.resource",
            purpose="HSDS取り込み",
            created=report.count("新規登録"),
            updated=report.count("更新"),
        )
        report.applied = True
    return report


def _note(report: Report, where: str, old: dict | None, new: dict, labels: dict) -> None:
    if old is None:
        report.lines.append(Line(where, "新規登録"))
        return
    changed = _diff(old, new, labels)
    report.lines.append(Line(where, "更新" if changed else "変更なし", changed))


@transaction.atomic
def _apply(user, municipality, orgs, services) -> None:
    touched: list[int] = []
    by_hsds: dict[str, Organization] = {}
    for hsds_id, values, existing in orgs:
        org = existing or Organization(
            municipality=municipality, hsds_id=uuid.UUID(hsds_id), is_public=True, created_by=user
        )
        for name, value in values.items():
            setattr(org, name, value)
        if existing:
            org.version += 1
        org.save()
        by_hsds[hsds_id] = org
    for hsds_id, values, existing in services:
        values = dict(values)
        operator_id = values.pop("operator")
        schedules = values.pop("schedules")
        coordinators = values.pop("coordinators")
        area = values.pop("area")
        resource = existing or Resource(
            municipality=municipality, hsds_id=uuid.UUID(hsds_id), is_public=True, created_by=user
        )
        for name, value in values.items():
            setattr(resource, name, value)
        resource.area_id = area
        resource.operator = by_hsds.get(operator_id) or (
            Organization.objects.filter(municipality=municipality, hsds_id=operator_id).first()
            if operator_id
            else None
        )
        if existing:
            resource.version += 1
        resource.save()
        touched.append(resource.pk)
        resource.schedules.all().delete()
        Schedule.objects.bulk_create(
            Schedule(resource=resource, weekday=d, weeks=w, opens_at=o, closes_at=c)
            for d, w, o, c in schedules
        )
        resource.coordinators.filter(is_public=True).delete()
        Coordinator.objects.bulk_create(
            Coordinator(resource=resource, name=n, role=r, is_public=True) for n, r in coordinators
        )
    operators = [org.pk for org in by_hsds.values()]
    refresh_search_text(Resource.objects.filter(Q(pk__in=touched) | Q(operator__in=operators)))
