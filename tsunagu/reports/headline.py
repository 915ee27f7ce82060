"""This year's headline figures against target, for the 主管課's home page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tsunagu.lib.wareki import fiscal_year, fiscal_year_label
from tsunagu.municipality.models import Municipality
from tsunagu.reports.indicators import build_report
from tsunagu.reports.models import Target

HEADLINE = ["consultations", "coordination_requests", "cases_opened", "plans", "closures"]


@dataclass(frozen=True)
class Headline:
    label: str
    unit: str
    value: int | float | None
    target: Decimal | None


@dataclass(frozen=True)
class Headlines:
    year_label: str
    fiscal_year: int
    figures: list[Headline]


def headline(municipality: Municipality, today: datetime.date) -> Headlines:
    fy = fiscal_year(today)
    report = build_report(municipality, fy, detail=False)
    targets = dict(
        Target.objects.filter(
            municipality=municipality, fiscal_year=fy, code__in=HEADLINE
        ).values_list("code", "target")
    )
    figures = [f for code in HEADLINE if (f := report.figure(code)) is not None]
    return Headlines(
        fiscal_year_label(fy, with_seireki=True),
        fy,
        [Headline(f.label, f.unit, f.value, targets.get(f.code)) for f in figures],
    )
