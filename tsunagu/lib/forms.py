"""The project's form renderer (settings.FORM_RENDERER), so every form gets it.

Japanese labels take no trailing colon, so the renderer's bound fields drop Django's
default ``label_suffix`` (":") from ``label_tag`` and ``legend_tag``. A suffix passed
explicitly to ``label_tag`` is still honoured.

Widgets are rendered with the project's template settings (``TemplatesSetting``), so
templates/django/forms/ can replace a widget template: the select there renders its
options inline.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting


class UnsuffixedBoundField(forms.BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, label_suffix or "", tag)


class FormRenderer(TemplatesSetting):
    bound_field_class = UnsuffixedBoundField
