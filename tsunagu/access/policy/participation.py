"""参加支援 (2号): who may see and change participation records, hosts and offers.

- The responsible agencies are the profile's: the agencies (or operators) delivering a
  2号 programme; for a programme run directly with no named agency, its 所管課
  (``participation_agency_ids``). Users with a casework membership there are the
  participation staff: they read and change every record of their agency, manage hosts
  and offers, and see hosts' histories.
- The case team reads (never changes) a record that came from a case's plan when the
  consent opens the 支援プラン part to them (``policy.case_parts``); the coordinating
  agency holds the case and reads it too.
- The offers directory and a host's page (organisation, offers, 受入実績 as counts) hold
  no personal data: every staff member of the municipality reads them, 管理者 and 監査
  included. A host is not a user and sees nothing.
- Everything else is 404; a 監査 user changes nothing (403).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from tsunagu.access.policy.base import casework_agency_ids, is_read_only
from tsunagu.access.policy.coordination import case_parts, visible_cases
from tsunagu.municipality.models import Agency, Delivery, ProgrammeDepartment, StatutoryProject
from tsunagu.participation.models import FollowUp, Offer, ParticipationRecord
from tsunagu.resources.models import Organization


def participation_agency_ids(municipality_ids) -> set[int]:
    """Agencies responsible for 参加支援 in these municipalities, read from the profile."""
    deliveries = Delivery.objects.filter(
        programme__project=StatutoryProject.PARTICIPATION,
        programme__municipality_id__in=municipality_ids,
    ).values_list("programme_id", "agency_id", "operator_id")
    ids: set[int] = set()
    unnamed: set[int] = set()
    for programme_id, agency_id, operator_id in deliveries:
        named = {i for i in (agency_id, operator_id) if i}
        ids |= named
        if not named:
            unnamed.add(programme_id)
    if unnamed:  # 直営 with no named agency: the programme's 所管課 run it
        ids |= set(
            ProgrammeDepartment.objects.filter(programme_id__in=unnamed).values_list(
                "department_id", flat=True
            )
        )
    return ids


def staff_agency_ids(user) -> set[int]:
    """The user's agencies that are responsible for 参加支援 (casework memberships only);
    read once per user object, as a page asks several times."""
    cached = getattr(user, "_participation_staff", None)
    if cached is not None:
        return cached
    agencies = casework_agency_ids(user)
    found: set[int] = set()
    if agencies:
        municipalities = set(
            Agency.objects.filter(pk__in=agencies).values_list("municipality_id", flat=True)
        )
        found = agencies & participation_agency_ids(municipalities)
    if user is not None and user.is_authenticated:
        user._participation_staff = found
    return found


def municipality_ids(user) -> set[int]:
    """Municipalities whose offers directory ``user`` reads (any active membership)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return {m.agency.municipality_id for m in user.active_memberships()}


def responsible_agencies(municipality):
    return Agency.objects.filter(pk__in=participation_agency_ids([municipality.pk])).order_by(
        "name"
    )


# --- participation records -------------------------------------------------------------


def _team_case_ids(user) -> set[int]:
    """Cases whose plan part ``user`` reads (holder, or team member within the consent)."""
    cases = visible_cases(user).filter(
        pk__in=ParticipationRecord.objects.filter(case__isnull=False).values("case_id")
    )
    return {case.pk for case in cases if "plan" in case_parts(user, case)}


def visible_participations(user):
    staff = staff_agency_ids(user)
    team = _team_case_ids(user) if casework_agency_ids(user) else set()
    if not staff and not team:
        return ParticipationRecord.objects.none()
    return ParticipationRecord.objects.filter(Q(agency_id__in=staff) | Q(case_id__in=team))


def can_view_participation(user, record) -> bool:
    if record.agency_id in staff_agency_ids(user):
        return True
    if record.case_id is None or not casework_agency_ids(user):
        return False
    case = visible_cases(user).filter(pk=record.case_id).first()
    return case is not None and "plan" in case_parts(user, case)


def can_change_participation(user, record) -> bool:
    return not is_read_only(user) and record.agency_id in staff_agency_ids(user)


def get_participation_or_404(user, pk):
    record = (
        ParticipationRecord.objects.filter(pk=pk)
        .select_related("person", "agency", "coordinator", "area", "case")
        .first()
    )
    if record is None or not can_view_participation(user, record):
        raise Http404("指定された参加支援の記録は見つからないか、閲覧する権限がありません。")
    return record


# --- hosts, offers, follow-ups ----------------------------------------------------------


def visible_offers(user):
    """The offers directory: no personal data, every staff member of the municipality."""
    return Offer.objects.filter(municipality_id__in=municipality_ids(user))


def get_offer_or_404(user, pk):
    offer = visible_offers(user).filter(pk=pk).select_related("organization", "area").first()
    if offer is None:
        raise Http404("指定された受入メニューは見つかりません。")
    return offer


def visible_hosts(user):
    return Organization.objects.filter(
        municipality_id__in=municipality_ids(user), host_profile__isnull=False
    )


def get_host_or_404(user, pk):
    host = visible_hosts(user).filter(pk=pk).select_related("host_profile", "area").first()
    if host is None:
        raise Http404("指定された受入先は見つかりません。")
    return host


def can_manage_hosts(user, municipality_id) -> bool:
    """Register and edit hosts and offers: participation staff of that municipality."""
    if is_read_only(user):
        return False
    return Agency.objects.filter(
        pk__in=staff_agency_ids(user), municipality_id=municipality_id
    ).exists()


def can_view_host_history(user, host) -> bool:
    """Placements and follow-ups at a host name persons: participation staff only."""
    return Agency.objects.filter(
        pk__in=staff_agency_ids(user), municipality_id=host.municipality_id
    ).exists()


def visible_followups(user):
    return FollowUp.objects.filter(agency_id__in=staff_agency_ids(user))


def get_followup_or_404(user, pk):
    followup = (
        visible_followups(user)
        .filter(pk=pk)
        .select_related("record__person", "organization", "agency")
        .first()
    )
    if followup is None:
        raise Http404("指定されたフォローアップは見つからないか、閲覧する権限がありません。")
    return followup


def responsible_agencies_of(user) -> list[Agency]:
    """The user's own responsible agencies (where they register hosts, see figures)."""
    return list(Agency.objects.filter(pk__in=staff_agency_ids(user)).order_by("name"))
