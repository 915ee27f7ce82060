"""The project's form renderer (settings.FORM_RENDERER), so every form gets it, and the
fields that keep bad input from ever reaching a query (NumberField, IdField).

Japanese labels take no trailing colon, so the renderer's bound fields drop Django's
default ``label_suffix`` (":") from ``label_tag`` and ``legend_tag``. A suffix passed
explicitly to ``label_tag`` is still honoured.

Widgets are rendered with the project's template settings (``TemplatesSetting``), so
templates/django/forms/ can replace a widget template: the select there renders its
options inline.
"""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from tsunagu.lib.wareki import format_wareki

CHOOSING = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)


def field_message(field: forms.Field, message) -> str:
    """Django's 「このフィールドは必須です。」 says neither which field nor what to do; every
    form shows 「受付日時を入力してください。」 / 「相談経路を選んでください。」 instead."""
    if str(message) != str(forms.Field.default_error_messages["required"]) or not field.label:
        return str(message)
    verb = "選んでください" if isinstance(field.widget, CHOOSING) else "入力してください"
    return f"{field.label}を{verb}。"


class UnsuffixedBoundField(forms.BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, label_suffix or "", tag)

    @property
    def errors(self):
        errors = copy.copy(super().errors)
        errors.data = [field_message(self.field, e) for e in errors]
        return errors


class FormRenderer(TemplatesSetting):
    bound_field_class = UnsuffixedBoundField


# --- input that never reaches the database unchecked ------------------------------------
# Every value a view reads from GET or POST goes through a form field. Django's CharField
# already refuses NUL bytes (PostgreSQL cannot store them); numbers get the fields below,
# because int() accepts non-ASCII digits (「١٢」) and both databases refuse ids beyond 64 bits.

MAX_ID = 2**63 - 1  # BigAutoField
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class NumberField(forms.IntegerField):
    """An integer typed in half-width digits (full-width digits are turned into them).
    Superscripts (「²」), other scripts' digits and signs are refused with a message."""

    default_error_messages = {"invalid": "半角数字で入力してください。"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).translate(FULL_WIDTH_DIGITS).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class IdField(NumberField):
    """A record number (an id in a URL, a hidden field or a search box)."""

    default_error_messages = {"invalid": "番号は半角数字で入力してください。"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def error_text(form: forms.BaseForm) -> str:
    """The form's errors as one Japanese line, each naming its field."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            text = field_message(field, error) if field else str(error)
            parts.append(
                text if not field or str(field.label) in text else f"{field.label}: {text}"
            )
    return " ".join(parts)


# --- dates that make no sense ------------------------------------------------------------


def refuse_future(form: forms.BaseForm, name: str, *, today: datetime.date | None = None):
    """A date of something that has happened (受付, 記録, 同意, 確認) cannot be in the future."""
    day = form.cleaned_data.get(name)
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    if day and day > (today or timezone.localdate()):
        label = form.fields[name].label
        form.add_error(name, f"{label}に未来の日付は入力できません({format_wareki(day)})。")


def refuse_before(form: forms.BaseForm, name: str, earliest, what: str):
    """``name`` cannot be before ``earliest`` (a date or another field's name), e.g. an
    assessment before the case was opened or a next step due before the receipt."""
    day = form.cleaned_data.get(name)
    if isinstance(earliest, str):
        earliest = form.cleaned_data.get(earliest)
    if isinstance(earliest, datetime.datetime):
        earliest = timezone.localtime(earliest).date()
    if day and earliest and day < earliest:
        label = form.fields[name].label
        form.add_error(
            name, f"{label}({format_wareki(day)})が{what}({format_wareki(earliest)})より前です。"
        )


def parse_id(value) -> int | None:
    """A posted record number, or None when it is missing or not a valid number."""
    try:
        return IdField().clean(value)
    except forms.ValidationError:
        return None
