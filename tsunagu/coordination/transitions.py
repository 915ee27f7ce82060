"""The lifecycle of a case: the one table of allowed stage changes and what each needs.

Main track: 受付 → 事前調整 → アセスメント → プラン作成 → 協議 → 支援実施 → モニタリング → 終結.
No-consent track: 支援会議で検討 → 見守り・アウトリーチ, joining the main track at
アセスメント once consent is given. 中断 from any open stage, with a reason; a suspended
case is reopened (再開) with a reason.

Sides: ``holder`` (the coordinating agency's staff, from the case page), ``approval``
(only ``actions.approve_plan``: the plan becomes 確定) and ``closure`` (only
``actions.close_case``: 終結評価 recorded). Guards, checked by ``actions.transition``:
- ``consent``: the case has a current, not withdrawn, not expired consent.
- ``assessment``: the case has an assessment.
- ``draft_plan``: the case has a draft plan to deliberate.
"""

from __future__ import annotations

from tsunagu.lib.lifecycle import Lifecycle, Move

from .models import Stage

S = Stage
HOLDER = frozenset({"holder"})


def _by_holder(label: str, *guards: str, reason: bool = False, danger: bool = False) -> Move:
    return Move(label, HOLDER, guards=guards, needs_reason=reason, danger=danger)


CLOSE = Move("終結する", frozenset({"closure"}))
OPEN_STAGES = [s for s in Stage if s not in (S.CLOSED, S.SUSPENDED)]

CASE = Lifecycle(
    name="事例",
    labels=dict(Stage.choices),
    side_labels={
        "holder": "多機関協働事業者の担当者",
        "approval": "会議の決定または記録による承認の手続き",
        "closure": "終結評価の手続き",
    },
    table={
        (S.RECEIVED, S.PREPARATION): _by_holder("事前調整を始める"),
        (S.RECEIVED, S.CONFERENCE): _by_holder("支援会議で検討する(同意なし)", reason=True),
        (S.PREPARATION, S.ASSESSMENT): _by_holder("アセスメントへ進む", "consent"),
        (S.PREPARATION, S.CONFERENCE): _by_holder("支援会議で検討する(同意なし)", reason=True),
        (S.CONFERENCE, S.WATCHING): _by_holder("見守り・アウトリーチへ"),
        (S.CONFERENCE, S.ASSESSMENT): _by_holder("同意を得てアセスメントへ", "consent"),
        (S.WATCHING, S.ASSESSMENT): _by_holder("同意を得てアセスメントへ", "consent"),
        (S.WATCHING, S.CONFERENCE): _by_holder("支援会議で再検討する", reason=True),
        (S.ASSESSMENT, S.PLANNING): _by_holder("プラン作成へ進む", "consent", "assessment"),
        (S.PLANNING, S.DELIBERATION): _by_holder("協議にかける", "consent", "draft_plan"),
        (S.DELIBERATION, S.PLANNING): _by_holder("プランを差し戻す", reason=True),
        (S.DELIBERATION, S.SUPPORT): Move("プラン確定・支援実施へ", frozenset({"approval"})),
        (S.SUPPORT, S.MONITORING): _by_holder("モニタリングを始める"),
        (S.MONITORING, S.SUPPORT): _by_holder("支援を継続する"),
        (S.MONITORING, S.PLANNING): _by_holder("プランを見直す(再プラン)", "consent"),
        (S.MONITORING, S.CLOSED): CLOSE,
        (S.SUSPENDED, S.CLOSED): CLOSE,
        (S.WATCHING, S.CLOSED): CLOSE,
        (S.CONFERENCE, S.CLOSED): CLOSE,
        (S.SUSPENDED, S.PREPARATION): _by_holder("再開して事前調整へ", reason=True),
        (S.SUSPENDED, S.ASSESSMENT): _by_holder("再開してアセスメントへ", "consent", reason=True),
        (S.SUSPENDED, S.SUPPORT): _by_holder("再開して支援実施へ", "consent", reason=True),
        (S.SUSPENDED, S.WATCHING): _by_holder("再開して見守りへ", reason=True),
        **{(s, S.SUSPENDED): _by_holder("中断する", reason=True, danger=True) for s in OPEN_STAGES},
    },
)
