"""The lifecycles of intake: a recipient's task on a つなぐシート, a 支援依頼, a consultation.

Each is one table (``tsunagu.lib.lifecycle.Lifecycle``); the functions here are the only
code that changes those statuses, each through ``tsunagu.lib.lifecycle.run``.
"""

from __future__ import annotations

from tsunagu.access import audit, policy
from tsunagu.access.models import Involvement
from tsunagu.intake.models import (
    Consultation,
    CoordinationRequest,
    CoordinationStatus,
    FailureReason,
    Outcome,
    RecipientTask,
    RecipientTaskEvent,
    Side,
    TaskStatus,
)
from tsunagu.lib.lifecycle import Lifecycle, Move, Step, TransitionRefused, run

__all__ = ["REFERRAL_TASK", "TransitionRefused", "decide_request", "transition"]

S = TaskStatus
RECIPIENT = frozenset({Side.RECIPIENT.value})
SENDER = frozenset({Side.SENDER.value})
SYSTEM = frozenset({Side.SYSTEM.value})
DONE = Move("支援につながった", RECIPIENT, guards=("outcome",))
NOT_DONE = Move("つながらなかった", RECIPIENT, guards=("failure_reason",), needs_reason=True)
DECLINE = Move("辞退する", RECIPIENT, needs_reason=True)
WITHDRAW = Move("取り下げる", SENDER, needs_reason=True, danger=True)
EXPIRE = Move("期限切れにする", SYSTEM)

REFERRAL_TASK = Lifecycle(
    name="依頼",
    labels=dict(TaskStatus.choices),
    side_labels={
        Side.RECIPIENT: "受け手の機関",
        Side.SENDER: "送付元の機関",
        Side.SYSTEM: "システム(回答期限の自動処理)",
    },
    table={
        # 受け取り is recorded when a recipient first opens the sheet (views.referral_detail).
        (S.SENT, S.RECEIVED): Move("受け取る", RECIPIENT),
        (S.RECEIVED, S.ACCEPTED): Move("受け入れる", RECIPIENT),
        (S.ACCEPTED, S.IN_PROGRESS): Move("対応を始める", RECIPIENT),
        (S.IN_PROGRESS, S.ON_HOLD): Move("保留にする", RECIPIENT),
        (S.ON_HOLD, S.IN_PROGRESS): Move("対応を再開する", RECIPIENT),
        (S.ACCEPTED, S.COMPLETED): DONE,
        (S.IN_PROGRESS, S.COMPLETED): DONE,
        (S.ON_HOLD, S.COMPLETED): DONE,
        (S.SENT, S.DECLINED): DECLINE,
        (S.RECEIVED, S.DECLINED): DECLINE,
        (S.ACCEPTED, S.FAILED): NOT_DONE,
        (S.IN_PROGRESS, S.FAILED): NOT_DONE,
        (S.ON_HOLD, S.FAILED): NOT_DONE,
        (S.SENT, S.WITHDRAWN): WITHDRAW,
        (S.RECEIVED, S.WITHDRAWN): WITHDRAW,
        (S.ACCEPTED, S.WITHDRAWN): WITHDRAW,
        (S.IN_PROGRESS, S.WITHDRAWN): WITHDRAW,
        (S.ON_HOLD, S.WITHDRAWN): WITHDRAW,
        (S.SENT, S.EXPIRED): EXPIRE,
        (S.RECEIVED, S.EXPIRED): EXPIRE,
    },
)

# How the history tells each step: 「(date) (agency) (who)さんが受け入れました」.
DONE_SENTENCES: dict[str, str] = {
    S.SENT: "つなぐシートを送りました",
    S.RECEIVED: "受け取りました",
    S.ACCEPTED: "受け入れました",
    S.IN_PROGRESS: "対応を始めました",
    S.ON_HOLD: "保留にしました",
    S.COMPLETED: "支援につながったと報告しました",
    S.DECLINED: "辞退しました",
    S.FAILED: "つながらなかったと報告しました",
    S.WITHDRAWN: "取り下げました",
    S.EXPIRED: "回答期限を過ぎたため、期限切れになりました",
}


def event_sentence(task: RecipientTask, event: RecipientTaskEvent) -> str:
    """One line of the sheet's history, without the date: 「〇〇課 山田さんが受け入れました」."""
    done = DONE_SENTENCES.get(event.to_status, event.get_to_status_display())
    if event.side == Side.SYSTEM or event.actor is None:
        sentence = done
    else:
        agency = task.referral.sender_agency if event.side == Side.SENDER else task.agency
        sentence = f"{agency.name} {event.actor}さんが{done}"
    details = [
        event.get_outcome_display() if event.outcome else "",
        event.get_failure_reason_display() if event.failure_reason else "",
        f"理由: {event.reason}" if event.reason else "",
    ]
    details = [d for d in details if d]
    return sentence + (f"({'、'.join(details)})" if details else "") + "。"


def _task_guard(outcome: str, failure_reason: str):
    def guard(step: Step) -> None:
        if "outcome" in step.move.guards and outcome not in Outcome.values:
            raise TransitionRefused(
                "「支援につながった」には結果(支援につながった/一部/他機関へ)の選択が必要です。"
            )
        if "failure_reason" in step.move.guards and failure_reason not in FailureReason.values:
            raise TransitionRefused(
                "「つながらなかった」には理由の区分(連絡つかず/本人辞退/対象外/その他)の選択が必要です。"
            )

    return guard


def _acting_agency(task: RecipientTask, side: str):
    if side == Side.RECIPIENT:
        return task.agency
    return task.referral.sender_agency if side == Side.SENDER else None


def transition(
    *,
    actor,
    task: RecipientTask,
    to: str,
    reason: str = "",
    outcome: str = "",
    failure_reason: str = "",
) -> RecipientTask:
    """Move ``task`` to ``to`` on behalf of ``actor`` (``None``: the system, e.g. expiry).

    Refuses with ``TransitionRefused`` when the table has no such move, the actor is not on
    the side the table names, or a required outcome/reason is missing.
    """

    def sides(obj: RecipientTask) -> set[str]:
        return {Side.SYSTEM.value} if actor is None else policy.task_sides(actor, obj)

    def apply(step: Step) -> None:
        obj = step.obj
        obj.status_changed_at = step.at
        obj.reason = step.reason or obj.reason
        obj.outcome = outcome if step.to == S.COMPLETED else obj.outcome
        obj.failure_reason = failure_reason if step.to == S.FAILED else ""
        if step.to == S.ACCEPTED:
            obj.owner = actor
        if obj.is_terminal:
            obj.closed_at = step.at
            policy.end_involvement(
                source="referral", source_id=obj.pk, agency=obj.agency, at=step.at
            )

    def event(step: Step) -> RecipientTaskEvent:
        return RecipientTaskEvent.objects.create(
            task=step.obj,
            from_status=step.frm,
            to_status=step.to,
            actor=actor,
            side=step.side,
            at=step.at,
            reason=step.reason,
            outcome=step.obj.outcome if step.to == S.COMPLETED else "",
            failure_reason=step.obj.failure_reason,
        )

    def audit_log(step: Step) -> None:
        audit.log(
            actor,
            "transition",
            step.obj,
            person=step.obj.referral.person_id,
            agency=_acting_agency(step.obj, step.side),
            from_status=step.frm,
            to_status=step.to,
        )

    return run(
        lifecycle=REFERRAL_TASK,
        queryset=RecipientTask.objects.select_related("referral", "agency"),
        pk=task.pk,
        actor=actor,
        to=to,
        sides=sides,
        reason=reason,
        guard=_task_guard(outcome, failure_reason),
        apply=apply,
        event=event,
        audit_log=audit_log,
    )


def receive_on_first_open(*, actor, task: RecipientTask) -> bool:
    """受け取り: a recipient opening a 送付 sheet records its receipt (True if it did)."""
    if task.status != S.SENT or Side.RECIPIENT not in policy.task_sides(actor, task):
        return False
    try:
        transition(actor=actor, task=task, to=S.RECEIVED)
    except TransitionRefused:
        return False  # received (or answered) concurrently
    return True


# --- 支援依頼 (a consultation handed to the coordinating body) -------------------------------

C = CoordinationStatus
COORDINATION_REQUEST = Lifecycle(
    name="支援依頼",
    labels=dict(CoordinationStatus.choices),
    side_labels={"recipient": "依頼先の担当者"},
    table={
        (C.REQUESTED, C.ACCEPTED): Move("受理する", frozenset({"recipient"})),
        (C.REQUESTED, C.REJECTED): Move(
            "受けない", frozenset({"recipient"}), needs_reason=True, danger=True
        ),
    },
)


def request_sides(user, request: CoordinationRequest) -> set[str]:
    """The coordinating agency's staff (not auditors) decide on a 支援依頼 addressed to it."""
    if not policy.can_act_for(user, request.to_agency_id):
        return set()
    return {"recipient"}


def decide_request(*, actor, request: CoordinationRequest, to: str, reason: str = ""):
    """受理 or 不受理 (with the reason the requesting agency reads) of a pending 支援依頼."""

    def apply(step: Step) -> None:
        step.obj.decided_by = actor
        step.obj.decided_at = step.at
        step.obj.decision_note = step.reason

    def audit_log(step: Step) -> None:
        action = "accept" if step.to == C.ACCEPTED else "reject"
        audit.log(
            actor,
            action,
            step.obj,
            person=step.obj.consultation.person_id,
            reason=step.reason,
        )

    return run(
        lifecycle=COORDINATION_REQUEST,
        queryset=CoordinationRequest.objects.select_related("consultation"),
        pk=request.pk,
        actor=actor,
        to=to,
        sides=lambda obj: request_sides(actor, obj),
        reason=reason,
        apply=apply,
        event=lambda step: None,
        audit_log=audit_log,
    )


# --- 相談受付: closed with a reason, reopened with a reason --------------------------------

STAFF = frozenset({"staff"})
CONSULTATION = Lifecycle(
    name="相談受付",
    labels={"open": "受付中", "closed": "終了"},
    side_labels={"staff": "受付機関の担当者"},
    table={
        ("open", "closed"): Move("この相談受付を終了する", STAFF, needs_reason=True, danger=True),
        ("closed", "open"): Move("相談受付を再開する", STAFF, needs_reason=True),
    },
)


def consultation_sides(user, consultation: Consultation) -> set[str]:
    return {"staff"} if policy.can_change_consultation(user, consultation) else set()


def change_consultation(*, actor, consultation: Consultation, to: str, reason: str = ""):
    """終了 (the agency's involvement ends) or 再開 (it is granted again) of a consultation."""

    def apply(step: Step) -> None:
        obj = step.obj
        source = Involvement.Source.CONSULTATION
        if step.to == "closed":
            obj.closed_at = step.at
            obj.close_reason = step.reason
            policy.end_involvement(source=source, source_id=obj.pk, at=step.at)
        else:
            policy.grant_involvement(
                person=obj.person, agency=obj.agency, source=source, source_id=obj.pk
            )

    def audit_log(step: Step) -> None:
        audit.log(
            actor,
            "update",
            step.obj,
            person=step.obj.person_id,
            closed=step.to == "closed",
            reason=step.reason,
        )

    return run(
        lifecycle=CONSULTATION,
        queryset=Consultation.objects.select_related("person", "agency"),
        pk=consultation.pk,
        actor=actor,
        to=to,
        sides=lambda obj: consultation_sides(actor, obj),
        reason=reason,
        apply=apply,
        event=lambda step: None,  # closed_at and close_reason on the row; the audit keeps each
        audit_log=audit_log,
        status_field="state",
    )
