"""Template filters ``{% load wareki %}``: ``{{ day|wareki }}`` → 昭和45年3月2日 (1970),
``{{ day|wareki:"short" }}`` → 昭和45年3月2日, ``{{ moment|wareki_time }}`` → 令和8年4月1日
(2026) 14:05, ``{{ 2025|nendo }}`` → 令和7年度."""

import datetime

from django import template
from django.utils import timezone

from tsunagu.lib.wareki import fiscal_year_label, format_wareki, format_wareki_time

register = template.Library()


@register.filter
def wareki(value, style: str = ""):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_wareki(value, with_seireki=style != "short")


@register.filter
def wareki_time(value, style: str = ""):
    """``{{ moment|wareki_time }}`` → 令和8年4月1日 (2026) 14:05."""
    return format_wareki_time(value or None, with_seireki=style != "short")


@register.filter
def nendo(value):
    return fiscal_year_label(int(value)) if value not in (None, "") else ""
