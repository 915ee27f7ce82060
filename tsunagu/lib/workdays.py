"""Working days (開庁日) for response deadlines.

A day is a working day unless it is a Saturday, a Sunday, a national holiday
(祝日法, via ``jpholiday``, including substitute holidays) or within the year-end closing
12/29–1/3 that municipal 休日条例 set under 地方自治法第4条の2.
"""

from __future__ import annotations

import datetime

import jpholiday


def is_working_day(day: datetime.date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def holiday_name(day: datetime.date) -> str:
    """The national holiday's name (「海の日」, 「振替休日」), or '' on other days."""
    return jpholiday.is_holiday_name(day) or ""
