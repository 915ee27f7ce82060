"""Differences between two plan versions, and between a stale edit and the saved plan."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

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


def _ops(before: str, after: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", before[i1:i2]))
            continue
        if i2 > i1:
            out.append(("delete", before[i1:i2]))
        if j2 > j1:
            out.append(("insert", after[j1:j2]))
    return out


def _label(field: str) -> str:
    return str(getattr(SupportPlan._meta.get_field(field), "verbose_name", field))


def _field_changes(before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for field in PLAN_TEXT_FIELDS:
        b, a = _text(before.get(field)), _text(after.get(field))
        if b != a:
            changes.append(FieldChange(_label(field), b, a, _ops(b, a)))
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


def stale_view(current: SupportPlan, submitted: dict) -> list[FieldChange]:
    """Fields where the saved plan (the other's edit) differs from what this editor sent."""
    return _field_changes(_values(current), submitted)
