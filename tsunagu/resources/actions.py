"""Writes to the 社会資源台帳: each a transaction that checks the policy, writes, audits.

Editable records carry ``version`` (optimistic lock): an update names the version it was
based on and is refused with ``Stale`` (carrying the saved row) when someone saved first.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Model

from tsunagu.access import audit, policy
from tsunagu.meetings.models import ResourceGap

from .models import ActivityRecord, Coordinator, Organization, Resource, Schedule
from .search import refresh_search_text


class Stale(Exception):
    """Someone saved the record after the editor opened it."""

    def __init__(self, current: Model):
        super().__init__(
            "ほかの人が先に保存したため、保存できませんでした。"
            "最新の内容を確認してから、もう一度保存してください。"
        )
        self.current = current


def require_edit(user, municipality_id: int) -> None:
    if not policy.can_edit_register(user, municipality_id):
        raise PermissionDenied("社会資源台帳を編集する権限がありません。")


def _save_versioned(obj: Model, *, expected_version: int, values: dict) -> None:
    model: Any = type(obj)
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        raise Stale(model.objects.get(pk=obj.pk))
    obj.refresh_from_db()


def _replace_rows(resource: Resource, schedules: list[dict], coordinators: list[dict]) -> None:
    refresh_search_text(Resource.objects.filter(pk=resource.pk))
    resource.schedules.all().delete()
    Schedule.objects.bulk_create(Schedule(resource=resource, **row) for row in schedules)
    resource.coordinators.all().delete()
    Coordinator.objects.bulk_create(Coordinator(resource=resource, **row) for row in coordinators)


@transaction.atomic
def create_resource(
    *, user, municipality, data: dict, schedules: list[dict], coordinators: list[dict]
) -> Resource:
    require_edit(user, municipality.pk)
    resource = Resource.objects.create(municipality=municipality, created_by=user, **data)
    _replace_rows(resource, schedules, coordinators)
    audit.log(user, "create", resource, purpose="社会資源の登録")
    return resource


@transaction.atomic
def update_resource(
    *,
    user,
    resource: Resource,
    expected_version: int,
    data: dict,
    schedules: list[dict],
    coordinators: list[dict],
) -> Resource:
    require_edit(user, resource.municipality_id)
    _save_versioned(resource, expected_version=expected_version, values=data)
    _replace_rows(resource, schedules, coordinators)
    audit.log(user, "update", resource, purpose="社会資源の更新", version=resource.version)
    return resource


@transaction.atomic
def create_organization(*, user, municipality, data: dict) -> Organization:
    require_edit(user, municipality.pk)
    organization = Organization.objects.create(municipality=municipality, created_by=user, **data)
    audit.log(user, "create", organization, purpose="団体の登録")
    return organization


@transaction.atomic
def update_organization(
    *, user, organization: Organization, expected_version: int, data: dict
) -> Organization:
    require_edit(user, organization.municipality_id)
    _save_versioned(organization, expected_version=expected_version, values=data)
    refresh_search_text(organization.resources.all())
    audit.log(user, "update", organization, purpose="団体の更新", version=organization.version)
    return organization


@transaction.atomic
def record_activity(*, user, resource: Resource, data: dict) -> ActivityRecord:
    require_edit(user, resource.municipality_id)
    record = ActivityRecord.objects.create(resource=resource, recorded_by=user, **data)
    audit.log(user, "create", record, purpose="開催記録")
    return record


@transaction.atomic
def raise_gap(
    *,
    user,
    municipality,
    title: str,
    description: str = "",
    kind: str = "",
    area=None,
    source: Model | None = None,
    source_kind: str = ResourceGap.Source.STAFF,
) -> ResourceGap:
    """Record a 不足資源 noticed by staff (把握), optionally from the record that showed it
    (a case, an outreach or participation record: pass it as ``source``)."""
    if not policy.can_raise_gap(user, municipality.pk):
        raise PermissionDenied("不足資源を登録する権限がありません。")
    gap = ResourceGap.objects.create(
        municipality=municipality,
        title=title,
        description=description,
        kind=kind,
        area=area,
        status=ResourceGap.Status.NOTICED,
        source_kind=source_kind,
        source_type=ContentType.objects.get_for_model(source) if source else None,
        source_id=source.pk if source else None,
        raised_by=user,
    )
    audit.log(user, "create", gap, purpose="不足資源の把握", source=source_kind)
    return gap


@transaction.atomic
def update_gap(*, user, gap: ResourceGap, expected_version: int, data: dict) -> ResourceGap:
    require_edit(user, gap.municipality_id)
    _save_versioned(gap, expected_version=expected_version, values=data)
    audit.log(user, "update", gap, purpose="不足資源の更新", version=gap.version)
    return gap


def gap_source(gap: ResourceGap) -> Model | None:
    if gap.source_type is None or gap.source_id is None:
        return None
    return gap.source_type.get_all_objects_for_this_type(pk=gap.source_id).first()
