"""目標値 (and the figures no record counts, such as 研修回数) entered per 年度.

The whole year's targets are saved at once, with an optimistic lock over the year: the
form carries the sum of the rows' versions it was built from, and a save after someone
else's is refused with both versions shown side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db import transaction
from django.db.models import Sum

from tsunagu.access import audit
from tsunagu.reports.indicators import Report
from tsunagu.reports.models import Target


def _stamp(report: Report) -> int:
    rows = Target.objects.filter(municipality=report.municipality, fiscal_year=report.fiscal_year)
    return (rows.aggregate(n=Sum("version"))["n"] or 0) * 1000 + rows.count()


class TargetForm(forms.Form):
    stamp = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**12)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        current = {
            t.code: t
            for t in Target.objects.filter(
                municipality=report.municipality, fiscal_year=report.fiscal_year
            )
        }
        self.fields["stamp"].initial = _stamp(report)
        self.rows = []
        for figure in report.figures():
            row = current.get(figure.code)
            name = f"target_{figure.code}"
            self.fields[name] = _number(
                f"{figure.label} 目標値({figure.unit})", row.target if row else None
            )
            actual = None
            if figure.manual:
                actual = f"actual_{figure.code}"
                self.fields[actual] = _number(
                    f"{figure.label} 実績({figure.unit})", row.actual if row else None
                )
            self.rows.append((figure, self[name], self[actual] if actual else None))


def _number(label: str, initial) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("99999999999"),
        max_digits=12,
        decimal_places=1,
        initial=initial,
        error_messages={"invalid": f"{label}は数字で入力してください(例: 120、45.5)。"},
    )


@dataclass
class Conflict:
    """Both versions: what the other person saved and what this form tried to save."""

    rows: list[tuple[str, object, object]]


@transaction.atomic
def save_targets(*, user, report: Report, data: dict) -> Conflict | None:
    """Save every target of the year, or return the conflict when someone saved first."""
    Target.objects.select_for_update().filter(
        municipality=report.municipality, fiscal_year=report.fiscal_year
    ).exists()
    current = {
        t.code: t
        for t in Target.objects.filter(
            municipality=report.municipality, fiscal_year=report.fiscal_year
        )
    }
    if data["stamp"] != _stamp(report):
        return Conflict(
            [
                (
                    f.label,
                    current[f.code].target if f.code in current else None,
                    data.get(f"target_{f.code}"),
                )
                for f in report.figures()
            ]
        )
    changed = []
    for figure in report.figures():
        target, actual = data.get(f"target_{figure.code}"), data.get(f"actual_{figure.code}")
        row = current.get(figure.code)
        if row is None and target is None and actual is None:
            continue
        row = row or Target(
            municipality=report.municipality, fiscal_year=report.fiscal_year, code=figure.code
        )
        if row.pk and (row.target, row.actual) == (target, actual):
            continue
        row.target, row.actual, row.updated_by = target, actual, user
        row.version = (row.version or 0) + 1 if row.pk else 1
        row.save()
        changed.append(figure.code)
    audit.log(user, "update", "reports.target", fiscal_year=report.fiscal_year, codes=changed)
    return None
