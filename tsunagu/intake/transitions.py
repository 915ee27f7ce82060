"""The one function that changes a recipient task's status (table: models.TRANSITIONS)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.intake.models import (
    TRANSITIONS,
    FailureReason,
    Outcome,
    RecipientTask,
    RecipientTaskEvent,
    Side,
    TaskStatus,
)


class TransitionRefused(Exception):
    """An illegal or incomplete transition; the message is shown to the user as is."""


def _label(status: str) -> str:
    return TaskStatus(status).label


def _check_allowed(task: RecipientTask, to: str, sides: set[str]) -> str:
    side = TRANSITIONS.get((task.status, to))
    if side is None:
        nexts = "・".join(_label(t) for (f, t) in TRANSITIONS if f == task.status) or "なし"
        raise TransitionRefused(
            f"「{_label(task.status)}」の依頼を「{_label(to)}」にはできません"
            f"(この状態から可能な操作: {nexts})。"
        )
    if side not in sides:
        raise TransitionRefused(
            f"「{_label(to)}」への変更は{Side(side).label}の機関だけが行えます。"
        )
    return side


def _check_details(to: str, reason: str, outcome: str, failure_reason: str) -> None:
    if to == TaskStatus.COMPLETED and outcome not in Outcome.values:
        raise TransitionRefused(
            "「完了」には結果(支援につながった/一部/他機関へ)の選択が必要です。"
        )
    if to == TaskStatus.FAILED and failure_reason not in FailureReason.values:
        raise TransitionRefused(
            "「不成立」には理由の区分(連絡つかず/本人辞退/対象外/その他)の選択が必要です。"
        )
    if to in (TaskStatus.DECLINED, TaskStatus.FAILED, TaskStatus.WITHDRAWN) and not reason.strip():
        raise TransitionRefused(f"「{_label(to)}」には理由の入力が必要です。")


def _acting_agency(task: RecipientTask, side: str):
    if side == Side.RECIPIENT:
        return task.agency
    return task.referral.sender_agency if side == Side.SENDER else None


@transaction.atomic
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
    task = RecipientTask.objects.select_for_update().select_related("referral").get(pk=task.pk)
    sides = {Side.SYSTEM.value} if actor is None else policy.task_sides(actor, task)
    side = _check_allowed(task, to, sides)
    _check_details(to, reason, outcome, failure_reason)
    now = timezone.now()
    from_status = task.status
    task.status = to
    task.status_changed_at = now
    task.reason = reason.strip() or task.reason
    task.outcome = outcome if to == TaskStatus.COMPLETED else task.outcome
    task.failure_reason = failure_reason if to == TaskStatus.FAILED else ""
    if to == TaskStatus.ACCEPTED:
        task.owner = actor
    if task.is_terminal:
        task.closed_at = now
        policy.end_involvement(source="referral", source_id=task.pk, agency=task.agency, at=now)
    task.save()
    RecipientTaskEvent.objects.create(
        task=task,
        from_status=from_status,
        to_status=to,
        actor=actor,
        side=side,
        at=now,
        reason=reason.strip(),
        outcome=task.outcome if to == TaskStatus.COMPLETED else "",
        failure_reason=task.failure_reason,
    )
    audit.log(
        actor,
        "transition",
        task,
        person=task.referral.person_id,
        agency=_acting_agency(task, side),
        from_status=from_status,
        to_status=to,
    )
    return task
