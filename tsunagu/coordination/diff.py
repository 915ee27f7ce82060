"""Differences between two plan versions (the plan page's 「前の版からの変更」)."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.lib.conflicts import text_ops

from .models import PLAN_TEXT_FIELDS, SupportPlan


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    ops: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "あり" if value else "なし"
    return str(value)


def _label(field: str) -> str:
    return str(getattr(SupportPlan._meta.get_field(field), "verbose_name", field))


def _field_changes(before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for field in PLAN_TEXT_FIELDS:
        b, a = _text(before.get(field)), _text(after.get(field))
        if b != a:
            changes.append(FieldChange(_label(field), b, a, text_ops(b, a)))
    return changes


def _values(plan: SupportPlan) -> dict:
    return {f: getattr(plan, f) for f in PLAN_TEXT_FIELDS}


def _row_key(row) -> tuple[str, ...]:
    return (row.issue, row.what, str(row.agency), row.staff, row.frequency, _text(row.until))


@dataclass
class PlanChanges:
    fields: list[FieldChange]
    added_rows: list[tuple[str, ...]]
    removed_rows: list[tuple[str, ...]]


def plan_changes(previous: SupportPlan, plan: SupportPlan) -> PlanChanges:
    """What changed from ``previous`` to ``plan``: text fields and role-table rows."""
    before = {_row_key(r) for r in previous.assignments.select_related("agency")}
    after = {_row_key(r) for r in plan.assignments.select_related("agency")}
    return PlanChanges(
        fields=_field_changes(_values(previous), _values(plan)),
        added_rows=sorted(after - before),
        removed_rows=sorted(before - after),
    )
