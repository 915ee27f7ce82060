"""The engagement stage of an outreach record: one table, moved only through ``move``.

把握 → 接触試行 → 接触 → 関係構築 → 同意 → つなぎ済み, with 見守り継続 (waiting, watched over)
from any stage after the first attempt and 終結 from any open stage. No stage is skipped.

Guards:
- ``contact``: an attempt that reached the person (面会, ドア越しに会話…) is recorded.
- ``person``: the person is identified (linked to a Person) before consent is recorded.
Every move takes the day it happened (``on``: not in the future, not before 把握).
Sides: ``worker`` (the outreach agency's staff); ``handoff`` is only given by
``actions.hand_off``, so つなぎ済み always carries the consultation or 支援依頼 it made.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tsunagu.access import audit
from tsunagu.access.policy import outreach_sides
from tsunagu.lib.lifecycle import Lifecycle, Move, Step, TransitionRefused, run
from tsunagu.lib.wareki import format_wareki

from .models import CONTACT_RESULTS, OutreachEvent, OutreachRecord, Stage

S = Stage
WORKER = frozenset({"worker"})
HANDOFF = frozenset({"handoff"})


def _close() -> Move:
    return Move("終結する", WORKER, needs_reason=True, danger=True)


def _watch() -> Move:
    return Move("見守りを続ける", WORKER, needs_reason=True)


LIFECYCLE = Lifecycle(
    name="アウトリーチ記録",
    labels=dict(Stage.choices),
    table={
        (S.FOUND, S.TRYING): Move("接触を試み始める", WORKER),
        (S.TRYING, S.CONTACTED): Move("本人と接触できた", WORKER, guards=("contact",)),
        (S.CONTACTED, S.RAPPORT): Move("関係ができてきた", WORKER),
        (S.RAPPORT, S.CONSENTED): Move("支援への同意を得た", WORKER, guards=("person",)),
        (S.CONSENTED, S.HANDED_OFF): Move("つなぐ", HANDOFF),
        (S.WATCHING, S.TRYING): Move("接触の試みを再開する", WORKER),
        **{(s, S.WATCHING): _watch() for s in (S.TRYING, S.CONTACTED, S.RAPPORT, S.CONSENTED)},
        **{(s, S.CLOSED): _close() for s in (S.FOUND, S.TRYING, S.CONTACTED, S.RAPPORT)},
        (S.CONSENTED, S.CLOSED): _close(),
        (S.WATCHING, S.CLOSED): _close(),
    },
)


def manual_moves(stage: str, sides) -> list[tuple[str, Move]]:
    """The moves the record page offers as buttons (つなぐ has its own form)."""
    return [(to, m) for to, m in LIFECYCLE.open_moves(stage, sides) if m.sides != HANDOFF]


def _check_guards(step: Step, on: datetime.date) -> None:
    record = step.obj
    if on > timezone.localdate():
        raise TransitionRefused("日付: 未来の日付は指定できません。")
    if on < record.informed_on:
        raise TransitionRefused(
            f"日付: 把握日({format_wareki(record.informed_on)})より前の日付は指定できません。"
        )
    guards = step.move.guards
    if (
        "contact" in guards
        and not record.attempts.filter(result__in=sorted(CONTACT_RESULTS)).exists()
    ):
        raise TransitionRefused(
            "「接触」にするには、本人と会話・面会できた接触の記録(面会、ドア越しに会話など)が必要です。"
        )
    if "person" in guards and record.person_id is None:
        raise TransitionRefused(
            "同意を記録する前に、本人を特定してください(「本人の特定」で名寄せして登録・紐づけ)。"
        )


def _apply(step: Step, on: datetime.date) -> None:
    record = step.obj
    if step.to == S.CONTACTED and record.first_contact_on is None:
        first = record.attempts.filter(result__in=sorted(CONTACT_RESULTS)).order_by("date").first()
        record.first_contact_on = first.date if first else on
    if step.to == S.CONSENTED:
        record.consented_on = on
    if step.to == S.HANDED_OFF:
        record.handed_off_on = on
    if step.to == S.CLOSED:
        record.closed_on = on
    record.last_activity_on = max(record.last_activity_on, on)


def _audit(step: Step, actor) -> None:
    audit.log(
        actor,
        "transition",
        step.obj,
        person=step.obj.person_id,
        agency=step.obj.agency,
        from_stage=step.frm,
        to_stage=step.to,
    )


def move(
    *,
    record: OutreachRecord,
    actor,
    to: str,
    reason: str = "",
    on: datetime.date | None = None,
    sides=None,
    apply=None,
) -> OutreachRecord:
    """Move ``record`` to ``to``; refuses (``TransitionRefused``) a move the table lacks, a
    side not allowed, a missing reason or an unmet guard. ``apply`` lets ``hand_off`` write
    the consultation or 支援依頼 in the same transaction."""
    on = on or timezone.localdate()

    def after(step: Step) -> None:
        _apply(step, on)
        if apply is not None:
            apply(step)

    return run(
        lifecycle=LIFECYCLE,
        queryset=OutreachRecord.objects.all(),
        pk=record.pk,
        actor=actor,
        to=to,
        sides=sides or (lambda obj: outreach_sides(actor, obj)),
        reason=reason,
        guard=lambda step: _check_guards(step, on),
        apply=after,
        event=lambda step: OutreachEvent.objects.create(
            record=step.obj,
            from_stage=step.frm,
            to_stage=step.to,
            on=on,
            by=actor,
            at=step.at,
            reason=step.reason,
        ),
        audit_log=lambda step: _audit(step, actor),
        status_field="stage",
    )
