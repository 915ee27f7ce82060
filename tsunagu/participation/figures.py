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
hosts by their 圏域). The team's page calls ``figures``, ``by_agency`` and ``by_area``;
``report_section`` is the 参加支援 section of the 年度実績 (reports.indicators), counted by
``figures`` with months and breakdowns (活動の種類, 受入先の種別, 中断の理由, 担当機関,
希望の圏域) from the same rows; aggregates only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from tsunagu.lib.wareki import fiscal_year_range
from tsunagu.municipality.models import Agency, Area
from tsunagu.reports.indicators import Detail, Figure, Row, Section
from tsunagu.resources.models import OrganizationKind

from .models import (
    HostProfile,
    InterruptionReason,
    Offer,
    OfferKind,
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


@dataclass
class YearRows:
    """The rows each figure counts, for one 年度 and scope (querysets, not yet run)."""

    start: datetime.date
    end: datetime.date
    records: QuerySet  # the scope's records, any year
    hosts: QuerySet  # the scope's hosts, any year
    placements: QuerySet  # placements of the scope's records, any year
    interrupted: QuerySet  # moves to 中断 in the year

    def open_records(self) -> QuerySet:
        """Records open at some time in the year."""
        return self.records.filter(opened_on__lte=self.end).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=self.start)
        )

    def placements_on(self, date_field: str) -> QuerySet:
        return self.placements.filter(**{f"{date_field}__range": (self.start, self.end)})

    def active_hosts(self) -> QuerySet:
        open_offers = Offer.objects.active().values("organization_id")
        return self.hosts.filter(accepting=True, organization_id__in=open_offers).filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=self.end)
        )

    def new_hosts(self) -> QuerySet:
        return self.hosts.filter(opened_on__range=(self.start, self.end))


def year_rows(
    *, municipality_id: int, fiscal_year: int, agency_id: int | None = None, area=None
) -> YearRows:
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
    return YearRows(
        start=start,
        end=end,
        records=records,
        hosts=hosts,
        placements=Placement.objects.filter(record__in=records),
        interrupted=ParticipationEvent.objects.filter(
            record__in=records, to_stage=Stage.INTERRUPTED, on__range=(start, end)
        ),
    )


def figures(
    *, municipality_id: int, fiscal_year: int, agency_id: int | None = None, area=None
) -> Figures:
    rows = year_rows(
        municipality_id=municipality_id, fiscal_year=fiscal_year, agency_id=agency_id, area=area
    )
    started = rows.placements_on("started_on")
    reasons = dict(InterruptionReason.choices)
    interruptions: dict[str, int] = {}
    for reason, n in (
        rows.interrupted.values_list("interruption_reason")
        .annotate(n=Count("pk"))
        .order_by("interruption_reason")
    ):
        label = reasons.get(reason, "その他")  # a blank reason counts with その他
        interruptions[label] = interruptions.get(label, 0) + n
    return Figures(
        fiscal_year=fiscal_year,
        persons=rows.open_records().values("person_id").distinct().count(),
        matchings=rows.placements_on("proposed_on").count(),
        trials=rows.placements_on("trial_on").count(),
        starts=started.count(),
        settled=rows.placements_on("settled_on").count(),
        started_then_settled=started.filter(settled_on__isnull=False).count(),
        interruptions=interruptions,
        hosts_active=rows.active_hosts().count(),
        hosts_new=rows.new_hosts().count(),
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


# --- the 年度実績 section -------------------------------------------------------------------


def _count_by(qs, key: str, labels: dict, unknown: str, *, count: str = "pk") -> list[Row]:
    """Rows of ``qs`` grouped by ``key``: code, label, count (distinct ``count`` values)."""
    grouped = qs.values(key).annotate(n=Count(count, distinct=True)).order_by(key)
    return [
        Row(str(r[key]) if r[key] else "unknown", labels.get(r[key]) or unknown, r["n"])
        for r in grouped
    ]


def _named_by(qs, key: str, unknown: str, *, count: str = "pk") -> list[Row]:
    """Rows grouped by a foreign key (``key`` + ``_id``), labelled with its ``name``."""
    grouped = (
        qs.values(f"{key}_id", f"{key}__name")
        .annotate(n=Count(count, distinct=True))
        .order_by(f"{key}__name")
    )
    return [
        Row(str(r[f"{key}_id"] or "unknown"), r[f"{key}__name"] or unknown, r["n"]) for r in grouped
    ]


def report_section(municipality, fy: int, detail: Detail) -> Section | None:
    """The 参加支援 section of the 年度実績 (registered in ``ParticipationConfig.ready``),
    or None when the municipality has neither a record nor a host."""
    rows = year_rows(municipality_id=municipality.pk, fiscal_year=fy)
    if not rows.records.exists() and not rows.hosts.exists():
        return None
    f = figures(municipality_id=municipality.pk, fiscal_year=fy)
    kinds, host_kinds = dict(OfferKind.choices), dict(OrganizationKind.choices)
    reasons = dict(InterruptionReason.choices)

    def by_activity(placements) -> dict[str, list[Row]]:
        return {
            "活動の種類": _count_by(placements, "offer__kind", kinds, "その他"),
            "受入先の種別": _count_by(
                placements, "offer__organization__kind", host_kinds, "その他"
            ),
        }

    matched, started = rows.placements_on("proposed_on"), rows.placements_on("started_on")
    active_hosts = rows.active_hosts()
    return Section(
        "participation",
        "参加支援事業",
        [
            Figure(
                "participation_persons",
                "支援対象者数(実人数)",
                "人",
                f.persons,
                None,
                detail.breakdowns(
                    lambda: {
                        "担当機関": _named_by(
                            rows.open_records(), "agency", "?", count="person_id"
                        ),
                        "希望の圏域": _named_by(
                            rows.open_records(), "area", "圏域未設定", count="person_id"
                        ),
                    }
                ),
                note="年度内に支援していた人(開始が年度末まで、終結が年度初め以降)",
            ),
            Figure(
                "participation_matchings",
                "マッチング件数",
                "件",
                f.matchings,
                detail.monthly(matched, "proposed_on"),
                detail.breakdowns(lambda: by_activity(matched)),
            ),
            Figure(
                "participation_trials",
                "体験件数",
                "件",
                f.trials,
                detail.monthly(rows.placements_on("trial_on"), "trial_on"),
            ),
            Figure(
                "participation_starts",
                "参加開始件数",
                "件",
                f.starts,
                detail.monthly(started, "started_on"),
                detail.breakdowns(lambda: by_activity(started)),
            ),
            Figure(
                "participation_settled",
                "定着件数",
                "件",
                f.settled,
                detail.monthly(rows.placements_on("settled_on"), "settled_on"),
            ),
            Figure(
                "participation_settle_rate",
                "定着率",
                "%",
                f.settle_rate,
                note="年度内に参加を始めた件数のうち、定着を記録した割合",
            ),
            Figure(
                "participation_interruptions",
                "中断件数",
                "件",
                f.interruptions_total,
                detail.monthly(rows.interrupted, "on"),
                detail.breakdowns(
                    lambda: {
                        "中断の理由": _count_by(
                            rows.interrupted, "interruption_reason", reasons, "未記入"
                        )
                    }
                ),
            ),
            Figure(
                "participation_hosts_active",
                "受入先数(受入中)",
                "か所",
                f.hosts_active,
                None,
                detail.breakdowns(
                    lambda: {
                        "受入先の種別": _count_by(
                            active_hosts, "organization__kind", host_kinds, "その他"
                        )
                    }
                ),
            ),
            Figure("participation_hosts_new", "新規開拓した受入先数", "か所", f.hosts_new),
        ],
    )
