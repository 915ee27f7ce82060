"""Optimistic locking for every editable record, and the 「ほかの人が先に保存しました」 screen.

Each editable record carries ``lock_version``; its edit form posts back the version it was
loaded with. An action saves only if the version is still the same (one conditional
UPDATE, ``save_if_unchanged``) and raises ``Stale`` otherwise. The view then shows the
saved record and what this editor typed side by side (``conflict``), with the form
refilled from the *saved* record and the new version: saving again without looking
cannot undo the other person's change. The version is compared before the form is
validated, so a stale tab always gets this screen, never field errors about a form whose
record has moved on.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils import timezone

from tsunagu.lib.forms import parse_id
from tsunagu.lib.wareki import format_wareki, format_wareki_time


class Stale(Exception):
    """Someone saved the record after this editor loaded it."""

    def __init__(self, current: models.Model, message: str = ""):
        self.current = current
        super().__init__(
            message or "編集中にほかの人が保存しました。あなたの変更は保存していません。"
        )


def posted_version(data) -> int | None:
    """The ``lock_version`` a form was loaded with (None when missing or not a number)."""
    return parse_id(data.get("lock_version"))


def save_if_unchanged(obj: models.Model, expected: int | None, **values) -> bool:
    """Write ``values`` and bump ``lock_version`` only if nobody saved since ``expected``."""
    if expected is None:
        return False
    rows = type(obj)._default_manager.filter(pk=obj.pk, lock_version=expected)
    return bool(rows.update(**values, lock_version=expected + 1))


@dataclass
class FieldConflict:
    label: str
    saved: str
    mine: str
    ops: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text), saved → mine


@dataclass
class Conflict:
    who: str
    when: str
    fields: list[FieldConflict] = field(default_factory=list)


def text_ops(before: str, after: str) -> list[tuple[str, str]]:
    """Character diff of two texts, for highlighting what differs."""
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


def display(value, form_field: forms.Field | None = None) -> str:
    """A value as the user reads it: 和暦 dates, choice labels, あり/なし."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, datetime.datetime):
        return format_wareki_time(value)
    if isinstance(value, datetime.date):
        return format_wareki(value)
    if isinstance(value, list | tuple):
        return "、".join(display(v, form_field) for v in value)
    choices = dict(getattr(form_field, "choices", None) or [])
    return str(choices.get(value, value))


def conflict(
    form: forms.BaseForm, saved: dict, names: Iterable[str], *, who, when, extra=()
) -> Conflict:
    """The fields among ``names`` where what this editor posted differs from ``saved``.

    ``extra``: further (label, saved text, my text) rows, e.g. a table shown as lines."""
    found = Conflict(who=str(who or ""), when=format_wareki_time(when or timezone.now()))
    for name in names:
        form_field = form.fields[name]
        raw = form_field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            mine = form_field.clean(raw)
        except forms.ValidationError:
            mine = raw
        before, after = display(saved.get(name), form_field), display(mine, form_field)
        if before != after:
            label = str(form_field.label or name)
            found.fields.append(FieldConflict(label, before, after, text_ops(before, after)))
    for label, before, after in extra:
        if before != after:
            found.fields.append(FieldConflict(label, before, after, text_ops(before, after)))
    return found
