"""The one table of a participation record's stages, and the one function that moves it.

相談 → マッチング (an offer proposed) → 見学 → 体験 → 参加中 → 定着; 見学 and 体験 may go
back to マッチング when the place does not fit (another offer is then proposed); 中断 from
any open stage with a reason category; 終結 from 相談, 定着 and 中断. Each move also writes
the date on the current ``Placement`` so the host's history and the figures read them.

Guards:
- ``offer``: the move needs an offer (the one proposed);
- ``placement``: the record has a current placement (what is visited, tried, started);
- ``category``: a 中断 needs its reason category (counted in the figures).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tsunagu.access import audit
from tsunagu.access.policy import participation as access
from tsunagu.lib.lifecycle import Lifecycle, Move, Step, TransitionRefused, run

from .models import (
    InterruptionReason,
    Offer,
    ParticipationEvent,
    ParticipationRecord,
    Placement,
    PlacementOutcome,
    Stage,
)

S = Stage
STAFF = frozenset({"staff"})
OPEN = [S.CONSULTATION, S.MATCHING, S.VISIT, S.TRIAL, S.ACTIVE]

LIFECYCLE = Lifecycle(
    name="参加支援の記録",
    labels=dict(Stage.choices),
    table={
        (S.CONSULTATION, S.MATCHING): Move("受入先を提案する", STAFF, ("offer",)),
        (S.MATCHING, S.VISIT): Move("見学を記録する", STAFF, ("placement",)),
        (S.MATCHING, S.TRIAL): Move("体験を始める(見学なし)", STAFF, ("placement",)),
        (S.MATCHING, S.MATCHING): Move(
            "別の受入先を提案する", STAFF, ("offer",), needs_reason=True
        ),
        (S.VISIT, S.TRIAL): Move("体験を始める", STAFF, ("placement",)),
        (S.VISIT, S.MATCHING): Move("別の受入先を提案する", STAFF, ("offer",), needs_reason=True),
        (S.TRIAL, S.ACTIVE): Move("参加開始を記録する", STAFF, ("placement",)),
        (S.TRIAL, S.MATCHING): Move("別の受入先を提案する", STAFF, ("offer",), needs_reason=True),
        (S.ACTIVE, S.SETTLED): Move("定着を記録する", STAFF, ("placement",)),
        **{
            (s, S.INTERRUPTED): Move(
                "中断する", STAFF, ("category",), needs_reason=True, danger=True
            )
            for s in OPEN
        },
        (S.INTERRUPTED, S.CONSULTATION): Move("再開する", STAFF, needs_reason=True),
        (S.CONSULTATION, S.CLOSED): Move("終結する", STAFF, needs_reason=True, danger=True),
        (S.SETTLED, S.CLOSED): Move("終結する", STAFF, needs_reason=True),
        (S.INTERRUPTED, S.CLOSED): Move("終結する", STAFF, needs_reason=True),
    },
)

# The Placement date each move writes.
PLACEMENT_DATE: dict[str, str] = {
    S.VISIT: "visited_on",
    S.TRIAL: "trial_on",
    S.ACTIVE: "started_on",
    S.SETTLED: "settled_on",
}


def sides(user, record: ParticipationRecord) -> set[str]:
    return {"staff"} if access.can_change_participation(user, record) else set()


def moves_for(user, record: ParticipationRecord) -> list[tuple[str, Move]]:
    """The buttons the record's page shows this user (none for read-only viewers)."""
    return LIFECYCLE.open_moves(record.stage, sides(user, record))


def move(
    *,
    record: ParticipationRecord,
    to: str,
    by,
    reason: str = "",
    on: datetime.date | None = None,
    offer: Offer | None = None,
    category: str = "",
) -> ParticipationRecord:
    """Move ``record`` to ``to``; refuses with ``TransitionRefused`` saying why not."""
    on = on or timezone.localdate()

    def guard(step: Step) -> None:
        guards = step.move.guards
        if "offer" in guards:
            _check_offer(step.obj, offer)
        if "placement" in guards and step.obj.current_placement() is None:
            raise TransitionRefused("提案中の受入先がありません。先に受入先を提案してください。")
        if "category" in guards and category not in InterruptionReason.values:
            raise TransitionRefused("「中断する」には中断の理由(区分)の選択が必要です。")
        if on > timezone.localdate():
            raise TransitionRefused("実施日に未来の日付は指定できません。")

    def apply(step: Step) -> None:
        proposed = offer if "offer" in step.move.guards else None
        _apply(step.obj, step.to, on=on, offer=proposed, category=category)

    def event(step: Step) -> ParticipationEvent:
        latest = step.obj.placements.order_by("-pk").first()
        return ParticipationEvent.objects.create(
            record=step.obj,
            from_stage=step.frm,
            to_stage=step.to,
            offer=latest.offer if latest else None,
            by=by,
            at=step.at,
            on=on,
            reason=step.reason,
            interruption_reason=category if step.to == S.INTERRUPTED else "",
        )

    def audit_log(step: Step) -> None:
        audit.log(
            by,
            "transition",
            step.obj,
            person=step.obj.person_id,
            agency=step.obj.agency,
            from_stage=step.frm,
            to_stage=step.to,
            offer=offer.pk if offer else None,
        )

    return run(
        lifecycle=LIFECYCLE,
        queryset=ParticipationRecord.objects.all(),
        pk=record.pk,
        actor=by,
        to=to,
        sides=lambda obj: sides(by, obj),
        reason=reason,
        guard=guard,
        apply=apply,
        event=event,
        audit_log=audit_log,
        status_field="stage",
    )


def _check_offer(record: ParticipationRecord, offer: Offer | None) -> None:
    if offer is None:
        raise TransitionRefused("提案する受入メニューを選んでください。")
    if offer.municipality_id != record.municipality_id or not offer.active:
        raise TransitionRefused("この受入メニューは現在募集していません。")
    current = record.current_placement()
    if current is not None and current.offer_id == offer.pk:
        raise TransitionRefused(
            "この受入メニューはすでに提案中です。別のメニューを選んでください。"
        )


def _apply(record, to: str, *, on, offer, category: str) -> None:
    current = record.current_placement()
    if offer is not None:  # a (new) proposal: the previous one ends as 見送り
        if current is not None:
            _end(current, on, PlacementOutcome.NOT_CHOSEN)
        Placement.objects.create(record=record, offer=offer, proposed_on=on)
        return
    if to in PLACEMENT_DATE and current is not None:
        setattr(current, PLACEMENT_DATE[to], on)
        current.save(update_fields=[PLACEMENT_DATE[to]])
    elif to == S.INTERRUPTED:
        record.interruption_reason = category
        if current is not None:
            _end(current, on, PlacementOutcome.INTERRUPTED)
    elif to == S.CONSULTATION:  # 再開
        record.interruption_reason = ""
    elif to == S.CLOSED:
        record.closed_on = on
        if current is not None:
            _end(current, on, PlacementOutcome.SETTLED_END)


def _end(placement: Placement, on, outcome: str) -> None:
    placement.ended_on = on
    placement.outcome = outcome
    placement.save(update_fields=["ended_on", "outcome"])
