"""The one table of allowed stage changes of a case, and the checks each one needs.

Main track: 受付 → 事前調整 → アセスメント → プラン作成 → 協議 → 支援実施 → モニタリング → 終結.
No-consent track: 支援会議で検討 → 見守り・アウトリーチ, joining the main track at
アセスメント once consent is given. 中断 from any open stage, with a reason.

Guards (checked by ``actions.transition``):
- ``consent``: the case has a current, not withdrawn, not expired consent.
- ``assessment``: the case has an assessment.
- ``draft_plan``: the case has a draft plan to deliberate.
- ``via_approval``: only ``actions.approve_plan`` makes this move (the plan becomes 確定).
- ``via_closure``: only ``actions.close_case`` makes this move (終結評価 recorded).
- ``reason``: a reason must be written.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Stage

S = Stage


@dataclass(frozen=True)
class Move:
    label: str
    guards: tuple[str, ...] = ()


OPEN_STAGES = [s for s in Stage if s not in (S.CLOSED, S.SUSPENDED)]

TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.RECEIVED, S.PREPARATION): Move("事前調整を始める"),
    (S.RECEIVED, S.CONFERENCE): Move("支援会議で検討する(同意なし)", ("reason",)),
    (S.PREPARATION, S.ASSESSMENT): Move("アセスメントへ進む", ("consent",)),
    (S.PREPARATION, S.CONFERENCE): Move("支援会議で検討する(同意なし)", ("reason",)),
    (S.CONFERENCE, S.WATCHING): Move("見守り・アウトリーチへ"),
    (S.CONFERENCE, S.ASSESSMENT): Move("同意を得てアセスメントへ", ("consent",)),
    (S.WATCHING, S.ASSESSMENT): Move("同意を得てアセスメントへ", ("consent",)),
    (S.WATCHING, S.CONFERENCE): Move("支援会議で再検討する", ("reason",)),
    (S.ASSESSMENT, S.PLANNING): Move("プラン作成へ進む", ("consent", "assessment")),
    (S.PLANNING, S.DELIBERATION): Move("協議にかける", ("consent", "draft_plan")),
    (S.DELIBERATION, S.PLANNING): Move("プランを差し戻す", ("reason",)),
    (S.DELIBERATION, S.SUPPORT): Move("プラン確定・支援実施へ", ("via_approval",)),
    (S.SUPPORT, S.MONITORING): Move("モニタリングを始める"),
    (S.MONITORING, S.SUPPORT): Move("支援を継続する"),
    (S.MONITORING, S.PLANNING): Move("プランを見直す(再プラン)", ("consent",)),
    (S.MONITORING, S.CLOSED): Move("終結する", ("via_closure",)),
    (S.SUSPENDED, S.CLOSED): Move("終結する", ("via_closure",)),
    (S.WATCHING, S.CLOSED): Move("終結する", ("via_closure",)),
    (S.CONFERENCE, S.CLOSED): Move("終結する", ("via_closure",)),
    (S.SUSPENDED, S.ASSESSMENT): Move("再開してアセスメントへ", ("consent", "reason")),
    (S.SUSPENDED, S.SUPPORT): Move("再開して支援実施へ", ("consent", "reason")),
    (S.SUSPENDED, S.WATCHING): Move("再開して見守りへ", ("reason",)),
    **{(s, S.SUSPENDED): Move("中断する", ("reason",)) for s in OPEN_STAGES},
}

# Moves a user starts from the case page (the others are made by approve_plan/close_case).
MANUAL_GUARDS_EXCLUDED = {"via_approval", "via_closure"}


def move_for(from_stage: str, to_stage: str) -> Move | None:
    return TRANSITIONS.get((from_stage, to_stage))


def manual_moves(from_stage: str) -> list[tuple[str, Move]]:
    return [
        (to, move)
        for (frm, to), move in TRANSITIONS.items()
        if frm == from_stage and not MANUAL_GUARDS_EXCLUDED & set(move.guards)
    ]
