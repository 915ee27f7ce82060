"""The meeting calendar's month grid: each day of the weeks shown, with its sessions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from tsunagu.lib.months import Month
from tsunagu.lib.workdays import holiday_name

from .models import MeetingSession

WEEKEND_CLASS = {5: "sat", 6: "sun"}


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    today: bool
    holiday: str  # the national holiday's name, written out (not shown by colour alone)
    weekend: str  # "sat" / "sun": a CSS class
    sessions: list[MeetingSession] = field(default_factory=list)


def month_grid(
    month: Month, sessions: QuerySet[MeetingSession], *, today: datetime.date
) -> tuple[list[list[Day]], int]:
    """The weeks of ``month`` with ``sessions`` (already narrowed to what the user may see)
    on their days, read in one query, and how many fall in the month itself."""
    weeks = month.weeks()
    shown = (
        sessions.filter(date__range=(weeks[0][0], weeks[-1][-1]))
        .select_related("body")
        .order_by("date", F("start_time").asc(nulls_last=True), "pk")
    )
    by_day: dict[datetime.date, list[MeetingSession]] = {}
    for session in shown:
        by_day.setdefault(session.date, []).append(session)
    grid = [
        [
            Day(
                date=day,
                in_month=Month.of(day) == month,
                today=day == today,
                holiday=holiday_name(day),
                weekend=WEEKEND_CLASS.get(day.weekday(), ""),
                sessions=by_day.get(day, []),
            )
            for day in week
        ]
        for week in weeks
    ]
    in_month = sum(len(d.sessions) for week in grid for d in week if d.in_month)
    return grid, in_month
