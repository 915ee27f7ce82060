"""年度実績: the figures a municipality reports to its review body, computed from records.

Every figure is counted live from the rows of one 年度 (April–March, JST) with aggregate
queries — nothing is stored ahead, so a late edit shows the next time the report is opened.
A figure carries its total, its 12 months where counting by month makes sense, and its
breakdowns (分野, 相談経路, 主訴, 機関, 圏域, 年代, 性別 …). Nothing here returns a name or a
record: only counts, and the report is read through ``policy.can_read_reports``.

Cost (issue 19 item 5, BENCHMARKS.md 年度実績): the report stays live — no cache, no table
counted ahead — and is kept within 2 s at 1,000,000 consultations by reading each table as
few times as possible: one GROUP BY answers several breakdowns at once (months × 相談経路 ×
受付機関; 年代 × 性別 × 圏域), and the consultation counts run index-only on
``consultation_report_year`` (the year's rows are spread over the whole table, so reading
them from the heap reads every page).

Sections for 参加支援, アウトリーチ and 地域づくり come from those apps' ``figures`` modules
(``report_section``, appended to ``SECTION_SOURCES`` in each app's ``AppConfig.ready``) and
appear when their data exists.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination.models import (
    Assessment,
    CaseEvent,
    CaseMember,
    Closure,
    ClosureReason,
    Stage,
    SupportPlan,
)
from tsunagu.coordination.models import Case as CaseRecord
from tsunagu.intake.models import (
    LOOP_CLOSED,
    Channel,
    Consultation,
    CoordinationRequest,
    Outcome,
    RecipientTask,
    TaskStatus,
)
from tsunagu.lib.wareki import fiscal_year_range
from tsunagu.meetings.frequency import expected_per_year
from tsunagu.meetings.models import AgendaItem, Decision, MeetingSession
from tsunagu.municipality.areas import address_area_case
from tsunagu.municipality.models import Agency, Delivery, MeetingFunction, Municipality
from tsunagu.people.models import Sex

JST = ZoneInfo("Asia/Tokyo")
MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
AGE_BANDS = [(18, "18歳未満"), (40, "18〜39歳"), (65, "40〜64歳"), (75, "65〜74歳")]
AGE_OLDEST, AGE_UNKNOWN = "75歳以上", "年齢不明"


@dataclass
class Row:
    code: str  # a stable code for machine-readable exports (L2-04)
    label: str
    value: float | int | None


@dataclass
class Figure:
    code: str
    label: str
    unit: str  # 件, 人, 回, %, 日, 機関
    value: float | int | None
    monthly: list[int] | None = None  # April … March
    breakdowns: dict[str, list[Row]] = field(default_factory=dict)
    expected: int | None = None  # what the plan sets (e.g. sessions per year)
    note: str = ""
    manual: bool = False  # entered by the 主管課 (no record to count from)


@dataclass
class Section:
    code: str
    title: str
    figures: list[Figure]


@dataclass
class Report:
    municipality: Municipality
    fiscal_year: int
    sections: list[Section]

    def figure(self, code: str) -> Figure | None:
        return next((f for s in self.sections for f in s.figures if f.code == code), None)

    def figures(self) -> Iterable[Figure]:
        return (f for s in self.sections for f in s.figures)


def year_bounds(fy: int) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = fiscal_year_range(fy)
    return (
        datetime.datetime.combine(start, datetime.time(), JST),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), JST),
    )


class Detail:
    """Whether breakdowns and months are counted (the trend across years needs totals only)."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def monthly(self, qs, field_name: str) -> list[int] | None:
        return _monthly(qs, field_name) if self.on else None

    def breakdowns(self, make: Callable[[], dict[str, list[Row]]]) -> dict[str, list[Row]]:
        return make() if self.on else {}


def _monthly(qs, field_name: str) -> list[int]:
    # A date (a meeting's 開催日) has no time zone; only moments are read in JST.
    field = qs.query.resolve_ref(field_name, allow_joins=True).output_field
    month = TruncMonth(field_name, tzinfo=JST if isinstance(field, DateTimeField) else None)
    counts = {
        row["month"].month: row["n"]
        for row in qs.annotate(month=month).values("month").annotate(n=Count("pk")).order_by()
        if row["month"] is not None
    }
    return [counts.get(m, 0) for m in MONTHS]


def _rows(pairs: Iterable[tuple[str, str, int]]) -> list[Row]:
    return [Row(code, label, value) for code, label, value in pairs]


def _grouped(qs, key: str, labels: dict | None = None) -> list[Row]:
    rows = qs.values(key).annotate(n=Count("pk")).order_by(key)
    return _rows((str(r[key]), (labels or {}).get(r[key], str(r[key])), r["n"]) for r in rows)


def _age_band(fy: int):
    """年代 at 1 April of the year, as a SQL CASE on the person's birth date."""
    april = datetime.date(fy, 4, 1)
    whens = [
        When(person__birth_date__gt=april.replace(year=fy - years), then=Value(label))
        for years, label in AGE_BANDS
    ]
    return Case(
        When(person__birth_date__isnull=True, then=Value(AGE_UNKNOWN)),
        *whens,
        default=Value(AGE_OLDEST),
        output_field=CharField(),
    )


def _area_of_address(municipality: Municipality):
    """圏域 of the person's address, by the one placing rule (municipality.areas), in SQL."""
    return address_area_case(municipality, "person__address", default="圏域不明")


def agency_fields(municipality: Municipality) -> dict[int, str]:
    """分野 of each agency: the field of the 1号 programme it delivers (first by order)."""
    fields: dict[int, str] = {}
    deliveries = Delivery.objects.filter(
        programme__municipality=municipality, programme__project=1, agency__isnull=False
    ).order_by("programme__order", "order")
    for agency_id, field_name in deliveries.values_list("agency_id", "programme__field"):
        fields.setdefault(agency_id, field_name or "その他")
    return fields


def _by_field(by_agency: dict[int, int], fields: dict[int, str]) -> list[Row]:
    totals: Counter = Counter()
    for agency_id, n in by_agency.items():
        totals[fields.get(agency_id, "その他")] += n
    return _rows((f, f, n) for f, n in sorted(totals.items()))


# --- 包括的相談支援 ---------------------------------------------------------------------


def consultation_section(municipality: Municipality, fy: int, detail: Detail) -> Section:
    start, end = year_bounds(fy)
    year = Consultation.objects.filter(
        municipality=municipality, received_at__gte=start, received_at__lt=end
    )
    # One pass for 延べ and 実人数 (an index-only scan of consultation_report_year on
    # PostgreSQL); the breakdowns read the same index once more per dimension group.
    counted = year.aggregate(n=Count("*"), people=Count("person_id", distinct=True))
    total, people = counted["n"], counted["people"]
    tasks = RecipientTask.objects.filter(
        referral__municipality=municipality, referral__sent_at__gte=start, referral__sent_at__lt=end
    )
    task_counts = {
        "n": Count("pk"),
        "closed": Count("pk", filter=Q(status__in=LOOP_CLOSED)),
        "helped": Count("pk", filter=Q(status=TaskStatus.COMPLETED, outcome=Outcome.GOT_HELP)),
    }
    sent: dict[str, int]
    if detail.on:  # the months and the totals from one GROUP BY
        sent = Counter()
        sent_monthly: Counter = Counter()
        by_month = (
            tasks.annotate(month=TruncMonth("referral__sent_at", tzinfo=JST))
            .values("month")
            .annotate(**task_counts)
            .order_by()
        )
        for row in by_month:
            sent_monthly[row["month"].month] += row["n"]
            sent.update({key: row[key] for key in task_counts})
        referrals_monthly = [sent_monthly.get(m, 0) for m in MONTHS]
    else:
        sent, referrals_monthly = tasks.aggregate(**task_counts), None
    requests = CoordinationRequest.objects.filter(
        consultation__municipality=municipality, requested_at__gte=start, requested_at__lt=end
    )
    monthly, breakdowns = (
        _consultation_detail(municipality, fy, year, total) if detail.on else (None, {})
    )
    return Section(
        "consultation",
        "包括的相談支援事業",
        [
            Figure("consultations", "相談受付件数(延べ)", "件", total, monthly, breakdowns),
            Figure("consultation_people", "相談受付の実人数", "人", people),
            Figure(
                "referrals",
                "他機関へのつなぎ件数(つなぐシート)",
                "件",
                sent["n"],
                referrals_monthly,
            ),
            Figure("referral_closed_rate", "つなぎの完結率", "%", _rate(sent["closed"], sent["n"])),
            Figure(
                "referral_helped_rate", "支援につながった率", "%", _rate(sent["helped"], sent["n"])
            ),
            Figure(
                "coordination_requests",
                "多機関協働事業へのつなぎ件数",
                "件",
                requests.count(),
                detail.monthly(requests, "requested_at"),
            ),
        ],
    )


def _consultation_detail(
    municipality: Municipality, fy: int, year, total: int
) -> tuple[list[int], dict[str, list[Row]]]:
    """Months and breakdowns of the year's consultations in four grouped queries: months ×
    相談経路 × 受付機関 (one GROUP BY answers all three), 主訴 (grouped by the tag list, a few
    dozen distinct lists, expanded here), the person's 年代 × 性別 (× 圏域) in one join, and
    新規 (no earlier consultation of the person, an index probe per row)."""
    months: Counter = Counter()
    channels: Counter = Counter()
    by_agency: Counter = Counter()
    grouped = (
        year.annotate(month=TruncMonth("received_at", tzinfo=JST))
        .values_list("month", "channel", "agency_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for month, channel, agency_id, n in grouped:
        months[month.month] += n
        channels[channel] += n
        by_agency[agency_id] += n
    tags: Counter = Counter()
    for tag_list, n in year.values_list("issue_tags").annotate(n=Count("*")).order_by():
        for t in tag_list or []:
            tags[t] += n
    sexes = Case(
        *[When(person__sex=v, then=Value(label)) for v, label in Sex.choices],
        default=Value("未記入"),
        output_field=CharField(),
    )
    area = _area_of_address(municipality)
    person_keys = {"band": _age_band(fy), "sex": sexes}
    if area is not None:
        person_keys["area"] = area
    bands: Counter = Counter()
    by_sex: Counter = Counter()
    areas: Counter = Counter()
    for row in year.annotate(**person_keys).values(*person_keys).annotate(n=Count("*")).order_by():
        bands[row["band"]] += row["n"]
        by_sex[row["sex"]] += row["n"]
        if area is not None:
            areas[row["area"]] += row["n"]
    earlier = Consultation.objects.filter(
        person_id=OuterRef("person_id"), received_at__lt=OuterRef("received_at")
    )
    new = year.filter(~Exists(earlier)).count()
    names = dict(Agency.objects.filter(municipality=municipality).values_list("pk", "name"))
    channel_labels = dict(Channel.choices)
    breakdowns = {
        "新規・継続": _rows([("new", "新規", new), ("continued", "継続", total - new)]),
        "相談経路": _rows((c, channel_labels.get(c, c), n) for c, n in sorted(channels.items())),
        "主訴": _rows((t, t, n) for t, n in sorted(tags.items(), key=lambda x: (-x[1], x[0]))),
        "分野": _by_field(by_agency, agency_fields(municipality)),
        "受付機関": _rows(
            (str(a), names.get(a, "?"), n)
            for a, n in sorted(by_agency.items(), key=lambda x: names.get(x[0], ""))
        ),
        "年代": _rows((b, b, n) for b, n in sorted(bands.items())),
        "性別": _rows((s, s, n) for s, n in sorted(by_sex.items())),
    }
    if area is not None:
        breakdowns["圏域"] = _rows((a, a, n) for a, n in sorted(areas.items()))
    return [months.get(m, 0) for m in MONTHS], breakdowns


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- 多機関協働 -------------------------------------------------------------------------


def coordination_section(municipality: Municipality, fy: int, detail: Detail) -> Section:
    start, end = year_bounds(fy)
    first, last = fiscal_year_range(fy)
    requests = CoordinationRequest.objects.filter(
        consultation__municipality=municipality, requested_at__gte=start, requested_at__lt=end
    )
    cases = CaseRecord.objects.filter(municipality=municipality)
    opened = cases.filter(opened_at__gte=start, opened_at__lt=end)
    plans = SupportPlan.objects.filter(
        case__municipality=municipality, approved_at__gte=start, approved_at__lt=end
    )
    closures = Closure.objects.filter(
        case__municipality=municipality, closed_on__range=(first, last)
    )
    suspended = CaseEvent.objects.filter(
        case__municipality=municipality, to_stage=Stage.SUSPENDED, at__gte=start, at__lt=end
    )
    durations = [
        (closed_on - opened_at.astimezone(JST).date()).days
        for closed_on, opened_at in closures.values_list("closed_on", "case__opened_at")
    ]
    active = cases.filter(opened_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start)
    )
    per_case = (
        CaseMember.objects.filter(case__in=active)
        .values("case_id")
        .annotate(n=Count("agency", distinct=True))
    )
    mean_agencies = per_case.aggregate(mean=Avg("n"))["mean"] if active.exists() else None
    return Section(
        "coordination",
        "多機関協働事業",
        [
            Figure(
                "coordination_received",
                "支援依頼の受付件数",
                "件",
                requests.count(),
                detail.monthly(requests, "requested_at"),
                detail.breakdowns(
                    lambda: {"つなぎ元機関": _grouped(requests, "from_agency__name")}
                ),
            ),
            Figure(
                "cases_opened",
                "支援決定(事例の開始)件数",
                "件",
                opened.count(),
                detail.monthly(opened, "opened_at"),
            ),
            Figure(
                "assessments",
                "アセスメント件数",
                "件",
                Assessment.objects.filter(
                    case__municipality=municipality, assessed_on__range=(first, last)
                ).count(),
            ),
            Figure(
                "plans",
                "プラン作成件数(確定)",
                "件",
                plans.count(),
                detail.monthly(plans, "approved_at"),
                detail.breakdowns(
                    lambda: {
                        "新規・再プラン": _rows(
                            [
                                ("first", "新規", plans.filter(number=1).count()),
                                ("again", "再プラン", plans.filter(number__gt=1).count()),
                            ]
                        )
                    }
                ),
            ),
            Figure(
                "closures",
                "終結件数",
                "件",
                len(durations),
                None,
                detail.breakdowns(
                    lambda: {"終結理由": _grouped(closures, "reason", dict(ClosureReason.choices))}
                ),
            ),
            Figure("suspensions", "中断件数", "件", suspended.count()),
            Figure(
                "handed_to_lead",
                "主担当機関への移行件数",
                "件",
                closures.filter(reason=ClosureReason.HANDED_TO_LEAD).count(),
            ),
            Figure(
                "mean_support_days",
                "平均支援期間(終結事例)",
                "日",
                round(sum(durations) / len(durations), 1) if durations else None,
            ),
            Figure(
                "mean_agencies_per_case",
                "関与機関数(1事例あたり平均)",
                "機関",
                round(mean_agencies, 1) if mean_agencies else None,
            ),
        ],
    )


# --- 会議 -----------------------------------------------------------------------------


def meetings_section(
    municipality: Municipality, fy: int, detail: Detail, function: str, code: str, title: str
) -> Section | None:
    first, last = fiscal_year_range(fy)
    bodies = [
        b
        for b in municipality.meeting_bodies.filter(in_profile=True).order_by("order", "pk")
        if function in b.functions
    ]
    if not bodies:
        return None
    held = MeetingSession.objects.held().filter(body__in=bodies, date__range=(first, last))
    counts = dict(held.values_list("body_id").annotate(n=Count("pk")).order_by())
    expected = [expected_per_year(b.frequency) for b in bodies]
    items = AgendaItem.objects.filter(session__in=held, case__isnull=False)
    decisions = Decision.objects.filter(session__in=held)
    return Section(
        code,
        title,
        [
            Figure(
                f"{code}_sessions",
                "開催回数",
                "回",
                sum(counts.values()),
                detail.monthly(held, "date"),
                detail.breakdowns(
                    lambda: {
                        "会議体": _rows((str(b.pk), b.name, counts.get(b.pk, 0)) for b in bodies)
                    }
                ),
                expected=sum(e for e in expected if e) if any(expected) else None,
                note="計画上の開催頻度: "
                + "、".join(f"{b.name} {b.frequency or '記載なし'}" for b in bodies),
            ),
            Figure(f"{code}_cases", "検討ケース数(延べ)", "件", items.count()),
            Figure(
                f"{code}_plan_approvals",
                "プラン承認件数",
                "件",
                decisions.filter(kind=Decision.Kind.PLAN_APPROVAL).count(),
            ),
            Figure(
                f"{code}_closure_approvals",
                "終結判断件数",
                "件",
                decisions.filter(kind=Decision.Kind.CLOSURE_APPROVAL).count(),
            ),
        ],
    )


# --- 体制 -----------------------------------------------------------------------------

STAFF_ROLES = [Role.COUNSELLOR, Role.COORDINATOR, Role.OUTREACH, Role.PARTICIPATION]


def structure_section(municipality: Municipality, fy: int, detail: Detail) -> Section:
    members = Membership.objects.filter(agency__municipality=municipality, user__is_active=True)
    staff = _rows(
        (role.value, role.label, members.filter(role=role).values("user").distinct().count())
        for role in STAFF_ROLES
    )
    contracted = (
        Delivery.objects.filter(programme__municipality=municipality, operating_form="委託")
        .values("agency_id")
        .distinct()
        .count()
    )
    return Section(
        "structure",
        "体制",
        [
            Figure(
                "staff",
                "支援に当たる職員数(役割別・実人数)",
                "人",
                sum(r.value or 0 for r in staff),
                None,
                detail.breakdowns(lambda: {"役割": staff}),
            ),
            Figure("contracted_agencies", "委託先数", "機関", contracted),
            Figure(
                "trainings",
                "研修回数",
                "回",
                None,
                manual=True,
                note="研修の記録は年度ごとに主管課が入力します",
            ),
        ],
    )


# --- the whole report ------------------------------------------------------------------

SectionSource = Callable[[Municipality, int, Detail], "Section | None"]
SECTION_SOURCES: list[SectionSource] = []  # 参加支援・アウトリーチ・地域づくり register here
# Registered sections in the order of the law's projects (第2号 参加支援, 第3号 地域づくり,
# 第4号 アウトリーチ), whatever order the apps happened to register in; others after them.
SOURCE_ORDER = {"participation": 2, "community": 3, "outreach": 4}


def build_report(municipality: Municipality, fy: int, *, detail: bool = True) -> Report:
    """Every section of one 年度; ``detail=False`` counts totals only (the trend table)."""
    d = Detail(detail)
    sections: list[Section | None] = [
        consultation_section(municipality, fy, d),
        coordination_section(municipality, fy, d),
        meetings_section(
            municipality,
            fy,
            d,
            MeetingFunction.COORDINATION,
            "coordination_meeting",
            "重層的支援会議",
        ),
        meetings_section(
            municipality,
            fy,
            d,
            MeetingFunction.CONFIDENTIAL,
            "confidential_meeting",
            "支援会議(法第106条の6)",
        ),
        *sorted(
            (s for source in SECTION_SOURCES if (s := source(municipality, fy, d)) is not None),
            key=lambda s: SOURCE_ORDER.get(s.code, 99),
        ),
        structure_section(municipality, fy, d),
    ]
    return Report(municipality, fy, [s for s in sections if s is not None])
