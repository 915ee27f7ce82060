"""Meeting workflows: each checks the policy, writes in one transaction, and audits.

A rule not met raises ``MeetingRefused`` with a Japanese reason the view shows as is.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.consent import consent_covers
from tsunagu.coordination.models import Case, Part
from tsunagu.lib.conflicts import Stale, save_if_unchanged
from tsunagu.municipality.models import Agency, ConsentRule, MeetingBody, MeetingFunction

from .models import (
    PLEDGE_TEXT,
    AgendaItem,
    Attendance,
    Decision,
    MeetingSession,
    Minutes,
    Pledge,
    ResourceGap,
)


class MeetingRefused(Exception):
    """A meeting rule is not met; ``str(exc)`` is the reason shown to the user."""


# What a consent-based meeting deliberates: the case's basic data and its plan.
MEETING_PARTS = (Part.BASIC, Part.PLAN)


def _require_manager(user, session: MeetingSession) -> None:
    if not policy.can_manage_session(user, session):
        raise PermissionDenied("この会議を運営する権限がありません。")


@transaction.atomic
def create_session(
    *,
    user,
    body: MeetingBody,
    date: datetime.date,
    start_time=None,
    end_time=None,
    place: str = "",
    online: bool = False,
    title: str = "",
) -> MeetingSession:
    if not policy.can_manage_body(user, body):
        raise PermissionDenied("この会議体の会議を登録する権限がありません。")
    if not place and not online:
        raise MeetingRefused("場所を入力するか、オンライン開催を選んでください。")
    convener = body.convener or policy.acting_agency(user)
    if convener is None:  # can_manage_body already requires a casework agency
        raise PermissionDenied("この会議体の会議を登録する権限がありません。")
    session = MeetingSession.objects.create(
        body=body,
        title=title,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place,
        online=online,
        convener=convener,
        confidential=body.consent_rule == ConsentRule.NOT_REQUIRED,
        created_by=user,
    )
    audit.log(user, "create", session, purpose="会議の登録")
    return session


@transaction.atomic
def add_attendance(
    *,
    user,
    session: MeetingSession,
    attendee=None,
    agency: Agency | None = None,
    name: str = "",
    affiliation: str = "",
) -> Attendance:
    """Add a user (``attendee``) or an external member (``name`` with agency/affiliation)."""
    _require_manager(user, session)
    if attendee is None and not name:
        raise MeetingRefused("出席者: 利用者を選ぶか、外部の出席者の氏名を入力してください。")
    if attendee is not None:
        if session.attendances.filter(user=attendee).exists():
            raise MeetingRefused(f"出席者: {attendee} はすでに登録されています。")
        agency = agency or policy.acting_agency(attendee)
    _check_consent_for_new_agency(session, agency, attendee or name)
    attendance = Attendance.objects.create(
        session=session, user=attendee, agency=agency, name=name, affiliation=affiliation
    )
    audit.log(user, "create", attendance, purpose="会議の出席者登録")
    return attendance


def _check_consent_for_new_agency(session: MeetingSession, agency: Agency | None, who) -> None:
    """A new attending agency must be covered by consent of every consent-based case item.

    An external attendee with no registered agency (e.g. the care manager of an office not
    in the profile) attends as a participant of the meeting: the consent to share with
    this meeting body, which every consent-based item already needs, covers them."""
    if agency is None:
        return
    cases = Case.objects.filter(
        agenda_items__session=session, agenda_items__function=MeetingFunction.COORDINATION
    ).distinct()
    for case in cases:
        for part in MEETING_PARTS:
            covered = consent_covers(case, agency=agency, part=part, on=session.date)
            if not covered:
                raise MeetingRefused(
                    f"「{agency}」は事例「{case}」の本人同意の範囲外のため、"
                    f"出席者に加えられません。{covered.reason}"
                )


def _check_consent_for_case(session: MeetingSession, case: Case) -> None:
    """A consent-based item needs consent covering the body and every attending agency."""
    for part in MEETING_PARTS:
        covered = consent_covers(case, meeting_body=session.body, part=part, on=session.date)
        if not covered:
            raise MeetingRefused(
                f"事例「{case}」は本人同意がこの会議体を対象としていないため、"
                f"議題にできません。{covered.reason}"
            )
    for attendance in session.attendances.filter(agency__isnull=False).select_related("agency"):
        for part in MEETING_PARTS:
            covered = consent_covers(case, agency=attendance.agency, part=part, on=session.date)
            if not covered:
                raise MeetingRefused(
                    f"事例「{case}」は出席機関「{attendance.agency}」への共有に本人同意が"
                    f"ないため、この会議の議題にできません。{covered.reason}"
                )


@transaction.atomic
def record_pledge(
    *, user, body: MeetingBody, signed_on: datetime.date, text: str = PLEDGE_TEXT
) -> Pledge:
    """The user's own confidentiality pledge for a body carrying the 支援会議 function."""
    if not body.has_function(MeetingFunction.CONFIDENTIAL):
        raise MeetingRefused("この会議体は支援会議の機能を持たないため、誓約は不要です。")
    if policy.acting_agency(user) is None:
        raise PermissionDenied("所属のない利用者は誓約を記録できません。")
    pledge = Pledge.objects.create(user=user, body=body, signed_on=signed_on, text=text)
    audit.log(user, "create", pledge, purpose="守秘義務の確認")
    return pledge


def _item_function(session: MeetingSession, kind: str, function: str) -> str:
    if kind != AgendaItem.Kind.CASE:
        return function if function in AgendaItem.ITEM_FUNCTIONS else ""
    default = session.default_item_function()
    if session.body.consent_rule == ConsentRule.NOT_APPLICABLE:
        raise MeetingRefused(f"「{session.body.name}」は個別の事例を扱わない会議体です。")
    if default:
        return default
    allowed = [f for f in AgendaItem.ITEM_FUNCTIONS if session.body.has_function(f)]
    if function not in allowed:
        raise MeetingRefused(
            "取り扱う機能: この会議体では事例ごとに「重層的支援会議」か「支援会議」を選んでください。"
        )
    return function


@transaction.atomic
def add_agenda_item(
    *,
    user,
    session: MeetingSession,
    kind: str,
    title: str,
    function: str = "",
    case: Case | None = None,
    resource_gap: ResourceGap | None = None,
    note: str = "",
) -> AgendaItem:
    _require_manager(user, session)
    refusal = policy.papers_refusal(user, session)
    if refusal:
        raise MeetingRefused(refusal)
    if kind == AgendaItem.Kind.RESOURCE_GAP and resource_gap is None:
        raise MeetingRefused("不足資源: 議題にする不足資源を選んでください。")
    if kind == AgendaItem.Kind.CASE:
        if case is None:
            raise MeetingRefused("事例: 議題にする事例を選んでください。")
        if not policy.can_view_case(user, case):
            raise PermissionDenied("この事例を議題にする権限がありません。")
    else:
        case = None
    function = _item_function(session, kind, function)
    if case is not None and function == MeetingFunction.COORDINATION:
        _check_consent_for_case(session, case)
    item = AgendaItem.objects.create(
        session=session,
        order=session.agenda_items.count() + 1,
        kind=kind,
        title=title,
        function=function,
        case=case,
        resource_gap=resource_gap,
        note=note,
        added_by=user,
    )
    if item.is_confidential and not session.confidential:
        session.confidential = True
        session.save(update_fields=["confidential"])
    audit.log(user, "create", item, person=case and case.focus_person_id, purpose="議題の登録")
    return item


@transaction.atomic
def save_minutes(
    *, user, session: MeetingSession, text: str, expected_version: int | None = None
) -> Minutes:
    """Record or update the minutes; an update must name the version it was loaded with
    (``Stale`` if someone saved since, or recorded them first)."""
    _require_manager(user, session)
    refusal = policy.papers_refusal(user, session)
    if refusal:
        raise MeetingRefused(refusal)
    if not text.strip():
        raise MeetingRefused("議事録: 内容を入力してください。")
    minutes = Minutes.objects.select_for_update().filter(session=session).first()
    if minutes is None:
        minutes = Minutes.objects.create(session=session, text=text, recorded_by=user)
        audit.log(user, "create", minutes, purpose="議事録の記録")
        return minutes
    if not save_if_unchanged(
        minutes, expected_version, text=text, recorded_by=user, updated_at=timezone.now()
    ):
        raise Stale(minutes)
    minutes.refresh_from_db()
    audit.log(user, "update", minutes, purpose="議事録の記録")
    return minutes


@transaction.atomic
def record_decision(
    *,
    user,
    agenda_item: AgendaItem,
    kind: str,
    text: str,
    gap_title: str = "",
    closure: dict | None = None,
) -> Decision:
    """Record a decision on an agenda item, linked to the minutes, and apply it to the case.

    ``closure`` (終結承認 only): ``closed_on``, ``goals_reached``, ``reason``,
    ``reason_note``, ``hand_back_to`` as coordination.close_case takes them.
    """
    # Read afresh: the status and the attendance decide whether the session may decide.
    session = MeetingSession.objects.select_related("body").get(pk=agenda_item.session_id)
    _require_manager(user, session)
    refusal = policy.papers_refusal(user, session)
    if refusal:
        raise MeetingRefused(refusal)
    minutes = Minutes.objects.filter(session=session).first()
    if minutes is None:
        raise MeetingRefused("決定を記録する前に、議事録を記録してください。")
    if kind not in Decision.Kind.values:
        raise MeetingRefused("決定の種別が正しくありません。")
    if not text.strip():
        raise MeetingRefused("決定内容: 内容を入力してください。")
    if not session.is_held:
        raise MeetingRefused(
            f"決定は開催済の会議にのみ記録できます(この会議は「{session.get_status_display()}」です)。"
            "会議を「開催済」にしてから記録してください。"
        )
    case = _check_case_decision(user, session, agenda_item, kind)
    decision = Decision.objects.create(
        session=session,
        minutes=minutes,
        agenda_item=agenda_item,
        case=case,
        kind=kind,
        text=text,
        decided_by=user,
    )
    try:
        _apply(decision, case, user=user, gap_title=gap_title, closure=closure or {})
    except coordination.CaseError as exc:
        raise MeetingRefused(str(exc)) from exc
    audit.log(
        user,
        "create",
        decision,
        person=case and case.focus_person_id,
        purpose="会議の決定",
        kind=kind,
        minutes=minutes.pk,
    )
    return decision


def _check_case_decision(user, session: MeetingSession, item: AgendaItem, kind: str) -> Case | None:
    """The case a decision of ``kind`` moves (None for 資源開発の検討), once checked."""
    if kind not in Decision.CASE_KINDS:
        return item.case
    if item.case is None:
        raise MeetingRefused("事例に関する決定は、事例の議題に対してのみ記録できます。")
    _check_case_owner_present(user, session, item.case)
    if kind == Decision.Kind.PLAN_APPROVAL and item.function != MeetingFunction.COORDINATION:
        raise MeetingRefused(
            "プラン承認は、本人同意のある重層的支援会議の議題としてのみ決定できます"
            "(支援会議では決定できません)。"
        )
    if item.function == MeetingFunction.COORDINATION:
        # Consent may have been withdrawn since the item was put on the agenda.
        _check_consent_for_case(session, item.case)
    return item.case


def _check_case_owner_present(user, session: MeetingSession, case: Case) -> None:
    """A meeting decides on a case only with the agency holding it: the decision is recorded
    by the session's convener or the case's coordinating agency, and the attendance records
    someone of the coordinating agency."""
    deciders = {session.convener_id, case.coordinating_agency_id}
    if not deciders & policy.casework_agency_ids(user):
        raise PermissionDenied(
            "事例に関する決定を記録できるのは、会議の主催機関または"
            "この事例の多機関協働事業者の担当者のみです。"
        )
    if not session.attendances.filter(agency_id=case.coordinating_agency_id).exists():
        raise MeetingRefused(
            f"事例「{case}」の決定には、多機関協働事業者({case.coordinating_agency})の"
            "出席の記録が必要です。出席者を登録してから決定を記録してください。"
        )


def _apply(decision: Decision, case: Case | None, *, user, gap_title: str, closure: dict) -> None:
    kind = decision.kind
    if kind == Decision.Kind.RESOURCE_DEVELOPMENT or case is None:
        decision.resource_gap = ResourceGap.objects.create(
            municipality=decision.session.body.municipality,
            title=(gap_title or decision.text)[:200],
            description=decision.text,
        )
        decision.save(update_fields=["resource_gap"])
        audit.log(user, "create", decision.resource_gap, purpose="資源開発の検討")
    elif kind == Decision.Kind.PLAN_APPROVAL:
        plan = case.latest_plan()
        if plan is None:
            raise MeetingRefused(f"事例「{case}」には承認する支援プランがありません。")
        coordination.approve_plan(plan=plan, approver=user, decision=decision, note=decision.text)
    elif kind == Decision.Kind.CLOSURE_APPROVAL:
        _close(decision, case, user=user, closure=closure)
    elif kind == Decision.Kind.SUPPORT_POLICY:
        case.support_policy = decision.text
        case.save(update_fields=["support_policy"])
        audit.log(user, "update", case, person=case.focus_person_id, purpose="支援方針の決定")


def _close(decision: Decision, case: Case, *, user, closure: dict) -> None:
    if not closure.get("reason"):
        raise MeetingRefused("終結理由: 終結理由を選んでください。")
    coordination.close_case(
        case=case,
        by=user,
        closed_on=closure.get("closed_on") or decision.session.date,
        goals_reached=closure.get("goals_reached") or decision.text,
        reason=closure["reason"],
        reason_note=closure.get("reason_note", ""),
        hand_back_to=closure.get("hand_back_to"),
        decision=decision,
    )
