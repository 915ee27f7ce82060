"""地域づくり (3号) figures of one 年度, from the records (the national indicators).

``year_figures(municipality, year)`` is what the reports app calls:
- 拠点数: resources active at some point in the year (not ended before it), by kind and area
- 開催回数 and 延べ参加者数: sums of the activity records held in the year
- 参加機関・団体数: distinct operators of the resources counted
- 担い手数: helpers registered on those resources (``helpers_count``)
- 不足資源: gaps by stage (now), and those raised in the year
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from tsunagu.lib.wareki import fiscal_year_label, fiscal_year_range
from tsunagu.meetings.models import ResourceGap
from tsunagu.reports.indicators import Figure, Row, Section

from .models import ActivityRecord, Resource, ResourceKind, ResourceStatus


@dataclass(frozen=True)
class YearFigures:
    fiscal_year: int
    label: str
    sites: int
    sites_by_kind: list[tuple[str, int]]
    sites_by_area: list[tuple[str, int]]
    sessions: int
    participants: int
    organizations: int
    helpers: int
    gaps_by_stage: list[tuple[str, int]]
    gaps_raised: int


def counted_resources(municipality, year: int):
    """Resources that count as 拠点 in the year: registered by its end and not ended, or
    ended but with activity recorded in the year."""
    start, end = fiscal_year_range(year)
    held = ActivityRecord.objects.filter(held_on__range=(start, end)).values("resource_id")
    return Resource.objects.filter(municipality=municipality).filter(
        Q(created_at__date__lte=end) & ~Q(status=ResourceStatus.ENDED) | Q(pk__in=held)
    )


def year_figures(municipality, year: int) -> YearFigures:
    start, end = fiscal_year_range(year)
    resources = counted_resources(municipality, year)
    kinds = dict(ResourceKind.choices)
    # One GROUP BY answers 種別, 圏域 and the count (each pass re-evaluates which resources
    # count, a semi-join over the year's activity records).
    kind_counts: Counter = Counter()
    area_counts: Counter = Counter()
    for kind, area_name, n in (
        resources.values_list("kind", "area__name").annotate(n=Count("pk")).order_by()
    ):
        kind_counts[kind] += n
        area_counts[area_name] += n
    by_kind = sorted(kind_counts.items(), key=lambda x: (-x[1], x[0]))
    # ORDER BY area__name puts the resources without an area last among equal counts.
    by_area = sorted(area_counts.items(), key=lambda x: (-x[1], x[0] is None, x[0] or ""))
    activity = ActivityRecord.objects.filter(
        resource__municipality=municipality, held_on__range=(start, end)
    ).aggregate(sessions=Sum("sessions"), participants=Sum("participants"))
    totals = resources.aggregate(
        helpers=Sum("helpers_count"), organizations=Count("operator", distinct=True)
    )
    gaps = ResourceGap.objects.filter(municipality=municipality)
    stage_counts = dict(gaps.values_list("status").annotate(n=Count("pk")))
    return YearFigures(
        fiscal_year=year,
        label=fiscal_year_label(year, with_seireki=True),
        sites=sum(kind_counts.values()),
        sites_by_kind=[(kinds.get(kind, kind), n) for kind, n in by_kind],
        sites_by_area=[(name or "圏域なし", n) for name, n in by_area],
        sessions=activity["sessions"] or 0,
        participants=activity["participants"] or 0,
        organizations=totals["organizations"] or 0,
        helpers=totals["helpers"] or 0,
        gaps_by_stage=[
            (label, stage_counts.get(value, 0)) for value, label in ResourceGap.Status.choices
        ],
        gaps_raised=gaps.filter(created_at__date__gte=start, created_at__date__lte=end).count(),
    )


def report_section(municipality, year: int, detail):
    """The 地域づくり section of the 年度実績 (reports.indicators.SECTION_SOURCES), or None
    when the register is empty."""
    f = year_figures(municipality, year)
    if not f.sites and not any(n for _, n in f.gaps_by_stage):
        return None

    def rows(pairs: list[tuple[str, int]]) -> list[Row]:
        return [Row(label, label, n) for label, n in pairs]

    sites_breakdowns = detail.breakdowns(
        lambda: {"種別": rows(f.sites_by_kind), "圏域": rows(f.sites_by_area)}
    )
    return Section(
        "community",
        "地域づくり",
        [
            Figure(
                "community_sites",
                "拠点数(居場所・通いの場など)",
                "か所",
                f.sites,
                None,
                sites_breakdowns,
            ),
            Figure("community_sessions", "開催回数", "回", f.sessions),
            Figure("community_participants", "延べ参加者数", "人", f.participants),
            Figure("community_organizations", "参加機関・団体数", "団体", f.organizations),
            Figure("community_helpers", "担い手数", "人", f.helpers),
            Figure(
                "community_gaps",
                "不足資源(現在の段階別)",
                "件",
                sum(n for _, n in f.gaps_by_stage),
                None,
                detail.breakdowns(lambda: {"段階": rows(f.gaps_by_stage)}),
            ),
        ],
    )
