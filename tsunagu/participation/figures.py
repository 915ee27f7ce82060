"""参加支援 figures per 年度 (April–March), agency and area, counted from the rows.

The national indicators: 支援対象者数 (実人数), マッチング件数, 体験・参加開始件数, 定着件数
and rate, 中断 with reasons, 協力事業者 (受入先) 数 active and 新規開拓. Definitions:

- 支援対象者数(実): distinct persons with a record open at some time in the year
  (opened on or before its end, not closed before its start);
- マッチング件数: placements proposed in the year; 体験件数 / 参加開始件数: placements whose
  体験 / 参加 started in the year; 定着件数: placements recorded as 定着 in the year;
- 定着率: of the placements started in the year, the share recorded as 定着 (at any date
  up to now), so it stays within 0–100 % and a year's rate can still rise;
- 中断: moves to 中断 in the year, by reason category;
- 受入先数: hosts accepting people with at least one offer open, registered by the year's
  end; 新規開拓: hosts whose 新規開拓日 falls in the year.

``agency`` narrows persons and placements to records of that agency and hosts to that
agency's hosts; ``area`` to the area and the areas under it (records by their 希望の圏域,
hosts by their 圏域). The reports app calls ``figures``, ``by_agency`` and ``by_area``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from tsunagu.lib.wareki import fiscal_year_range
from tsunagu.municipality.models import Agency, Area

from .models import (
    HostProfile,
    InterruptionReason,
    Offer,
    ParticipationEvent,
    ParticipationRecord,
    Placement,
    Stage,
)


@dataclass
class Figures:
    fiscal_year: int
    persons: int = 0
    matchings: int = 0
    trials: int = 0
    starts: int = 0
    settled: int = 0
    started_then_settled: int = 0
    interruptions: dict[str, int] = field(default_factory=dict)  # label → count
    hosts_active: int = 0
    hosts_new: int = 0

    @property
    def settle_rate(self) -> float | None:
        """定着率 (%), None when nobody started in the year."""
        if not self.starts:
            return None
        return round(100 * self.started_then_settled / self.starts, 1)

    @property
    def interruptions_total(self) -> int:
        return sum(self.interruptions.values())


def figures(
    *, municipality_id: int, fiscal_year: int, agency_id: int | None = None, area=None
) -> Figures:
    start, end = fiscal_year_range(fiscal_year)
    records = ParticipationRecord.objects.filter(municipality_id=municipality_id)
    hosts = HostProfile.objects.filter(organization__municipality_id=municipality_id)
    if agency_id is not None:
        records = records.filter(agency_id=agency_id)
        hosts = hosts.filter(agency_id=agency_id)
    if area is not None:
        under = area.descendant_ids()
        records = records.filter(area_id__in=under)
        hosts = hosts.filter(organization__area_id__in=under)
    placements = Placement.objects.filter(record__in=records)
    started = placements.filter(started_on__range=(start, end))
    interrupted = ParticipationEvent.objects.filter(
        record__in=records, to_stage=Stage.INTERRUPTED, on__range=(start, end)
    )
    reasons = dict(InterruptionReason.choices)
    open_offers = Offer.objects.active().values("organization_id")
    return Figures(
        fiscal_year=fiscal_year,
        persons=records.filter(opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .values("person_id")
        .distinct()
        .count(),
        matchings=placements.filter(proposed_on__range=(start, end)).count(),
        trials=placements.filter(trial_on__range=(start, end)).count(),
        starts=started.count(),
        settled=placements.filter(settled_on__range=(start, end)).count(),
        started_then_settled=started.filter(settled_on__isnull=False).count(),
        interruptions={
            reasons.get(reason, "その他"): n
            for reason, n in interrupted.values("interruption_reason")
            .annotate(n=Count("pk"))
            .values_list("interruption_reason", "n")
            .order_by("interruption_reason")
        },
        hosts_active=hosts.filter(accepting=True, organization_id__in=open_offers)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end))
        .count(),
        hosts_new=hosts.filter(opened_on__range=(start, end)).count(),
    )


def by_agency(*, municipality_id: int, fiscal_year: int) -> list[tuple[Agency, Figures]]:
    """One row per agency holding records or hosts in the municipality."""
    ids = set(
        ParticipationRecord.objects.filter(municipality_id=municipality_id).values_list(
            "agency_id", flat=True
        )
    ) | set(
        HostProfile.objects.filter(organization__municipality_id=municipality_id).values_list(
            "agency_id", flat=True
        )
    )
    return [
        (
            agency,
            figures(municipality_id=municipality_id, fiscal_year=fiscal_year, agency_id=agency.pk),
        )
        for agency in Agency.objects.filter(pk__in=ids).order_by("name")
    ]


def by_area(
    *, municipality_id: int, fiscal_year: int, depth: int = 0
) -> list[tuple[Area, Figures]]:
    """One row per area of one layer of the 圏域 tree (children counted in their parent)."""
    areas = Area.objects.filter(municipality_id=municipality_id, level__depth=depth)
    return [
        (area, figures(municipality_id=municipality_id, fiscal_year=fiscal_year, area=area))
        for area in areas
    ]
