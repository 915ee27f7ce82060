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

``report_section`` is the アウトリーチ section of the 年度実績 (reports.indicators), counted
by ``figures`` over the municipality's records, with months and breakdowns (経路, 圏域,
年代, 性別, 段階) from the same rows; aggregates only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Count

from tsunagu.lib.wareki import fiscal_year_range
from tsunagu.reports.indicators import Detail, Figure, Row, Section

from .models import (
    TRACK,
    AgeBand,
    ContactAttempt,
    Means,
    OutreachEvent,
    OutreachRecord,
    Route,
    Sex,
    Stage,
)


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


def _found(records, start, end):
    """The year's records: 把握日 in the year."""
    return records.filter(informed_on__range=(start, end))


def _attempts(records, start, end):
    return ContactAttempt.objects.filter(record__in=records.values("pk"), date__range=(start, end))


def figures(records, *, fiscal_year: int) -> Figures:
    """Count the year's figures from the rows of ``records`` (a queryset of records)."""
    start, end = fiscal_year_range(fiscal_year)
    found = dict(
        _found(records, start, end)
        .values_list("route")
        .annotate(n=Count("pk"))
        .values_list("route", "n")
    )
    attempts = _attempts(records, start, end)
    by_means = dict(attempts.values_list("means").annotate(n=Count("pk")).values_list("means", "n"))
    cohort = _found(records, start, end).values("pk")
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


# --- the 年度実績 section -------------------------------------------------------------------


def _by(rows, key: str, labels: dict, unknown: str) -> list[Row]:
    """Rows of a ``values(key).annotate(n=…)`` query: code, label, count."""
    return [
        Row(str(r[key]) if r[key] else "unknown", labels.get(r[key]) or unknown, r["n"])
        for r in rows.values(key).annotate(n=Count("pk")).order_by(key)
    ]


def _found_breakdowns(found) -> dict[str, list[Row]]:
    by_route = dict(found.values_list("route").annotate(n=Count("pk")).order_by())
    by_area = found.values("area_id", "area__name").annotate(n=Count("pk")).order_by("area__name")
    return {
        "経路": [Row(value, label, by_route.get(value, 0)) for value, label in Route.choices],
        "圏域": [
            Row(str(r["area_id"] or "unknown"), r["area__name"] or "圏域未設定", r["n"])
            for r in by_area
        ],
        "年代": _by(found, "age_band", dict(AgeBand.choices), AgeBand.UNKNOWN.label),
        "性別": _by(found, "sex", dict(Sex.choices), Sex.UNKNOWN.label),
    }


def report_section(municipality, fy: int, detail: Detail) -> Section | None:
    """The アウトリーチ section of the 年度実績 (registered in ``OutreachConfig.ready``), or
    None when the municipality has no outreach record at all."""
    records = records_for(municipality)
    if not records.exists():
        return None
    f = figures(records, fiscal_year=fy)
    start, end = fiscal_year_range(fy)
    found = _found(records, start, end)
    attempts = _attempts(records, start, end)
    return Section(
        "outreach",
        "アウトリーチ等を通じた継続的支援事業",
        [
            Figure(
                "outreach_found",
                "新たに把握した対象者数",
                "人",
                f.found_total,
                detail.monthly(found, "informed_on"),
                detail.breakdowns(lambda: _found_breakdowns(found)),
                note="把握日が年度内の記録",
            ),
            Figure(
                "outreach_visits",
                "訪問回数(延べ)",
                "回",
                f.visits,
                detail.monthly(attempts.filter(means=Means.VISIT), "date"),
            ),
            Figure(
                "outreach_accompanied",
                "同行支援回数(延べ)",
                "回",
                f.accompanied,
                detail.monthly(attempts.filter(means=Means.ACCOMPANY), "date"),
            ),
            Figure(
                "outreach_consented",
                "本人の同意に至った人数(年度内に把握した人)",
                "人",
                dict(f.reached)[Stage.CONSENTED.label],
                None,
                detail.breakdowns(
                    lambda: {
                        "到達した段階": [
                            Row(stage.value, stage.label, n)
                            for stage, (_, n) in zip(TRACK, f.reached, strict=True)
                        ]
                    }
                ),
            ),
            Figure(
                "outreach_handed_off",
                "つなぎ件数(同意を得て引継ぎ)",
                "件",
                f.handed_off,
                detail.monthly(records.filter(handed_off_on__range=(start, end)), "handed_off_on"),
            ),
            Figure("outreach_closed", "終結件数", "件", f.closed),
            Figure(
                "outreach_days_to_first_contact",
                "把握から初回接触までの日数(平均)",
                "日",
                f.days_to_first_contact.mean,
                note="年度内に初回接触した人について",
            ),
            Figure(
                "outreach_days_to_consent",
                "把握から同意までの日数(平均)",
                "日",
                f.days_to_consent.mean,
                note="年度内に同意した人について",
            ),
        ],
    )
