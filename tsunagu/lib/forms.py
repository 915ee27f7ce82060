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

import unicodedata

from django import forms
from django.forms.renderers import TemplatesSetting


class UnsuffixedBoundField(forms.BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, label_suffix or "", tag)


class FormRenderer(TemplatesSetting):
    bound_field_class = UnsuffixedBoundField


# --- input that never reaches the database unchecked ------------------------------------
# Every value a view reads from GET or POST goes through a form field. Django's CharField
# already refuses NUL bytes (PostgreSQL cannot store them); numbers get the fields below,
# because int() accepts non-ASCII digits (「١٢」) and both databases refuse ids beyond 64 bits.

MAX_ID = 2**63 - 1  # BigAutoField


class NumberField(forms.IntegerField):
    """An integer typed in half-width digits (full-width digits are turned into them).
    Superscripts (「²」), other scripts' digits and signs are refused with a message."""

    default_error_messages = {"invalid": "半角数字で入力してください。"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = unicodedata.normalize("NFKC", str(value)).strip()
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
    """The form's errors as one Japanese line naming each field: 「依頼理由: …」."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return " ".join(parts)


def parse_id(value) -> int | None:
    """A posted record number, or None when it is missing or not a valid number."""
    try:
        return IdField().clean(value)
    except forms.ValidationError:
        return None
