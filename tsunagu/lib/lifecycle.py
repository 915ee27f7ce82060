"""The one shape every record that moves follows: a table, one transition function.

Each domain keeps ``APP/transitions.py`` with its ``Lifecycle`` (the table of allowed
moves: from → to, the label a user clicks, which sides may make it, the guards it needs)
and calls ``run`` to make a move. ``run`` locks the row, checks the table and the acting
side, runs the domain's guards, applies the change, writes the domain's event row and the
audit event, all in one transaction, and refuses with a Japanese message
(``TransitionRefused``) that views show as is. Templates ask ``Lifecycle.open_moves`` which
buttons to show instead of repeating the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone


class TransitionRefused(Exception):
    """An illegal or incomplete transition; the message is shown to the user as is."""


@dataclass(frozen=True)
class Move:
    """One allowed move: the button's label, who may make it, what it needs."""

    label: str
    sides: frozenset[str] = frozenset()  # empty: any side the domain grants
    guards: tuple[str, ...] = ()
    needs_reason: bool = False
    danger: bool = False  # shown as a secondary/danger action that asks for confirmation


@dataclass(frozen=True)
class Lifecycle:
    """A named table of moves between statuses whose labels come from ``labels``."""

    name: str  # e.g. 「つなぐシート」, used in refusals
    table: dict[tuple[str, str], Move]
    labels: dict[str, str]
    # Who each side is, in refusals: {"recipient": "受け手の機関"} →「…は受け手の機関だけが行えます」
    side_labels: dict[str, str] = field(default_factory=dict)

    def label(self, status: str) -> str:
        return self.labels.get(status, status)

    def move(self, frm: str, to: str) -> Move | None:
        return self.table.get((frm, to))

    def moves_from(self, frm: str) -> list[tuple[str, Move]]:
        return [(t, m) for (f, t), m in self.table.items() if f == frm]

    def open_moves(self, frm: str, sides: Iterable[str]) -> list[tuple[str, Move]]:
        """The moves a user on ``sides`` may start now (what the page offers as buttons)."""
        have = set(sides)
        return [(t, m) for t, m in self.moves_from(frm) if not m.sides or m.sides & have]

    def check(self, frm: str, to: str, sides: Iterable[str]) -> tuple[Move, str]:
        """The move and the side making it, or ``TransitionRefused`` saying why not."""
        move = self.move(frm, to)
        if move is None:
            nexts = "・".join(self.label(t) for t, _ in self.moves_from(frm)) or "なし"
            raise TransitionRefused(
                f"「{self.label(frm)}」の{self.name}を「{self.label(to)}」にはできません"
                f"(この状態から可能な操作: {nexts})。"
            )
        have = set(sides)
        if move.sides and not (move.sides & have):
            who = "・".join(
                self.side_labels[s] for s in sorted(move.sides) if s in self.side_labels
            )
            raise TransitionRefused(
                f"「{move.label}」は{who or f'この{self.name}の担当側'}だけが行えます。"
            )
        side = (
            next(iter(sorted(move.sides & have)), "")
            if move.sides
            else next(iter(sorted(have)), "")
        )
        return move, side


@dataclass
class Step:
    """What ``run`` hands to the domain's callbacks."""

    obj: Any
    actor: Any
    frm: str
    to: str
    move: Move
    side: str
    reason: str
    at: Any


def run(
    *,
    lifecycle: Lifecycle,
    queryset: QuerySet,
    pk: int,
    actor,
    to: str,
    sides: Callable[[Any], Iterable[str]],
    reason: str = "",
    guard: Callable[[Step], None] | None = None,
    apply: Callable[[Step], None] | None = None,
    event: Callable[[Step], Model | None],
    audit_log: Callable[[Step], None],
    status_field: str = "status",
) -> Any:
    """Move the row ``pk`` of ``queryset`` to ``to`` on behalf of ``actor``.

    ``sides(obj)`` says on which sides the actor stands (e.g. {"sender"}); ``guard`` raises
    ``TransitionRefused`` when the domain's conditions are not met; ``apply`` sets the other
    fields; ``event`` writes the domain's event row and ``audit_log`` the audit event.
    """
    with transaction.atomic():
        obj = queryset.select_for_update().get(pk=pk)
        frm = getattr(obj, status_field)
        move, side = lifecycle.check(frm, to, sides(obj))
        reason = (reason or "").strip()
        if move.needs_reason and not reason:
            raise TransitionRefused(f"「{move.label}」には理由の入力が必要です。")
        step = Step(obj, actor, frm, to, move, side, reason, timezone.now())
        if guard is not None:
            guard(step)
        setattr(obj, status_field, to)
        if apply is not None:
            apply(step)
        obj.save()
        event(step)
        audit_log(step)
        return obj
