"""The public part of the register as Open Referral HSDS 3 (tabular form).

One function builds the tables (``export_tables``): organization, service, location,
address, accessibility, service_at_location, schedule, service_area, contact, phone, and
the two taxonomies (種別, 対象) with the attributes that tag services with them. The JSON
export is those tables as one object, validated in the tests against the official schema
vendored in ``hsds_schema/`` (``compiled_tabular.json`` and the table schemas it refers
to); the CSV export is the same tables as HSDS's CSV files in one zip.

What is public: resources marked 公開 that have not ended, their operator when the
operator is marked 公開, and coordinators who agreed to be named. Internal memos, helper
counts, activity records, 担当者 names and everything not marked 公開 never leave.

Ids are the records' ``hsds_id``; rows that have no record of their own (a service's
location, phone, schedule lines) get ids derived from it (uuid5), so an export is stable
and ``import_tables`` (hsds_import.py) can match what it reads to what exists.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from functools import cache
from pathlib import Path

from django.db.models import Prefetch

from .models import (
    Coordinator,
    Organization,
    OrganizationKind,
    Resource,
    ResourceKind,
    ResourceStatus,
    Target,
)

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
NAMESPACE = uuid.UUID("6f1c7c1e-2a51-4b6b-9a43-7d1f3c0e5a10")  # tsunagu's HSDS namespace
TABLES = [
    "organization",
    "service",
    "location",
    "address",
    "accessibility",
    "service_at_location",
    "schedule",
    "service_area",
    "contact",
    "phone",
    "taxonomy",
    "taxonomy_term",
    "attribute",
]
# HSDS's CSV file of each table (the schema's "path").
CSV_NAMES = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "accessibility": "accessibility.csv",
    "service_at_location": "service_at_location.csv",
    "schedule": "schedules.csv",
    "service_area": "service_areas.csv",
    "contact": "contacts.csv",
    "phone": "phones.csv",
    "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv",
}
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
STATUS_OUT: dict[str, str] = {
    ResourceStatus.ACTIVE: "active",
    ResourceStatus.PAUSED: "temporarily closed",
}
STATUS_IN = {
    "active": ResourceStatus.ACTIVE,
    "temporarily closed": ResourceStatus.PAUSED,
    "inactive": ResourceStatus.ENDED,
    "defunct": ResourceStatus.ENDED,
}
COORDINATOR_DEPARTMENT = "世話役"
CONTACT_TITLE = "問い合わせ先"

TAXONOMIES = {
    "kind": ("tsunagu 社会資源の種別", ResourceKind.choices),
    "target": ("tsunagu 対象", Target.choices),
    "organization_kind": ("tsunagu 団体の種別", OrganizationKind.choices),
}


def derived_id(base: uuid.UUID | str, part: str) -> str:
    namespace = base if isinstance(base, uuid.UUID) else uuid.UUID(base)
    return str(uuid.uuid5(namespace, part))


def taxonomy_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{name}"))


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term:{taxonomy}:{code}"))


def _taxonomy_rows() -> tuple[list[dict], list[dict]]:
    taxonomies, terms = [], []
    for key, (name, choices) in TAXONOMIES.items():
        taxonomies.append({"id": taxonomy_id(key), "name": name, "description": name})
        for code, label in choices:
            terms.append(
                {
                    "id": term_id(key, code),
                    "code": code,
                    "name": label,
                    "description": label,
                    "taxonomy_id": taxonomy_id(key),
                }
            )
    return taxonomies, terms


def _attribute(base: uuid.UUID, entity: str, taxonomy: str, code: str) -> dict:
    link_id = str(base)
    return {
        "id": derived_id(base, f"attribute:{taxonomy}:{code}"),
        "link_id": link_id,
        "taxonomy_term_id": term_id(taxonomy, code),
        "link_type": taxonomy,
        "link_entity": entity,
        "value": code,
    }


def _time(value) -> str:
    return value.strftime("%H:%M") if value else ""


def _schedule_row(service_id: str, base: uuid.UUID, index: int, schedule) -> dict:
    day = RRULE_DAYS[schedule.weekday]
    weeks = schedule.week_list
    row = {
        "id": derived_id(base, f"schedule:{index}"),
        "service_id": service_id,
        "freq": "MONTHLY" if weeks else "WEEKLY",
        "wkst": "MO",
        "byday": ",".join(f"{w}{day}" for w in weeks) if weeks else day,
        "description": schedule.label,
    }
    if schedule.opens_at:
        row["opens_at"] = _time(schedule.opens_at)
    if schedule.closes_at:
        row["closes_at"] = _time(schedule.closes_at)
    return row


def _organization_rows(org: Organization, t: dict[str, list[dict]]) -> None:
    oid = str(org.hsds_id)
    base = org.hsds_id
    row = {"id": oid, "name": org.name, "description": org.description}
    if org.email:
        row["email"] = org.email
    if org.url:
        row["website"] = org.url
    t["organization"].append(row)
    if org.phone:
        t["phone"].append(
            {"id": derived_id(base, "phone"), "organization_id": oid, "number": org.phone}
        )
    t["attribute"].append(_attribute(base, "organization", "organization_kind", org.kind))


def _service_rows(r: Resource, public_orgs: set[int], t: dict[str, list[dict]]) -> None:
    sid, base = str(r.hsds_id), r.hsds_id
    service = {
        "id": sid,
        "name": r.name,
        "description": r.description,
        "status": STATUS_OUT[r.status],
    }
    if r.operator and r.operator.pk in public_orgs:
        service["organization_id"] = str(r.operator.hsds_id)
    if r.url:
        service["url"] = r.url
    if r.email:
        service["email"] = r.email
    if r.fee:
        service["fees_description"] = r.fee
    if r.targets:
        service["eligibility_description"] = "・".join(r.target_labels)
    t["service"].append(service)
    t["attribute"].append(_attribute(base, "service", "kind", r.kind))
    for code in r.target_list:
        t["attribute"].append(_attribute(base, "service", "target", code))

    lid = derived_id(base, "location")
    location = {"id": lid, "location_type": "physical", "name": r.place_name}
    t["location"].append(location)
    t["service_at_location"].append(
        {"id": derived_id(base, "service_at_location"), "service_id": sid, "location_id": lid}
    )
    if r.address:
        t["address"].append(
            {
                "id": derived_id(base, "address"),
                "location_id": lid,
                "address_1": r.address,
                "city": r.municipality.name,
                "state_province": r.municipality.prefecture,
                "postal_code": "",
                "country": "JP",
                "address_type": "physical",
            }
        )
    if r.accessibility:
        t["accessibility"].append(
            {
                "id": derived_id(base, "accessibility"),
                "location_id": lid,
                "description": r.accessibility,
            }
        )
    for index, schedule in enumerate(r.schedules.all()):
        t["schedule"].append(_schedule_row(sid, base, index, schedule))
    if r.schedule_note:
        t["schedule"].append(
            {"id": derived_id(base, "schedule:note"), "service_id": sid, "notes": r.schedule_note}
        )
    if r.area:
        t["service_area"].append(
            {
                "id": derived_id(base, "service_area"),
                "service_id": sid,
                "name": r.area.name,
                "description": r.area.level.name,
            }
        )
    if r.contact_label:
        t["contact"].append(
            {
                "id": derived_id(base, "contact"),
                "service_id": sid,
                "name": r.contact_label,
                "title": CONTACT_TITLE,
            }
        )
    for index, person in enumerate(r.public_coordinators):  # type: ignore[attr-defined]
        contact = {
            "id": derived_id(base, f"coordinator:{index}"),
            "service_id": sid,
            "name": person.name,
            "department": COORDINATOR_DEPARTMENT,
        }
        if person.role:
            contact["title"] = person.role
        t["contact"].append(contact)
    if r.phone:
        t["phone"].append({"id": derived_id(base, "phone"), "service_id": sid, "number": r.phone})


def public_resources(municipality):
    return (
        Resource.objects.public()
        .filter(municipality=municipality)
        .select_related("municipality", "operator", "area__level")
        .prefetch_related(
            "schedules",
            Prefetch(
                "coordinators",
                queryset=Coordinator.objects.filter(is_public=True),
                to_attr="public_coordinators",
            ),
        )
        .order_by("name", "pk")
    )


def export_tables(municipality) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    tables["taxonomy"], tables["taxonomy_term"] = _taxonomy_rows()
    organizations = Organization.objects.filter(municipality=municipality, is_public=True).order_by(
        "name", "pk"
    )
    public_orgs = set()
    for org in organizations:
        public_orgs.add(org.pk)
        _organization_rows(org, tables)
    for resource in public_resources(municipality).iterator(chunk_size=2000):
        _service_rows(resource, public_orgs, tables)
    return tables


def to_json(tables: dict[str, list[dict]]) -> bytes:
    # No indent: only the compact form uses json's C encoder (10× faster on 20,000 services).
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _columns(table: str) -> list[str]:
    props = schema_for(table)["properties"]
    return [name for name, spec in props.items() if spec.get("type") != "array"]


def to_csv_zip(tables: dict[str, list[dict]], safe) -> bytes:
    """One HSDS CSV per table in a zip; ``safe`` escapes each cell against formulas."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in tables.items():
            columns = _columns(table)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([safe(str(row.get(c, ""))) for c in columns])
            archive.writestr(CSV_NAMES[table], buffer.getvalue().encode("utf-8-sig"))
    return out.getvalue()


@cache
def tabular_schema() -> dict:
    return json.loads((SCHEMA_DIR / "compiled_tabular.json").read_text())


def schema_for(table: str) -> dict:
    return tabular_schema()["properties"][table]["items"]


@cache
def _validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing import Resource as SchemaResource

    registry = Registry().with_resources(
        (
            path.name,
            SchemaResource.from_contents(
                json.loads(path.read_text()), default_specification=_draft()
            ),
        )
        for path in SCHEMA_DIR.glob("*.json")
    )
    return Draft202012Validator(
        tabular_schema(), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _draft():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def schema_errors(document) -> list[str]:
    """Japanese messages, one per place the document breaks the HSDS schema."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [_describe(e) for e in errors]


def _describe(error) -> str:
    path = list(error.absolute_path)
    where = "ファイル全体"
    if path:
        where = f"{path[0]}"
        if len(path) > 1:
            where += f" {path[1] + 1 if isinstance(path[1], int) else path[1]}件目"
        if len(path) > 2:
            where += f"「{path[2]}」"
    return f"{where}: HSDSの形式に合いません({error.message[:200]})"


def weekday_from_rrule(day: str) -> int:
    return RRULE_DAYS.index(day)
