"""Meetings (会議体).

A session is visible (date, place, attendees) to users of the body's member agencies,
of its convener, and to its attendees. Its agenda, papers and minutes are visible to
attendees and to the convening side — except a 支援会議 (``confidential``) session, whose
papers are 非公開: only attendees with a confidentiality pledge for the body dated on or
before the session see them, and exports leave them out for everyone else.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.access.policy.base import (
    casework_agency_ids,
    coordinating_municipality_ids,
    is_read_only,
)
from tsunagu.coordination.models import Case
from tsunagu.lib.wareki import format_wareki
from tsunagu.meetings.models import AgendaItem, MeetingSession, Pledge
from tsunagu.municipality.models import Agency, MeetingBody, MeetingFunction, Municipality
from tsunagu.people.models import HouseholdMembership, Person


def meeting_overview_municipality(user):
    """The municipality whose meeting overview (bodies, frequency, resource gaps) ``user``
    may see: they work for a member or convener of one of its bodies, or administer it."""
    agencies = casework_agency_ids(user)
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
    agencies = casework_agency_ids(user)
    if not agencies:
        return MeetingSession.objects.none()
    rule = (
        Q(convener_id__in=agencies)
        | Q(body__convener_id__in=agencies)
        | Q(body__members__in=agencies)
        | Q(attendances__user=user)
    )
    coordinating = coordinating_municipality_ids(user)
    if coordinating:  # those who run a body's sessions see them (decision 0010)
        rule |= Q(body_id__in=_coordination_body_ids(coordinating))
    ids = MeetingSession.objects.filter(rule).values("pk")
    return MeetingSession.objects.filter(pk__in=ids)


def get_session_or_404(user, pk):
    session = visible_sessions(user).select_related("body", "convener").filter(pk=pk).first()
    if session is None:
        raise Http404("指定された会議は見つからないか、閲覧する権限がありません。")
    return session


def manageable_bodies(user):
    """Bodies whose sessions ``user`` may run (docs/decisions/0010): the convener's staff;
    coordinators of members; and the profile's coordinating agency for a body the plan
    names no convener for and for every 重層的支援会議 (coordination function) of its
    municipality — the 多機関協働事業者 holds the cases those sessions decide on, even where
    a department is the body's convener (調整役)."""
    agencies = casework_agency_ids(user)
    if not agencies or is_read_only(user):
        return MeetingBody.objects.none()
    rule = Q(convener_id__in=agencies)
    coordinating = coordinating_municipality_ids(user)
    if coordinating:
        rule |= Q(convener__isnull=True, municipality_id__in=coordinating)
        rule |= Q(pk__in=_coordination_body_ids(coordinating))
    if user.has_role("coordinator"):
        rule |= Q(members__in=agencies)
    return MeetingBody.objects.filter(pk__in=MeetingBody.objects.filter(rule).values("pk"))


def _coordination_body_ids(municipality_ids) -> list[int]:
    # ``functions`` is a JSON list; SQLite has no JSON containment, and a town has few bodies.
    bodies = MeetingBody.objects.filter(municipality_id__in=municipality_ids).only("functions")
    return [b.pk for b in bodies if b.has_function(MeetingFunction.COORDINATION)]


def can_manage_body(user, body) -> bool:
    return manageable_bodies(user).filter(pk=body.pk).exists()


def can_manage_session(user, session) -> bool:
    agencies = casework_agency_ids(user)
    if not agencies or is_read_only(user):
        return False
    return session.convener_id in agencies or can_manage_body(user, session.body)


def get_agenda_item_or_404(user, pk) -> AgendaItem:
    """An agenda item of a session ``user`` may see (what they may do with it is asked of
    the session)."""
    item = AgendaItem.objects.select_related("session").filter(pk=pk).first()
    if item is None or not visible_sessions(user).filter(pk=item.session_id).exists():
        raise Http404("指定された議題は見つからないか、閲覧する権限がありません。")
    return item


def has_pledge(user, session) -> bool:
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
    agencies = casework_agency_ids(user)
    if not agencies:
        return MeetingSession.objects.none()
    managing = Q(pk__in=[])
    if not is_read_only(user):
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
    Session = MeetingSession
    agencies = casework_agency_ids(user)
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
    items = AgendaItem.objects.filter(
        function="confidential", session__in=sharing_sessions(user, today=today)
    )
    return Case.objects.filter(pk__in=items.values("case_id"))


def meeting_shared_persons(user, *, today=None) -> QuerySet[Person]:
    """Persons ``user`` may read because their case is on a 支援会議 agenda they attend."""
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
