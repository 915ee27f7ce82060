"""Figures of アウトリーチ等を通じた継続的支援事業 for one 年度 (April–March).

``figures(records, fiscal_year=…)`` counts from the rows of the records given (the caller
scopes them: a municipality, an agency, an area; ``records_for`` builds that scope), so
the annual report and the team page count the same way:

- 対象者数 by 経路: records whose 把握日 falls in the year.
- 訪問回数(延) / 同行支援回数: attempts dated in the year by 訪問 / 同行.
- 段階の到達: of the year's records, how many ever reached each stage of the main track
  (from the stage events; no stage is skipped, so reaching one means passing the earlier).
- つなぎ件数 / 終結件数: records handed off / closed in the year.
- 日数: from 把握 to the first contact and to consent, for first contacts and consents
  that happened in the year (mean and median).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Count

from tsunagu.lib.wareki import fiscal_year_range

from .models import TRACK, ContactAttempt, Means, OutreachEvent, OutreachRecord, Route, Stage


@dataclass(frozen=True)
class Days:
    count: int
    mean: float | None
    median: float | None

    @classmethod
    def of(cls, values: list[int]) -> Days:
        if not values:
            return cls(0, None, None)
        return cls(len(values), round(statistics.mean(values), 1), statistics.median(values))


@dataclass(frozen=True)
class Figures:
    fiscal_year: int
    found_by_route: list[tuple[str, int]]
    found_total: int
    visits: int
    accompanied: int
    reached: list[tuple[str, int]]
    handed_off: int
    closed: int
    days_to_first_contact: Days
    days_to_consent: Days


def records_for(municipality, *, agency=None, area=None):
    """The records of ``municipality``, of one agency and/or one area (its sub-areas too)."""
    records = OutreachRecord.objects.filter(municipality=municipality)
    if agency is not None:
        records = records.filter(agency=agency)
    if area is not None:
        records = records.filter(area_id__in=area.descendant_ids())
    return records


def _days(rows, date_field: str) -> Days:
    return Days.of([(row[date_field] - row["informed_on"]).days for row in rows])


def figures(records, *, fiscal_year: int) -> Figures:
    """Count the year's figures from the rows of ``records`` (a queryset of records)."""
    start, end = fiscal_year_range(fiscal_year)
    in_year = {"informed_on__range": (start, end)}
    found = dict(
        records.filter(**in_year)
        .values_list("route")
        .annotate(n=Count("pk"))
        .values_list("route", "n")
    )
    attempts = ContactAttempt.objects.filter(
        record__in=records.values("pk"), date__range=(start, end)
    )
    by_means = dict(attempts.values_list("means").annotate(n=Count("pk")).values_list("means", "n"))
    cohort = records.filter(**in_year).values("pk")
    reached_at = dict(
        OutreachEvent.objects.filter(record__in=cohort, to_stage__in=TRACK)
        .values_list("to_stage")
        .annotate(n=Count("record", distinct=True))
        .values_list("to_stage", "n")
    )
    return Figures(
        fiscal_year=fiscal_year,
        found_by_route=[(label, found.get(value, 0)) for value, label in Route.choices],
        found_total=sum(found.values()),
        visits=by_means.get(Means.VISIT, 0),
        accompanied=by_means.get(Means.ACCOMPANY, 0),
        reached=[(Stage(s).label, reached_at.get(s, 0)) for s in TRACK],
        handed_off=records.filter(handed_off_on__range=(start, end)).count(),
        closed=records.filter(closed_on__range=(start, end)).count(),
        days_to_first_contact=_days(
            records.filter(first_contact_on__range=(start, end)).values(
                "informed_on", "first_contact_on"
            ),
            "first_contact_on",
        ),
        days_to_consent=_days(
            records.filter(consented_on__range=(start, end)).values("informed_on", "consented_on"),
            "consented_on",
        ),
    )
