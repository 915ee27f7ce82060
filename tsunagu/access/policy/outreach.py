"""アウトリーチ (第4号): who may see and change an outreach record.

- The responsible outreach agency's casework members see and change it.
- The profile's coordinating agency (多機関協働, 運用設定 ``coordinating_agency``) sees the
  records of its municipality (it convenes the 支援会議 and takes the hand-offs).
- Pledged attendees of a 支援会議 session with the record on its agenda see it while the
  session's sharing lasts (``sharing_sessions``, the same window as for cases).
- Nobody else learns that a record exists: 404. Once a person is linked, the outreach
  agency holds an Involvement (source: outreach) and other agencies see only
  「他機関で関わりあり」 for that person, as for any other record.
- 管理者 and 監査 memberships grant nothing (``casework_agency_ids``); 監査 is read-only.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from tsunagu.access.policy.base import (
    casework_agency_ids,
    coordinating_municipality_ids,
    is_read_only,
    writable_agencies,
)
from tsunagu.access.policy.meetings import sharing_sessions
from tsunagu.municipality.models import Agency, Delivery, MeetingFunction, StatutoryProject
from tsunagu.outreach.models import OutreachAgendaItem, OutreachRecord

__all__ = [
    "can_change_outreach_record",
    "get_outreach_record_or_404",
    "meeting_shared_outreach_ids",
    "outreach_agencies",
    "outreach_sides",
    "visible_outreach_records",
    "writable_outreach_agencies",
]


def meeting_shared_outreach_ids(user) -> list[int]:
    """Records on the agenda of a 支援会議 whose sharing ``user`` takes part in now."""
    sessions = sharing_sessions(user)
    links = OutreachAgendaItem.objects.filter(
        agenda_item__function=MeetingFunction.CONFIDENTIAL, agenda_item__session__in=sessions
    )
    return list(links.values_list("record_id", flat=True))


def visible_outreach_records(user):
    """Outreach records ``user`` may open (none for 管理者/監査-only users)."""
    agencies = casework_agency_ids(user)
    if not agencies:
        return OutreachRecord.objects.none()
    rule = Q(agency_id__in=agencies)
    coordinating = coordinating_municipality_ids(user)
    if coordinating:
        rule |= Q(municipality_id__in=coordinating)
    shared = meeting_shared_outreach_ids(user)
    if shared:
        rule |= Q(pk__in=shared)
    return OutreachRecord.objects.filter(rule)


def get_outreach_record_or_404(user, pk):
    record = (
        visible_outreach_records(user)
        .filter(pk=pk)
        .select_related("agency", "worker", "area", "person", "municipality")
        .first()
    )
    if record is None:
        raise Http404("指定されたアウトリーチ記録は見つからないか、閲覧する権限がありません。")
    return record


def outreach_sides(user, record) -> set[str]:
    """``{"worker"}`` for the outreach agency's staff who may record; empty otherwise."""
    if is_read_only(user) or record.agency_id not in casework_agency_ids(user):
        return set()
    return {"worker"}


def can_change_outreach_record(user, record) -> bool:
    return "worker" in outreach_sides(user, record)


def outreach_agencies(municipality):
    """The profile's 4号 agencies: those delivering a programme of statutory project 4, or,
    where the plan names no delivering agency, its operator (a contracted 社協, 小林市)."""
    deliveries = Delivery.objects.filter(
        programme__municipality=municipality,
        programme__project=StatutoryProject.OUTREACH,
        programme__in_profile=True,
    )
    ids = set(deliveries.exclude(agency=None).values_list("agency_id", flat=True))
    ids |= set(
        deliveries.filter(agency=None).exclude(operator=None).values_list("operator_id", flat=True)
    )
    return Agency.objects.filter(pk__in=ids)


def writable_outreach_agencies(user, municipality):
    """The 4号 agencies ``user`` may register outreach records for."""
    return outreach_agencies(municipality).filter(pk__in=writable_agencies(user).values("pk"))
