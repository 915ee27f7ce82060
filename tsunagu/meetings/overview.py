"""Planned frequency against sessions held, per body and fiscal year (one query)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from tsunagu.lib.wareki import fiscal_year
from tsunagu.municipality.models import MeetingBody, Municipality

from .frequency import expected_per_year
from .models import MeetingSession

SHOWN_YEARS = 4


@dataclass
class Cell:
    fiscal_year: int
    held: int
    expected: int | None
    finished: bool

    @property
    def short(self) -> bool:
        """A past fiscal year that ended with fewer sessions than planned."""
        return self.finished and self.expected is not None and self.held < self.expected


@dataclass
class Row:
    body: MeetingBody
    expected: int | None
    cells: list[Cell]


def shown_fiscal_years(municipality: Municipality, today: datetime.date) -> list[int]:
    """The plan's fiscal years so far, at most the last SHOWN_YEARS."""
    current = fiscal_year(today)
    earliest = current - SHOWN_YEARS + 1
    start = max(municipality.plan_start_fy or earliest, earliest)
    return list(range(min(start, current), current + 1))


def frequency_rows(
    municipality: Municipality, today: datetime.date | None = None
) -> tuple[list[int], list[Row]]:
    today = today or timezone.localdate()
    years = shown_fiscal_years(municipality, today)
    held = Q(sessions__status=MeetingSession.Status.HELD)
    counts = {
        f"fy{fy}": Count(
            "sessions",
            filter=held
            & Q(sessions__date__gte=datetime.date(fy, 4, 1))
            & Q(sessions__date__lt=datetime.date(fy + 1, 4, 1)),
        )
        for fy in years
    }
    bodies = MeetingBody.objects.filter(municipality=municipality).annotate(**counts)
    rows = []
    for body in bodies.order_by("order", "pk"):
        expected = expected_per_year(body.frequency)
        cells = [
            Cell(fy, getattr(body, f"fy{fy}"), expected, fy < fiscal_year(today)) for fy in years
        ]
        rows.append(Row(body, expected, cells))
    return years, rows
