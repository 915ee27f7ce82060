"""Workflows of a coordinated case. Each is one transaction: check the policy, write, audit.

Views, the meetings app (``approve_plan``, ``close_case``), commands and tests call these.
Refusals raise ``CaseError`` with a Japanese message meant for the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.access.models import Involvement
from tsunagu.intake.actions import IntakeRefused, send_referral
from tsunagu.intake.models import CoordinationRequest, CoordinationStatus
from tsunagu.intake.transitions import decide_request
from tsunagu.lib.conflicts import Stale, save_if_unchanged
from tsunagu.lib.lifecycle import Step, TransitionRefused, run
from tsunagu.lib.wareki import format_wareki_time
from tsunagu.municipality.models import Agency, MeetingBody

from . import transitions
from .consent import consent_covers, missing_consent_reason
from .models import (
    ASSESSMENT_TEXT_FIELDS,
    PLAN_TEXT_FIELDS,
    Assessment,
    Assignment,
    AssignmentReview,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    Closure,
    Consent,
    ConsentScope,
    Monitoring,
    MonitoringResult,
    Part,
    PlanStatus,
    Stage,
    SupportPlan,
    Tie,
)


class CaseError(Exception):
    """A refused workflow step; ``str(error)`` is the Japanese reason shown to the user."""


class StalePlan(CaseError, Stale):
    """Someone saved the plan after this editor loaded it (optimistic lock)."""

    def __init__(self, current: SupportPlan):
        self.current = current
        who = current.updated_by or current.author
        CaseError.__init__(
            self,
            f"このプランは編集中に{who}さんが保存しました"
            f"({format_wareki_time(current.updated_at)})。"
            "あなたの変更は保存していません。相手の変更を確認してから、もう一度入力してください。",
        )


SOURCE = Involvement.Source.CASE


def require_change(user, case: Case) -> None:
    """Refuse (403) unless ``user`` may change ``case``: views check it before showing a form."""
    if not policy.can_change_case(user, case):
        raise PermissionDenied("この事例を変更できるのは多機関協働事業者の担当者のみです。")


def _team_people(case: Case):
    """The focus person and the household's current members: the persons the case touches."""
    people = {case.focus_person_id: case.focus_person}
    if case.household is not None:
        for m in case.household.current_memberships():
            people[m.person_id] = m.person
    return list(people.values())


def _grant(case: Case, agency: Agency) -> None:
    for person in _team_people(case):
        policy.grant_involvement(person=person, agency=agency, source=SOURCE, source_id=case.pk)


# --- opening and stage changes ---------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    request: CoordinationRequest,
    coordinator,
    title: str = "",
    lead_agency: Agency | None = None,
) -> Case:
    """Open a case (事例) from an accepted 支援依頼 addressed to the coordinator's agency."""
    if not policy.can_take_up_request(coordinator, request):
        raise PermissionDenied("この支援依頼から事例を開始できるのは依頼先の担当者のみです。")
    if request.status != CoordinationStatus.ACCEPTED:
        raise CaseError("支援依頼が受理されていないため、事例を開始できません。")
    if Case.objects.filter(request=request).exists():
        raise CaseError("この支援依頼からはすでに事例が開始されています。")
    consultation = request.consultation
    now = timezone.now()
    case = Case.objects.create(
        municipality=consultation.municipality,
        request=request,
        household=consultation.household,
        focus_person=consultation.person,
        coordinator=coordinator,
        coordinating_agency=request.to_agency,
        lead_agency=lead_agency or request.from_agency,
        title=title or f"{consultation.person.full_name}さんの世帯",
        summary=request.reason,
        opened_at=now,
    )
    CaseEvent.objects.create(case=case, to_stage=Stage.RECEIVED, by=coordinator, at=now)
    _grant(case, case.coordinating_agency)
    audit.log(coordinator, "create", case, person=case.focus_person, purpose="事例の開始")
    return case


@transaction.atomic
def accept_and_open(*, request: CoordinationRequest, coordinator, title: str = "") -> Case:
    """Take up a pending 支援依頼 (受理) and open its case in one step."""
    if not policy.can_take_up_request(coordinator, request):
        raise PermissionDenied("この支援依頼を受理できるのは依頼先の担当者のみです。")
    if request.status == CoordinationStatus.REQUESTED:
        try:
            request = decide_request(
                actor=coordinator, request=request, to=CoordinationStatus.ACCEPTED
            )
        except TransitionRefused as refused:
            raise CaseError(str(refused)) from refused
    return open_case(request=request, coordinator=coordinator, title=title)


@transaction.atomic
def decline_request(*, request: CoordinationRequest, coordinator, reason: str):
    """不受理: the requesting agency reads the reason on its consultation."""
    try:
        return decide_request(
            actor=coordinator, request=request, to=CoordinationStatus.REJECTED, reason=reason
        )
    except TransitionRefused as refused:
        raise CaseError(str(refused)) from refused


def _guard_failure(case: Case, guard: str) -> str | None:
    if guard == "consent" and case.current_consent() is None:
        return missing_consent_reason(case)
    if guard == "assessment" and not case.assessments.exists():
        return "アセスメントが記録されていません。"
    if guard == "draft_plan" and not case.plans.filter(status=PlanStatus.DRAFT).exists():
        return "協議にかける支援プラン(案)がありません。"
    return None


def _guard(step: Step) -> None:
    for guard in step.move.guards:
        failure = _guard_failure(step.obj, guard)
        if failure:
            raise TransitionRefused(f"「{step.move.label}」ができません: {failure}")


def _case_sides(by, case: Case, via: str | None) -> set[str]:
    """``via`` ("approval", "closure") is the workflow making the move; else the page user."""
    if via is not None:
        return {via}
    return {"holder"} if policy.can_change_case(by, case) else set()


@transaction.atomic
def transition(*, case: Case, to: str, by, reason: str = "", _via: str | None = None) -> Case:
    """Move ``case`` to stage ``to`` if the table allows it; record who, when and why."""
    if _via is None:
        require_change(by, case)

    def apply(step: Step) -> None:
        step.obj.closed_at = step.at if step.to == Stage.CLOSED else None

    def event(step: Step) -> CaseEvent:
        return CaseEvent.objects.create(
            case=step.obj,
            from_stage=step.frm,
            to_stage=step.to,
            by=by,
            at=step.at,
            reason=step.reason,
        )

    def audit_log(step: Step) -> None:
        person = step.obj.focus_person_id
        audit.log(by, "transition", step.obj, person=person, to=step.to, reason=step.reason)

    try:
        return run(
            lifecycle=transitions.CASE,
            queryset=Case.objects.all(),
            pk=case.pk,
            actor=by,
            to=to,
            sides=lambda obj: _case_sides(by, obj, _via),
            reason=reason,
            guard=_guard,
            apply=apply,
            event=event,
            audit_log=audit_log,
            status_field="stage",
        )
    except TransitionRefused as refused:
        raise CaseError(str(refused)) from refused


# --- team -------------------------------------------------------------------------------


@transaction.atomic
def add_member(*, case: Case, agency: Agency, by, _checked: bool = False) -> CaseMember:
    """Put ``agency`` on the case team: it then sees the case and the consented parts."""
    if not _checked:
        require_change(by, case)
    if agency.pk == case.coordinating_agency_id:
        raise CaseError("多機関協働事業者は最初から事例を担当しています。")
    covered = consent_covers(case, agency=agency, part=Part.BASIC)
    if not covered:
        raise CaseError(f"{agency}を支援チームに加えられません: {covered.reason}")
    member = case.members.current().filter(agency=agency).first()
    if member is None:
        member = CaseMember.objects.create(
            case=case, agency=agency, added_by=by, started_at=timezone.now()
        )
        audit.log(by, "team_add", case, person=case.focus_person_id, agency_added=agency.pk)
    _grant(case, agency)
    return member


@transaction.atomic
def end_member(*, case: Case, agency: Agency, by, reason: str) -> None:
    """チームから外す, with a reason; ``add_member`` puts the agency back on the team."""
    require_change(by, case)
    if not reason.strip():
        raise CaseError(f"{agency}を支援チームから外す理由を入力してください。")
    now = timezone.now()
    members = case.members.current().filter(agency=agency)
    if not members.update(ended_at=now, end_reason=reason.strip()):
        raise CaseError(f"{agency}は現在この事例の支援チームにいません。")
    policy.end_involvement(source=SOURCE, source_id=case.pk, agency=agency, at=now)
    audit.log(
        by, "team_end", case, person=case.focus_person_id, agency_ended=agency.pk, reason=reason
    )


@transaction.atomic
def add_tie(*, case: Case, by, label: str, kind: str, person=None, agency=None) -> Tie:
    require_change(by, case)
    tie = Tie.objects.create(
        case=case, label=label or str(agency or ""), kind=kind, person=person, agency=agency
    )
    audit.log(by, "create", tie, person=case.focus_person_id)
    return tie


# --- consent ---------------------------------------------------------------------------


@dataclass
class ScopeInput:
    parts: Sequence[str]
    agency: Agency | None = None
    meeting_body: MeetingBody | None = None


@transaction.atomic
def record_consent(
    *,
    case: Case,
    by,
    given_by: str,
    given_on: datetime.date,
    method: str,
    scopes: Iterable[ScopeInput],
    guardian_name: str = "",
    guardian_relation: str = "",
    written_by: str = "",
    expires_on: datetime.date | None = None,
    note: str = "",
) -> Consent:
    require_change(by, case)
    scopes = list(scopes)
    if given_by == Consent.GivenBy.GUARDIAN and not guardian_name.strip():
        raise CaseError("代理人が同意した場合は代理人の氏名を入力してください。")
    if expires_on is not None and expires_on < given_on:
        raise CaseError("有効期限は同意日より後の日付にしてください。")
    if not scopes:
        raise CaseError("同意の範囲(共有先と共有してよい情報)を1つ以上指定してください。")
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        guardian_name=guardian_name,
        guardian_relation=guardian_relation,
        given_on=given_on,
        method=method,
        written_by=written_by,
        obtained_by=by,
        expires_on=expires_on,
        note=note,
        recorded_at=timezone.now(),
    )
    for scope in scopes:
        unknown = set(scope.parts) - set(Part.values)
        if unknown or not scope.parts:
            raise CaseError(
                f"{scope.agency or scope.meeting_body}: 共有してよい情報を選んでください。"
            )
        ConsentScope.objects.create(
            consent=consent,
            agency=scope.agency,
            meeting_body=scope.meeting_body,
            parts=list(scope.parts),
        )
    for member in case.members.current().select_related("agency"):
        if consent_covers(case, agency=member.agency, part=Part.BASIC):
            _grant(case, member.agency)
    audit.log(by, "consent", consent, person=case.focus_person_id)
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, by, reason: str) -> Consent:
    """Withdrawal takes effect at once: team agencies lose the person's record now."""
    case = consent.case
    require_change(by, case)
    if consent.withdrawn_at is not None:
        raise CaseError("この同意はすでに撤回されています。")
    if not reason.strip():
        raise CaseError("撤回の内容(いつ・誰から・どのように)を入力してください。")
    now = timezone.now()
    consent.withdrawn_at = now
    consent.withdrawal_reason = reason
    consent.withdrawal_recorded_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawal_reason", "withdrawal_recorded_by"])
    (
        Involvement.objects.current()
        .filter(source=SOURCE, source_id=case.pk)
        .exclude(agency_id=case.coordinating_agency_id)
        .update(ended_at=now)
    )
    audit.log(by, "consent_withdraw", consent, person=case.focus_person_id, reason=reason)
    return consent


# --- assessment -------------------------------------------------------------------------


@transaction.atomic
def save_assessment(
    *,
    case: Case,
    by,
    data: dict,
    members: Sequence[dict],
    problems: Sequence[dict],
    based_on: int | None = None,
) -> Assessment:
    """Record a new version of the assessment; earlier versions are kept as written.
    ``based_on``: the version the editor started from (None for the first); a newer one
    saved meanwhile refuses this one (``Stale``) instead of silently superseding it."""
    require_change(by, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    latest = case.latest_assessment()
    if latest is not None and latest.version != based_on:
        raise Stale(latest)
    if case.current_consent() is None and case.stage not in (Stage.CONFERENCE, Stage.WATCHING):
        raise CaseError(
            "本人同意がないためアセスメントを記録できません: " + missing_consent_reason(case)
        )
    fields = {k: data.get(k, "") for k in ASSESSMENT_TEXT_FIELDS}
    assessment = Assessment.objects.create(
        case=case,
        version=(latest.version + 1) if latest else 1,
        assessed_on=data["assessed_on"],
        assessed_by=by,
        isolation=data["isolation"],
        care_flags=list(data.get("care_flags", [])),
        screening=data["screening"],
        **fields,
    )
    for i, member in enumerate(members):
        assessment.members.create(order=i, **member)
    for problem in problems:
        assessment.problems.create(**problem)
    audit.log(by, "create", assessment, person=case.focus_person_id, version=assessment.version)
    return assessment


# --- support plan ---------------------------------------------------------------------


@transaction.atomic
def start_plan(*, case: Case, by) -> SupportPlan:
    """Start a draft: 初回, or 再プラン copied from the current plan with its role table."""
    require_change(by, case)
    if case.stage != Stage.PLANNING:
        raise CaseError("支援プランは「プラン作成」の段階で作成します。")
    if case.plans.filter(status=PlanStatus.DRAFT).exists():
        raise CaseError("作成中のプラン(案)があります。そのプランを編集してください。")
    base = case.current_plan()
    last = case.plans.order_by("-number").first()
    plan = SupportPlan(
        case=case,
        number=(last.number + 1) if last else 1,
        created_on=timezone.localdate(),
        author=by,
        updated_by=by,
    )
    if base is not None:
        for field in PLAN_TEXT_FIELDS:
            setattr(plan, field, getattr(base, field))
    plan.save()
    if base is not None:
        for a in base.assignments.all():
            a.pk = None
            a.plan = plan
            if a.status == AssignmentStatus.DONE:
                continue
            a.save()
    audit.log(by, "create", plan, person=case.focus_person_id, number=plan.number)
    return plan


def _check_assignment_agencies(case: Case, rows: Sequence[dict]) -> None:
    for i, row in enumerate(rows, start=1):
        covered = consent_covers(case, agency=row["agency"], part=Part.PLAN)
        if not covered:
            raise CaseError(f"役割分担 {i}行目({row['agency']}): {covered.reason}")


@transaction.atomic
def update_plan(
    *, plan: SupportPlan, by, expected_version: int, data: dict, assignments: Sequence[dict]
) -> SupportPlan:
    """Save an edit of a draft plan, unless someone saved since ``expected_version``."""
    case = plan.case
    require_change(by, case)
    if not plan.is_editable:
        raise CaseError("確定したプランは編集できません。再プランを作成してください。")
    _check_assignment_agencies(case, assignments)
    values = {k: data[k] for k in PLAN_TEXT_FIELDS if k in data}
    if not save_if_unchanged(
        plan, expected_version, **values, updated_by=by, updated_at=timezone.now()
    ):
        raise StalePlan(SupportPlan.objects.get(pk=plan.pk))
    plan.refresh_from_db()
    plan.assignments.all().delete()
    for i, row in enumerate(assignments):
        Assignment.objects.create(plan=plan, order=i, **row)
    audit.log(by, "update", plan, person=case.focus_person_id, lock_version=plan.lock_version)
    return plan


@transaction.atomic
def approve_plan(*, plan: SupportPlan, approver, decision=None, note: str = "") -> SupportPlan:
    """Make ``plan`` 確定: by a meeting ``decision``, or by a recorded approval if allowed.

    Without a decision the municipality's profile must allow it
    (``settings["plan_approval_without_meeting"]``) and the approver must hold the case.
    Every agency in the role table must be covered by the consent for the plan; it joins
    the case team.
    """
    case = Case.objects.select_for_update().get(pk=plan.case_id)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if decision is None:
        require_change(approver, case)
        if not case.municipality.setting("plan_approval_without_meeting", False):
            raise CaseError(
                "この自治体では、支援プランの確定には会議(重層的支援会議等)の決定が必要です。"
            )
        if not note.strip():
            raise CaseError("承認の記録(誰が・どのように承認したか)を入力してください。")
    if plan.status != PlanStatus.DRAFT:
        raise CaseError("このプランはすでに確定または改訂済みです。")
    if case.stage != Stage.DELIBERATION:
        raise CaseError(
            f"事例が「協議」の段階にないため確定できません(現在: {Stage(case.stage).label})。"
        )
    rows = [{"agency": a.agency} for a in plan.assignments.select_related("agency")]
    _check_assignment_agencies(case, rows)
    case.plans.filter(status=PlanStatus.CONFIRMED).update(status=PlanStatus.SUPERSEDED)
    plan.status = PlanStatus.CONFIRMED
    plan.lock_version += 1  # an edit form still open on the draft is now stale
    plan.approval = SupportPlan.Approval.MEETING if decision else SupportPlan.Approval.RECORDED
    plan.approved_by = approver
    plan.approved_at = timezone.now()
    plan.approval_note = note
    if decision is not None:
        plan.decision_ref = str(decision)[:200]
        plan.decision_pk = decision.pk
        plan.deliberated_on = decision.session.date
    plan.save()
    for row in rows:
        if row["agency"].pk != case.coordinating_agency_id:
            add_member(case=case, agency=row["agency"], by=approver, _checked=True)
    transition(
        case=case,
        to=Stage.SUPPORT,
        by=approver,
        reason=note or plan.decision_ref,
        _via="approval",
    )
    audit.log(approver, "approve", plan, person=case.focus_person_id, decision=plan.decision_pk)
    return plan


@transaction.atomic
def set_assignment_status(*, assignment: Assignment, by, status: str) -> Assignment:
    """The assigned agency (or the coordinator) reports the state of its part."""
    case = assignment.plan.case
    if not (policy.can_act_for(by, assignment.agency_id) or policy.can_change_case(by, case)):
        raise PermissionDenied("この役割分担の状況を更新できるのは担当機関のみです。")
    if assignment.plan.status != PlanStatus.CONFIRMED:
        raise CaseError("確定したプランの役割分担のみ状況を更新できます。")
    assignment.status = status
    assignment.save(update_fields=["status"])
    audit.log(by, "update", assignment, person=case.focus_person_id, status=status)
    return assignment


# --- monitoring and closure -------------------------------------------------------------

RESULT_STAGE: dict[str, str] = {
    MonitoringResult.CONTINUE: Stage.SUPPORT,
    MonitoringResult.REVISE: Stage.PLANNING,
    MonitoringResult.SUSPEND: Stage.SUSPENDED,
}


@transaction.atomic
def record_monitoring(*, case: Case, by, data: dict, reviews: Sequence[dict] = ()) -> Monitoring:
    """評価: record the review, then move the case as the result says (終結 needs closure)."""
    require_change(by, case)
    if case.stage == Stage.SUPPORT:
        case = transition(case=case, to=Stage.MONITORING, by=by, reason="モニタリング実施")
    if case.stage != Stage.MONITORING:
        raise CaseError("モニタリングは「支援実施」または「モニタリング」の段階で記録します。")
    plan = case.current_plan()
    if plan is None:
        raise CaseError("確定した支援プランがありません。")
    monitoring = Monitoring.objects.create(case=case, plan=plan, reviewed_by=by, **data)
    for review in reviews:
        assignment = plan.assignments.get(pk=review["assignment"].pk)
        AssignmentReview.objects.create(
            monitoring=monitoring,
            assignment=assignment,
            progress=review.get("progress", ""),
            status=review["status"],
        )
        assignment.status = review["status"]
        assignment.save(update_fields=["status"])
    audit.log(by, "create", monitoring, person=case.focus_person_id, result=monitoring.result)
    to = RESULT_STAGE.get(monitoring.result)
    if to is not None:
        reason = f"モニタリング結果: {monitoring.get_result_display()}"
        transition(case=case, to=to, by=by, reason=reason)
    return monitoring


@transaction.atomic
def add_note(*, case: Case, by, data: dict) -> CaseNote:
    """支援経過: record one contact on the case (date, means, counterpart, content)."""
    require_change(by, case)
    if case.is_closed:
        raise CaseError("終結した事例には支援経過を記録できません。")
    if data["date"] > timezone.localdate():
        raise CaseError("支援経過の日付に未来の日付は入力できません。")
    note = CaseNote.objects.create(case=case, recorded_by=by, **data)
    audit.log(by, "create", note, person=case.focus_person_id, purpose="支援経過")
    return note


def _hand_back(case: Case, agency: Agency, closure: Closure, by):
    """つなぎ戻し: a referral from the coordinating agency to the agency that carries on."""
    covered = consent_covers(case, agency=agency, part=Part.BASIC)
    if not covered:
        raise CaseError(f"{agency}へのつなぎ戻しができません: {covered.reason}")
    try:
        return send_referral(
            sender=by,
            sender_agency=case.coordinating_agency,
            person=case.focus_person,
            recipients=[agency],
            reason=f"多機関協働の終結({closure.get_reason_display()})によるつなぎ戻し",
            request="今後の伴走支援(主担当)をお願いします。",
            agreed_to_share=_agreed_parts(case, agency),
        )
    except IntakeRefused as error:
        raise CaseError(f"つなぎ戻しができません: {error}") from error


def _agreed_parts(case: Case, agency: Agency) -> str:
    labels = [Part(p).label for p in Part.values if consent_covers(case, agency=agency, part=p)]
    return "本人同意の範囲: " + "、".join(labels)


@transaction.atomic
def close_case(
    *,
    case: Case,
    by,
    closed_on: datetime.date,
    goals_reached: str,
    reason: str,
    reason_note: str = "",
    hand_back_to: Agency | None = None,
    decision=None,
) -> Closure:
    """終結評価: record the closure, hand back (つなぎ戻し) and end the team's involvement."""
    if decision is None:
        require_change(by, case)
    if hasattr(case, "closure"):
        raise CaseError("この事例はすでに終結しています。")
    try:
        transitions.CASE.check(Case.objects.get(pk=case.pk).stage, Stage.CLOSED, {"closure"})
    except TransitionRefused as refused:
        raise CaseError(str(refused)) from refused
    if not goals_reached.strip():
        raise CaseError("目標の達成状況を入力してください。")
    closure = Closure.objects.create(
        case=case,
        closed_on=closed_on,
        goals_reached=goals_reached,
        reason=reason,
        reason_note=reason_note,
        hand_back_to=hand_back_to,
        evaluated_by=by,
        decision_ref=str(decision)[:200] if decision else "",
        decision_pk=getattr(decision, "pk", None),
    )
    if hand_back_to is not None:
        closure.hand_back_referral = _hand_back(case, hand_back_to, closure, by)
        closure.save(update_fields=["hand_back_referral"])
    transition(
        case=case, to=Stage.CLOSED, by=by, reason=closure.get_reason_display(), _via="closure"
    )
    now = timezone.now()
    case.members.current().update(ended_at=now)
    policy.end_involvement(source=SOURCE, source_id=case.pk, at=now)
    audit.log(by, "close", case, person=case.focus_person_id, reason=reason)
    return closure
