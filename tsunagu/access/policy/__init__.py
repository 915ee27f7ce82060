"""The one access policy: who may see or change what. Deny by default.

Rules (DOMAIN.md "Personal data"):
- A person's record is visible to users of agencies with a current ``Involvement`` with
  that person (registered them, took a consultation, received a referral, work on a case…).
- Users of any other agency learn only that the person is known, and by which agencies
  (``known_elsewhere``): the 「他機関で関わりあり」 signal, with no content.
- Only memberships in a casework role count (``User.content_agency_ids``). The 管理者 role
  manages configuration and the 監査 role reads the audit log (``can_read_audit_log``);
  neither reads case content unless the user is also a casework member of an involved agency.
- A 監査 user is read-only everywhere: every ``can_change_*`` is False for them (403).
- A merged person resolves to the survivor (``survivor``): old links keep working and the
  access question is asked about the survivor.
- A household is visible to users who may read one of its current members; its page shows
  each member's name and 続柄 (the composition is part of every member's record) but birth
  dates and links only for members the user may read.
- A record the user may not see is a 404 (``get_person_or_404``).

How other apps follow this (one pattern for every record type):
- Add a pair here: ``visible_<things>(user)`` (a QuerySet filter for lists, built on
  ``_agency_ids(user)`` so it is empty for users without casework memberships) and
  ``can_view_<thing>(user, obj)`` / ``get_<thing>_or_404(user, pk)`` for one object, plus
  ``can_change_<thing>`` that also refuses read-only users.
- Views call the check on their first line: 404 when the record is not visible, then
  ``PermissionDenied`` (403) when it is visible but the user may not change it.
- Every read and write of a person's data then calls ``audit.log`` in the same transaction.
- Actions that start or end an agency's work with a person call ``grant_involvement`` /
  ``end_involvement``; nothing else widens access.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tsunagu.access.models import Involvement
from tsunagu.access.policy.municipality import can_view_areas, get_areas_municipality_or_404  # noqa: F401
from tsunagu.accounts.models import READ_ONLY
from tsunagu.lib.wareki import format_wareki
from tsunagu.municipality.models import Agency
from tsunagu.people.models import HouseholdMembership, Person


def _agency_ids(user) -> set[int]:
    """Agencies through which ``user`` may read case content (casework memberships)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return user.content_agency_ids()


def is_read_only(user) -> bool:
    return user.has_role(*READ_ONLY)


def writable_agencies(user) -> QuerySet[Agency]:
    """Agencies ``user`` may register persons or record work for (none when read-only)."""
    if is_read_only(user):
        return Agency.objects.none()
    return Agency.objects.filter(pk__in=_agency_ids(user)).order_by("name")


def survivor(person: Person) -> Person:
    """The person a merged record now lives on (itself when not merged)."""
    seen = {person.pk}
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
        if person.pk in seen:  # a cycle would be a data error; stop rather than loop
            break
        seen.add(person.pk)
    return person


def visible_persons(user) -> QuerySet[Person]:
    """Persons (not merged away) whose records ``user`` may read."""
    agencies = _agency_ids(user)
    if not agencies:
        return Person.objects.none()
    involved = Involvement.objects.current().filter(agency_id__in=agencies).values("person_id")
    # One id set, never an OR of two IN-subqueries: PostgreSQL cannot plan that OR as a
    # semi-join and scans every person (10 s at 350k persons). 支援会議 sharing reaches few
    # persons, so its ids are read first and joined with UNION only when there are any.
    shared = list(meeting_shared_persons(user).values_list("pk", flat=True))
    if shared:
        involved = involved.union(Person.objects.filter(pk__in=shared).values("pk"))
    return Person.objects.active().filter(pk__in=involved)


def can_view_person(user, person: Person) -> bool:
    agencies = _agency_ids(user)
    if not agencies:
        return False
    person = survivor(person)
    if Involvement.objects.current().filter(person=person, agency_id__in=agencies).exists():
        return True
    return meeting_shared_persons(user).filter(pk=person.pk).exists()


def can_change_person(user, person: Person) -> bool:
    return not is_read_only(user) and can_view_person(user, person)


def get_person_or_404(user, pk) -> Person:
    """The person (or, if merged, its survivor) when ``user`` may read it; else 404."""
    person = Person.objects.filter(pk=pk).first()
    if person is None or not can_view_person(user, person):
        raise Http404("指定された本人の記録は見つからないか、閲覧する権限がありません。")
    return survivor(person)


def visible_households(user):
    """Households with a current member whose record ``user`` may read."""
    from tsunagu.people.models import Household, HouseholdMembership

    members = HouseholdMembership.objects.filter(
        left_on__isnull=True, person_id__in=visible_persons(user).values("pk")
    )
    return Household.objects.filter(pk__in=members.values("household_id"))


def can_view_household(user, household_id: int) -> bool:
    from tsunagu.people.models import HouseholdMembership

    members = list(
        HouseholdMembership.objects.filter(
            household_id=household_id, left_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    return visible_persons(user).filter(pk__in=members).exists()


def get_household_or_404(user, pk):
    from tsunagu.people.models import Household

    household = Household.objects.filter(pk=pk).first()
    if household is None or not can_view_household(user, household.pk):
        raise Http404("指定された世帯は見つからないか、閲覧する権限がありません。")
    return household


def known_elsewhere_by_person(user, person_ids) -> dict[int, list[str]]:
    """「他機関で関わりあり」, the one rule: per person, the names of agencies other than the
    user's own (casework memberships) currently involved with them. Names only — the
    signal says where to ask, never what is recorded. Persons known to nobody else are
    left out, so ``len()`` counts the persons known elsewhere."""
    rows = (
        Involvement.objects.current()
        .filter(person_id__in=person_ids)
        .exclude(agency_id__in=_agency_ids(user))
        .order_by("person_id", "agency__name")
        .values_list("person_id", "agency__name")
        .distinct()
    )
    names: dict[int, list[str]] = {}
    for person_id, name in rows:
        names.setdefault(person_id, []).append(name)
    return names


def known_elsewhere(user, person: Person) -> list[str]:
    return known_elsewhere_by_person(user, [person.pk]).get(person.pk, [])


def known_elsewhere_by_household(user, household_ids) -> dict[int, list[str]]:
    """The same signal for households: agencies involved with any current member."""
    members = list(
        HouseholdMembership.objects.filter(
            household_id__in=household_ids, left_on__isnull=True
        ).values_list("household_id", "person_id")
    )
    by_person = known_elsewhere_by_person(user, {person_id for _, person_id in members})
    names: dict[int, set[str]] = {}
    for household_id, person_id in members:
        names.setdefault(household_id, set()).update(by_person.get(person_id, []))
    return {household_id: sorted(found) for household_id, found in names.items() if found}


def grant_involvement(
    *, person: Person, agency: Agency, source: str, source_id=None
) -> Involvement:
    """Record that ``agency`` now works with ``person`` (idempotent per source record)."""
    involvement, _ = Involvement.objects.get_or_create(
        person=person, agency=agency, source=source, source_id=source_id, ended_at=None
    )
    return involvement


def end_involvement(*, source: str, source_id, agency: Agency | None = None, at=None) -> int:
    """Close the involvement a source record gave (e.g. a referral reaching a terminal state)."""
    from django.utils import timezone

    rows = Involvement.objects.current().filter(source=source, source_id=source_id)
    if agency is not None:
        rows = rows.filter(agency=agency)
    return rows.update(ended_at=at or timezone.now())


# --- Consultations and referrals (intake) ------------------------------------------------
# A consultation is read only by users of the agency that took it. A referral (つなぐシート)
# is read in full by the sending agency; a recipient agency sees the sheet and its attached
# notes, and only its own task, from 送付 until its task reaches a terminal state.


def _intake_models():
    from tsunagu.intake import models as intake

    return intake


def visible_consultations(user):
    intake = _intake_models()
    agencies = _agency_ids(user)
    if not agencies:
        return intake.Consultation.objects.none()
    return intake.Consultation.objects.filter(agency_id__in=agencies)


def can_view_consultation(user, consultation) -> bool:
    return consultation.agency_id in _agency_ids(user)


def can_change_consultation(user, consultation) -> bool:
    return can_view_consultation(user, consultation) and not user.has_role("auditor")


def get_consultation_or_404(user, pk):
    consultation = (
        visible_consultations(user)
        .filter(pk=pk)
        .select_related("person", "household", "agency", "staff")
        .first()
    )
    if consultation is None:
        raise Http404("指定された相談受付は見つからないか、閲覧する権限がありません。")
    return consultation


def sent_referral_tasks(user):
    """Every recipient task of the referrals the user's agencies sent (the sender sees all)."""
    intake = _intake_models()
    return intake.RecipientTask.objects.filter(referral__sender_agency_id__in=_agency_ids(user))


def received_referral_tasks(user):
    """The user's agencies' own tasks, from 送付 until the task reaches a terminal state."""
    intake = _intake_models()
    return intake.RecipientTask.objects.active().filter(agency_id__in=_agency_ids(user))


def is_referral_sender(user, referral) -> bool:
    return referral.sender_agency_id in _agency_ids(user)


def visible_tasks(user, referral):
    """The recipient tasks of ``referral`` the user may see: all for the sender, else own."""
    if is_referral_sender(user, referral):
        tasks = referral.tasks.all()
    else:
        tasks = received_referral_tasks(user).filter(referral=referral)
    return tasks.select_related("agency", "owner")


def can_view_referral(user, referral) -> bool:
    return is_referral_sender(user, referral) or visible_tasks(user, referral).exists()


def get_referral_or_404(user, pk):
    referral = (
        _intake_models()
        .Referral.objects.filter(pk=pk)
        .select_related("person", "consultation", "sender_agency", "sent_by")
        .first()
    )
    if referral is None or not can_view_referral(user, referral):
        raise Http404("指定されたつなぐシートは見つからないか、閲覧する権限がありません。")
    return referral


def task_sides(user, task) -> set[str]:
    """The sides ("sender", "recipient") from which ``user`` may act on ``task``."""
    if user.has_role("auditor"):
        return set()
    agencies = _agency_ids(user)
    sides = set()
    if task.agency_id in agencies and not task.is_terminal:
        sides.add("recipient")
    if task.referral.sender_agency_id in agencies:
        sides.add("sender")
    return sides


# --- 多機関協働の事例 (coordination cases) ---------------------------------------------
# The coordinating agency holds the case and sees every part. Agencies on the case team
# (current CaseMember) see the case, their own assignments, and the parts the current
# consent opens to them (consent_covers). Everyone else gets 404.


def _case_models():
    from tsunagu.coordination import models as coordination_models

    return coordination_models


def visible_cases(user):
    """Cases ``user`` may open: held by one of their agencies or with them on the team."""
    Case = _case_models().Case
    agencies = _agency_ids(user)
    if not agencies:
        return Case.objects.none()
    on_team = _case_models().CaseMember.objects.current().filter(agency_id__in=agencies)
    return Case.objects.filter(
        Q(coordinating_agency_id__in=agencies) | Q(pk__in=on_team.values("case_id"))
    )


def holds_case(user, case) -> bool:
    return case.coordinating_agency_id in _agency_ids(user)


def can_view_case(user, case) -> bool:
    agencies = _agency_ids(user)
    if not agencies:
        return False
    if case.coordinating_agency_id in agencies:
        return True
    return case.members.current().filter(agency_id__in=agencies).exists()


def can_change_case(user, case) -> bool:
    return holds_case(user, case) and not user.has_role("auditor")


def case_parts(user, case) -> set[str]:
    """The parts of ``case`` (基本情報, アセスメント, 支援プラン, 支援経過) ``user`` may read."""
    from tsunagu.coordination.consent import consent_covers

    Part = _case_models().Part
    if holds_case(user, case):
        return set(Part.values)
    if not can_view_case(user, case):
        return set()
    member_agencies = set(
        case.members.current()
        .filter(agency_id__in=_agency_ids(user))
        .values_list("agency_id", flat=True)
    )
    return {
        part
        for part in Part.values
        for agency in Agency.objects.filter(pk__in=member_agencies)
        if consent_covers(case, agency=agency, part=part)
    }


def get_case_or_404(user, pk, *, part: str | None = None):
    """The case, if ``user`` may open it — and, with ``part``, read that part of it."""
    case = (
        _case_models()
        .Case.objects.filter(pk=pk)
        .select_related(
            "focus_person", "household", "coordinating_agency", "coordinator", "lead_agency"
        )
        .first()
    )
    if case is None or not can_view_case(user, case):
        raise Http404("指定された事例は見つからないか、閲覧する権限がありません。")
    if part is not None and part not in case_parts(user, case):
        raise Http404("この情報を閲覧する権限がありません。")
    return case


# ---------------------------------------------------------------------------------------
# Meetings (会議体) — section owned by the meetings app.
# A session is visible (date, place, attendees) to users of the body's member agencies,
# of its convener, and to its attendees. Its agenda, papers and minutes are visible to
# attendees and to the convening side — except a 支援会議 (``confidential``) session, whose
# papers are 非公開: only attendees with a confidentiality pledge for the body dated on or
# before the session see them, and exports leave them out for everyone else.
# ---------------------------------------------------------------------------------------


def meeting_overview_municipality(user):
    """The municipality whose meeting overview (bodies, frequency, resource gaps) ``user``
    may see: they work for a member or convener of one of its bodies, or administer it."""
    from tsunagu.municipality.models import MeetingBody

    agencies = _agency_ids(user)
    if not agencies:
        return None
    if user.has_role("admin", "auditor"):
        agency = Agency.objects.filter(pk__in=agencies).select_related("municipality").first()
        return agency.municipality if agency else None
    body = (
        MeetingBody.objects.filter(Q(convener_id__in=agencies) | Q(members__in=agencies))
        .select_related("municipality")
        .first()
    )
    return body.municipality if body else None


def visible_sessions(user):
    from tsunagu.meetings.models import MeetingSession

    agencies = _agency_ids(user)
    if not agencies:
        return MeetingSession.objects.none()
    ids = MeetingSession.objects.filter(
        Q(convener_id__in=agencies)
        | Q(body__convener_id__in=agencies)
        | Q(body__members__in=agencies)
        | Q(attendances__user=user)
    ).values("pk")
    return MeetingSession.objects.filter(pk__in=ids)


def get_session_or_404(user, pk):
    session = visible_sessions(user).select_related("body", "convener").filter(pk=pk).first()
    if session is None:
        raise Http404("指定された会議は見つからないか、閲覧する権限がありません。")
    return session


def manageable_bodies(user):
    """Bodies whose sessions ``user`` may run: the convener's staff; for a body the plan
    names no convener for, the profile's coordinating agency; coordinators of members."""
    from tsunagu.municipality.models import MeetingBody

    agencies = _agency_ids(user)
    if not agencies or user.has_role("auditor"):
        return MeetingBody.objects.none()
    rule = Q(convener_id__in=agencies)
    coordinating = [
        a.municipality_id
        for a in Agency.objects.filter(pk__in=agencies).select_related("municipality")
        if a.name == a.municipality.setting("coordinating_agency")
    ]
    if coordinating:
        rule |= Q(convener__isnull=True, municipality_id__in=coordinating)
    if user.has_role("coordinator"):
        rule |= Q(members__in=agencies)
    return MeetingBody.objects.filter(pk__in=MeetingBody.objects.filter(rule).values("pk"))


def can_manage_body(user, body) -> bool:
    return manageable_bodies(user).filter(pk=body.pk).exists()


def can_manage_session(user, session) -> bool:
    agencies = _agency_ids(user)
    if not agencies or user.has_role("auditor"):
        return False
    return session.convener_id in agencies or can_manage_body(user, session.body)


def has_pledge(user, session) -> bool:
    from tsunagu.meetings.models import Pledge

    return Pledge.objects.filter(
        user=user, body_id=session.body_id, signed_on__lte=session.date
    ).exists()


def papers_refusal(user, session) -> str:
    """Why ``user`` may not see the session's agenda, papers and minutes ('' if they may)."""
    attending = session.attendances.filter(user=user).exists()
    if session.confidential:
        if not attending:
            return "支援会議の議題・資料・議事録は非公開です。出席者のみ閲覧できます。"
        if not has_pledge(user, session):
            return (
                "支援会議の議題を見るには、この会議体についての守秘義務の確認"
                f"(開催日 {format_wareki(session.date)} 以前の日付)を記録してください。"
            )
        return ""
    if attending or can_manage_session(user, session):
        return ""
    return "会議の議題・資料・議事録は出席者と主催機関のみ閲覧できます。"


def sessions_with_visible_papers(user):
    """Sessions whose papers ``user`` may read or export (same rule as ``papers_refusal``)."""
    from django.db.models import Exists, OuterRef

    from tsunagu.meetings.models import MeetingSession, Pledge

    agencies = _agency_ids(user)
    if not agencies:
        return MeetingSession.objects.none()
    managing = Q(pk__in=[])
    if not user.has_role("auditor"):
        managing = Q(convener_id__in=agencies) | Q(body__convener_id__in=agencies)
        if user.has_role("coordinator"):
            managing |= Q(body__members__in=agencies)
    attending = Q(attendances__user=user)
    pledged = Exists(
        Pledge.objects.filter(
            user=user, body_id=OuterRef("body_id"), signed_on__lte=OuterRef("date")
        )
    )
    open_papers = MeetingSession.objects.filter(attending | managing, confidential=False)
    pledged_papers = MeetingSession.objects.filter(attending, pledged, confidential=True)
    return visible_sessions(user).filter(
        Q(pk__in=open_papers.values("pk")) | Q(pk__in=pledged_papers.values("pk"))
    )


# 支援会議 sharing (法第106条の6): a pledged attendee of a held-or-running 支援会議 session
# may read the cases on its confidential agenda items — the focus person and the household
# members — for the period in Municipality.settings["confidential_sharing_until"]:
# "next_session" (until a later session of the same body is held) or a number of days
# from the session date. Computed from the sessions, so it ends by itself.


def sharing_sessions(user, *, today=None):
    """支援会議 sessions whose agenda cases ``user`` may read on ``today``."""
    import datetime

    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from tsunagu.meetings.models import MeetingSession, Pledge
    from tsunagu.municipality.models import Municipality

    Session = MeetingSession
    agencies = _agency_ids(user)
    today = today or timezone.localdate()
    attended = Session.objects.filter(confidential=True, attendances__user=user, date__lte=today)
    if not agencies or not attended.exists():  # most users: one cheap query, not the full rule
        return Session.objects.none()
    later_held = Session.objects.filter(
        body_id=OuterRef("body_id"), date__gt=OuterRef("date"), status=Session.Status.HELD
    )
    windows = Q(pk__in=[])
    for m in Municipality.objects.filter(agencies__in=agencies).distinct():
        until = m.setting("confidential_sharing_until", "next_session")
        if until == "next_session":
            window = ~Q(Exists(later_held))
        else:
            window = Q(date__gte=today - datetime.timedelta(days=int(until)))
        windows |= Q(window, body__municipality=m)
    pledged = Exists(
        Pledge.objects.filter(
            user=user, body_id=OuterRef("body_id"), signed_on__lte=OuterRef("date")
        )
    )
    ids = (
        attended.exclude(status=Session.Status.CANCELLED)
        .filter(pledged)
        .filter(windows)
        .values("pk")
    )
    return Session.objects.filter(pk__in=ids)


def meeting_shared_cases(user, *, today=None):
    from tsunagu.coordination.models import Case
    from tsunagu.meetings.models import AgendaItem

    items = AgendaItem.objects.filter(
        function="confidential", session__in=sharing_sessions(user, today=today)
    )
    return Case.objects.filter(pk__in=items.values("case_id"))


def meeting_shared_persons(user, *, today=None) -> QuerySet[Person]:
    """Persons ``user`` may read because their case is on a 支援会議 agenda they attend."""
    from tsunagu.people.models import HouseholdMembership

    # Read as ids in two small queries: an OR of two IN-subqueries over persons makes
    # PostgreSQL check every person (60 ms at 350k persons), and sharing reaches few cases.
    cases = list(
        meeting_shared_cases(user, today=today).values_list("focus_person_id", "household_id")
    )
    if not cases:
        return Person.objects.none()
    households = {household for _, household in cases if household}
    members = HouseholdMembership.objects.filter(household_id__in=households, left_on__isnull=True)
    ids = {focus for focus, _ in cases} | set(members.values_list("person_id", flat=True))
    return Person.objects.filter(pk__in=ids)


# Domain modules (one import line each): their public names are the policy's.
from tsunagu.access.policy.accounts import *  # noqa: E402, F403
from tsunagu.access.policy.audit import *  # noqa: E402, F403
from tsunagu.access.policy.outreach import *  # noqa: E402, F403  (アウトリーチ: policy/outreach.py)
from tsunagu.access.policy.reports import can_edit_targets, can_read_reports  # noqa: E402,F401
from tsunagu.access.policy.resources import (  # noqa: E402,F401
    can_edit_register,
    can_raise_gap,
    can_view_gap_source,
    get_gap_or_404,
    get_organization_or_404,
    get_resource_or_404,
    register_edit_municipality_ids,
    register_municipality_ids,
    visible_gaps,
    visible_organizations,
    visible_resources,
)

from .participation import (  # noqa: E402, F401  (参加支援, re-exported; reads the helpers above)
    can_change_participation,
    can_view_participation,
    get_participation_or_404,
    participation_agency_ids,
    visible_participations,
)
