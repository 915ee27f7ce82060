"""The lifecycle of a meeting session: 開催予定 → 開催済 / 中止, with who and when.

A session's status decides what it may do: decisions are recorded only on a session held
(``actions.record_decision``), and a cancelled 支援会議 shares nothing
(``policy.sharing_sessions``). ``set_status`` is the only code that changes it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tsunagu.access import audit, policy
from tsunagu.lib.lifecycle import Lifecycle, Move, Step, TransitionRefused, run
from tsunagu.lib.wareki import format_wareki

from .models import MeetingSession

S = MeetingSession.Status
MANAGER = frozenset({"manager"})

SESSION = Lifecycle(
    name="会議",
    labels=dict(S.choices),
    side_labels={"manager": "この会議を運営する機関の担当者"},
    table={
        (S.PLANNED, S.HELD): Move("開催済にする", MANAGER, guards=("date_reached",)),
        (S.PLANNED, S.CANCELLED): Move("中止にする", MANAGER, needs_reason=True, danger=True),
        (S.CANCELLED, S.PLANNED): Move("予定に戻す", MANAGER, needs_reason=True),
    },
)


def session_sides(user, session: MeetingSession) -> set[str]:
    return {"manager"} if policy.can_manage_session(user, session) else set()


def _guard(step: Step) -> None:
    if "date_reached" in step.move.guards and step.obj.date > timezone.localdate():
        raise TransitionRefused(
            f"開催日({format_wareki(step.obj.date)})より前に「開催済」にはできません。"
        )


def set_status(*, user, session: MeetingSession, status: str, reason: str = "") -> MeetingSession:
    """Move ``session`` to ``status``; refuses (``TransitionRefused``) what the table does not
    allow, and (403) a user who may not run the session."""
    if not session_sides(user, session):
        raise PermissionDenied("この会議を運営する権限がありません。")

    def apply(step: Step) -> None:
        step.obj.status_changed_by = user
        step.obj.status_changed_at = step.at
        step.obj.status_reason = step.reason

    def audit_log(step: Step) -> None:
        audit.log(
            user,
            "transition",
            step.obj,
            purpose="会議の状態変更",
            from_status=step.frm,
            to_status=step.to,
            reason=step.reason,
        )

    return run(
        lifecycle=SESSION,
        queryset=MeetingSession.objects.select_related("body"),
        pk=session.pk,
        actor=user,
        to=status,
        sides=lambda obj: session_sides(user, obj),
        reason=reason,
        guard=_guard,
        apply=apply,
        event=lambda step: None,  # who and when are on the session; the audit log keeps each
        audit_log=audit_log,
    )
