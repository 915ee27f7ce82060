"""The report as a reader sees it: 実績 against 目標, the change from the year before, the
trend across the plan's period, and small counts hidden where the figures are published.

Small-cell suppression: on anything marked for publication (the PDF for the review body,
the 公表用 downloads) a count from 1 to threshold−1 is shown as 「N未満」 so that no household
can be recognised; 0 stays 0. The threshold is the profile setting ``report_min_cell``
(default 3). Staff screens show the exact counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tsunagu.lib.wareki import fiscal_year_label
from tsunagu.municipality.models import Municipality
from tsunagu.reports.indicators import Figure, Report, Row, build_report
from tsunagu.reports.models import Target

DEFAULT_MIN_CELL = 3
# Units of counts: what small-cell suppression hides (places and groups too: a count of one
# 受入先 of a kind in a 圏域 can point at the one person placed there).
COUNT_UNITS = {"件", "人", "回", "機関", "か所", "団体"}


def min_cell(municipality: Municipality) -> int:
    value = municipality.setting("report_min_cell", DEFAULT_MIN_CELL)
    return value if isinstance(value, int) and value >= 1 else DEFAULT_MIN_CELL


def hidden(value, unit: str, *, publish: bool, threshold: int) -> bool:
    """Whether a published count is too small to show (1 … threshold−1)."""
    return publish and unit in COUNT_UNITS and isinstance(value, int) and 0 < value < threshold


def cell(value, unit: str, *, publish: bool, threshold: int) -> str:
    """A figure as printed: 1,234 / 45.6% / 「3未満」 / 「—」 when there is no figure."""
    if value is None:
        return "—"
    if hidden(value, unit, publish=publish, threshold=threshold):
        return f"{threshold}未満"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}{'%' if unit == '%' else ''}"
    return f"{value:,}"


@dataclass
class Line:
    """One figure with its target, last year's value and the trend across the plan period."""

    figure: Figure
    value: Any  # the 実績 (for a manual figure: as the 主管課 entered it)
    text: str
    target: Decimal | None
    achieved: float | None  # 実績 / 目標 in %
    previous: float | int | None
    change: float | int | None
    trend: list[tuple[int, str]]  # (fiscal year, printed value)
    months: list[str] | None = None  # April … March as printed (small counts hidden)


def plan_years(municipality: Municipality, fy: int) -> list[int]:
    """The plan's 年度 up to ``fy`` (open-ended plans: from their start), at most 6."""
    start = municipality.plan_start_fy or fy
    end = min(municipality.plan_end_fy or fy, fy)
    years = list(range(min(start, fy), end + 1)) or [fy]
    return years[-6:]


def lines(report: Report, *, publish: bool) -> dict[str, list[Line]]:
    """Per section code, the lines of the report (targets and trend included)."""
    municipality, fy = report.municipality, report.fiscal_year
    threshold = min_cell(municipality)
    targets = {(t.fiscal_year, t.code): t for t in Target.objects.filter(municipality=municipality)}
    years = plan_years(municipality, fy)
    totals = {y: _totals(municipality, y, targets) for y in years if y != fy}
    totals[fy] = {f.code: _value(f, targets.get((fy, f.code))) for f in report.figures()}
    previous = totals.get(fy - 1) or _totals(municipality, fy - 1, targets)
    out: dict[str, list[Line]] = {}
    for section in report.sections:
        out[section.code] = []
        for figure in section.figures:
            value = totals[fy][figure.code]
            target_row = targets.get((fy, figure.code))
            target = target_row.target if target_row else None
            before = previous.get(figure.code)
            out[section.code].append(
                Line(
                    figure=figure,
                    value=value,
                    text=cell(value, figure.unit, publish=publish, threshold=threshold),
                    target=target,
                    achieved=round(100 * float(value) / float(target), 1)
                    if value is not None and target
                    else None,
                    previous=before,
                    change=_change(value, before),
                    trend=[
                        (
                            y,
                            cell(
                                totals[y].get(figure.code),
                                figure.unit,
                                publish=publish,
                                threshold=threshold,
                            ),
                        )
                        for y in years
                    ],
                    months=[
                        cell(n, figure.unit, publish=publish, threshold=threshold)
                        for n in figure.monthly
                    ]
                    if figure.monthly is not None
                    else None,
                )
            )
    return out


def rows_as_printed(
    rows: list[Row], unit: str, *, publish: bool, threshold: int
) -> list[tuple[Row, str]]:
    return [(r, cell(r.value, unit, publish=publish, threshold=threshold)) for r in rows]


def _value(figure: Figure, target: Target | None):
    if figure.manual:
        return target.actual if target and target.actual is not None else None
    return figure.value


def _totals(municipality: Municipality, fy: int, targets: dict) -> dict[str, Any]:
    report = build_report(municipality, fy, detail=False)
    return {f.code: _value(f, targets.get((fy, f.code))) for f in report.figures()}


def _change(now, before):
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    return int(diff) if diff == int(diff) else round(diff, 1)


def year_label(fy: int) -> str:
    return fiscal_year_label(fy, with_seireki=True)
