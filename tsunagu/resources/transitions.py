"""資源開発: the stages of a 不足資源 (meetings.ResourceGap) and the one way to move them.

把握 → 検討中 → 開発中 → 開発済, and 見送り (with a reason) from any open stage; a gap
set aside can be taken up again. 開発済 needs the resource that now fills the gap. Each move
may name the meeting decision behind it (a decision on an agenda item about this gap).
Only editors of the register move gaps (side ``editor``, access/policy/resources.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tsunagu.access import audit, policy
from tsunagu.lib.lifecycle import Lifecycle, Move, Step, TransitionRefused, run
from tsunagu.meetings.models import Decision, ResourceGap

from .models import GapEvent, Resource

S = ResourceGap.Status
EDITOR = frozenset({"editor"})

GAP = Lifecycle(
    name="不足資源",
    labels=dict(S.choices),
    table={
        (S.NOTICED, S.OPEN): Move("検討を始める", EDITOR),
        (S.OPEN, S.DEVELOPING): Move("開発に着手する", EDITOR),
        (S.DEVELOPING, S.DEVELOPED): Move("開発済にする", EDITOR, guards=("resource",)),
        (S.OPEN, S.DEVELOPED): Move("既存の資源で充足", EDITOR, guards=("resource",)),
        (S.DEVELOPING, S.OPEN): Move("検討に戻す", EDITOR, needs_reason=True),
        **{
            (s, S.DROPPED): Move("見送る", EDITOR, needs_reason=True, danger=True)
            for s in (S.NOTICED, S.OPEN, S.DEVELOPING)
        },
        (S.DROPPED, S.OPEN): Move("再検討する", EDITOR, needs_reason=True),
    },
)


def gap_sides(user, gap: ResourceGap) -> set[str]:
    return {"editor"} if policy.can_edit_register(user, gap.municipality_id) else set()


def gap_decisions(gap: ResourceGap):
    """Decisions that may be named as moving ``gap``: those on its agenda items or that
    raised it."""
    return Decision.objects.filter(agenda_item__resource_gap=gap) | Decision.objects.filter(
        resource_gap=gap
    )


def move_gap(
    *,
    user,
    gap: ResourceGap,
    to: str,
    reason: str = "",
    decision: Decision | None = None,
    resource: Resource | None = None,
) -> ResourceGap:
    if not gap_sides(user, gap):
        raise PermissionDenied("不足資源の段階を変更する権限がありません。")

    def guard(step: Step) -> None:
        if "resource" in step.move.guards:
            if resource is None:
                raise TransitionRefused("開発した資源: 不足を満たした社会資源を選んでください。")
            if resource.municipality_id != gap.municipality_id:
                raise TransitionRefused("開発した資源: 同じ自治体の社会資源を選んでください。")
        if decision is not None and not gap_decisions(gap).filter(pk=decision.pk).exists():
            raise TransitionRefused(
                "会議の決定: この不足資源を議題とした会議の決定を選んでください。"
            )

    def apply(step: Step) -> None:
        if "resource" in step.move.guards:
            step.obj.developed_resource = resource
        step.obj.version += 1

    def event(step: Step) -> GapEvent:
        return GapEvent.objects.create(
            gap=step.obj,
            from_status=step.frm,
            to_status=step.to,
            reason=step.reason,
            decision=decision,
            actor=user,
            at=step.at,
        )

    def audit_log(step: Step) -> None:
        audit.log(
            user,
            "update",
            step.obj,
            purpose="資源開発の段階変更",
            frm=step.frm,
            to=step.to,
            decision=decision.pk if decision else None,
        )

    return run(
        lifecycle=GAP,
        queryset=ResourceGap.objects.all(),
        pk=gap.pk,
        actor=user,
        to=to,
        sides=lambda obj: gap_sides(user, obj),
        reason=reason,
        guard=guard,
        apply=apply,
        event=event,
        audit_log=audit_log,
    )
