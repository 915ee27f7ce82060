"""年度実績: the 参加支援 (第2号) and アウトリーチ (第4号) sections, recounted from seeded rows
in and out of the 年度, on the page and in the files, small counts hidden when published."""

import csv
import datetime
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.municipality.models import Area, AreaLevel
from tsunagu.outreach.models import (
    AgeBand,
    ContactAttempt,
    OutreachEvent,
    OutreachRecord,
    Route,
)
from tsunagu.outreach.models import Sex as OutreachSex
from tsunagu.participation.models import (
    HostProfile,
    InterruptionReason,
    Offer,
    OfferKind,
    ParticipationEvent,
    ParticipationRecord,
    Placement,
    Source,
)
from tsunagu.people.models import Person
from tsunagu.reports import present
from tsunagu.reports.indicators import MONTHS, build_report
from tsunagu.resources.models import Organization, OrganizationKind

FY = 2025  # 令和7年度: 2025-04-01 .. 2026-03-31
START, END = datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
d = datetime.date


def in_year(day) -> bool:
    return day is not None and START <= day <= END


def months(days) -> list[int]:
    """April … March counts of the days that fall in the year, counted by hand."""
    counted = Counter(day.month for day in days if in_year(day))
    return [counted.get(m, 0) for m in MONTHS]


@pytest.fixture
def statistician(town):
    return make_user("toukei", town.department, Role.STATISTICS, "統計 担当")


@pytest.fixture
def areas(town):
    level = AreaLevel.objects.create(municipality=town.municipality, depth=0, name="地区")
    return {
        name: Area.objects.create(municipality=town.municipality, level=level, name=name)
        for name in ("北地区", "南地区")
    }


@pytest.fixture
def people(town):
    return [
        Person.objects.create(
            municipality=town.municipality,
            family_name=name,
            given_name="太郎",
            registered_by=town.owner_agency,
        )
        for name in ("参加山", "参加川", "参加谷", "参加森")
    ]


@pytest.fixture
def participation(town, areas, people, coordinator):
    """Three hosts (one opened this year, one before, one after), five records of four
    people open at different times, placements and 中断 in and out of the year."""
    m, council = town.municipality, town.coordinating_agency

    def host(name, kind, area, opened_on):
        org = Organization.objects.create(municipality=m, name=name, kind=kind, area=area)
        HostProfile.objects.create(organization=org, agency=council, opened_on=opened_on)
        return org

    farm = host("北川ファーム", OrganizationKind.FARM, areas["北地区"], d(2025, 5, 1))
    salon = host("南サロン", OrganizationKind.NPO, areas["南地区"], d(2024, 6, 1))
    shop = host("駅前商店", OrganizationKind.SHOP, None, d(2026, 5, 1))

    def offer(org, kind, title):
        return Offer.objects.create(municipality=m, organization=org, title=title, kind=kind)

    farm_offer = offer(farm, OfferKind.WORK_EXPERIENCE, "野菜の袋詰め")
    salon_offer = offer(salon, OfferKind.PLACE, "お茶出し")
    shop_offer = offer(shop, OfferKind.VOLUNTEER, "店番")

    def record(person, agency, opened_on, closed_on=None, area=None):
        return ParticipationRecord.objects.create(
            municipality=m,
            person=person,
            agency=agency,
            source=Source.CONSULTATION,
            opened_on=opened_on,
            closed_on=closed_on,
            area=area,
        )

    p1, p2, p3, p4 = people
    r1 = record(p1, council, d(2025, 4, 15), area=areas["北地区"])
    r2 = record(p2, council, d(2024, 10, 1), d(2025, 5, 1), area=areas["南地区"])
    r3 = record(p3, council, d(2023, 1, 10), d(2025, 3, 1))  # closed before the year
    r4 = record(p1, town.owner_agency, d(2025, 11, 1))  # the same person again
    r5 = record(p4, council, d(2026, 4, 10))  # opened after the year

    Placement.objects.create(
        record=r1,
        offer=farm_offer,
        proposed_on=d(2025, 4, 20),
        trial_on=d(2025, 5, 1),
        started_on=d(2025, 5, 15),
        settled_on=d(2025, 8, 1),
    )
    Placement.objects.create(
        record=r2, offer=salon_offer, proposed_on=d(2025, 3, 20), ended_on=d(2025, 3, 31)
    )
    Placement.objects.create(
        record=r2,
        offer=salon_offer,
        proposed_on=d(2025, 4, 10),
        started_on=d(2025, 4, 20),
        ended_on=d(2025, 4, 30),
    )
    Placement.objects.create(
        record=r3, offer=farm_offer, proposed_on=d(2024, 5, 1), started_on=d(2024, 6, 1)
    )
    Placement.objects.create(
        record=r4,
        offer=shop_offer,
        proposed_on=d(2025, 11, 5),
        trial_on=d(2025, 11, 20),
        started_on=d(2026, 4, 2),
    )
    Placement.objects.create(record=r5, offer=farm_offer, proposed_on=d(2026, 4, 15))

    def interrupted(rec, on, reason):
        ParticipationEvent.objects.create(
            record=rec,
            from_stage="active",
            to_stage="interrupted",
            by=coordinator,
            at=datetime.datetime.combine(on, datetime.time(10), datetime.UTC),
            on=on,
            interruption_reason=reason,
        )

    interrupted(r2, d(2025, 4, 30), InterruptionReason.HEALTH)
    interrupted(r4, d(2025, 12, 1), "")
    interrupted(r3, d(2024, 12, 1), InterruptionReason.TRAVEL)
    return m


@pytest.fixture
def outreach(town, areas, coordinator):
    """Outreach records found in, before and after the year, with attempts and moves."""
    m = town.municipality

    def found(route, informed_on, area=None, age="", sex="", **dates):
        return OutreachRecord.objects.create(
            municipality=m,
            agency=town.owner_agency,
            route=route,
            informant="民生委員",
            informed_on=informed_on,
            description="把握した内容",
            urgency="medium",
            area=area,
            age_band=age,
            sex=sex,
            last_activity_on=informed_on,
            created_by=coordinator,
            **dates,
        )

    a = found(
        Route.COMMISSIONER,
        d(2025, 5, 1),
        areas["北地区"],
        AgeBand.FIFTIES,
        OutreachSex.MALE,
        first_contact_on=d(2025, 5, 21),
        consented_on=d(2025, 7, 1),
        handed_off_on=d(2025, 7, 10),
    )
    b = found(
        Route.NEIGHBOUR,
        d(2025, 6, 3),
        areas["南地区"],
        AgeBand.FORTIES,
        first_contact_on=d(2025, 6, 13),
    )
    c = found(Route.COMMISSIONER, d(2026, 1, 15), closed_on=d(2026, 3, 1))
    old = found(
        Route.ARREARS,
        d(2025, 2, 1),
        areas["北地区"],
        first_contact_on=d(2025, 4, 11),  # contact in the year, found before it
        closed_on=d(2025, 4, 30),
    )
    found(Route.FAMILY, d(2026, 4, 3))  # after the year
    for day in (d(2025, 9, 1), d(2025, 9, 2)):  # told by 民生委員, not reached yet
        found(Route.COMMISSIONER, day)

    def tried(record, day, means):
        ContactAttempt.objects.create(
            record=record,
            date=day,
            means=means,
            staff="訪問 花子",
            result="absent",
            recorded_by=coordinator,
        )

    for record, day, means in [
        (a, d(2025, 5, 10), "visit"),
        (a, d(2025, 5, 21), "visit"),
        (a, d(2025, 6, 5), "accompany"),
        (b, d(2025, 6, 13), "visit"),
        (c, d(2026, 2, 1), "phone"),
        (old, d(2025, 3, 1), "visit"),  # before the year
        (old, d(2025, 4, 11), "visit"),
    ]:
        tried(record, day, means)

    def moved(record, to, on):
        OutreachEvent.objects.create(
            record=record,
            to_stage=to,
            on=on,
            by=coordinator,
            at=datetime.datetime.combine(on, datetime.time(10), datetime.UTC),
        )

    for record, stages in [
        (a, ["found", "trying", "contacted", "rapport", "consented", "handed_off"]),
        (b, ["found", "trying", "contacted"]),
        (c, ["found", "closed"]),
        (old, ["found", "trying", "contacted", "closed"]),
    ]:
        for stage in stages:
            moved(record, stage, record.informed_on)
    return m


def _rows(figure, dimension):
    return {r.label: r.value for r in figure.breakdowns[dimension]}


def test_participation_figures_recount_from_the_rows(participation):
    report = build_report(participation, FY)
    section = next(s for s in report.sections if s.code == "participation")
    figure = report.figure
    records = list(ParticipationRecord.objects.select_related("agency", "area"))
    open_in_year = [
        r for r in records if r.opened_on <= END and (r.closed_on is None or r.closed_on >= START)
    ]
    assert figure("participation_persons").value == len({r.person_id for r in open_in_year}) == 2
    assert _rows(figure("participation_persons"), "担当機関") == {
        agency.name: len({r.person_id for r in open_in_year if r.agency == agency})
        for agency in {r.agency for r in open_in_year}
    }

    placements = list(Placement.objects.select_related("offer__organization"))
    proposed = [p for p in placements if in_year(p.proposed_on)]
    started = [p for p in placements if in_year(p.started_on)]
    assert figure("participation_matchings").value == len(proposed) == 3
    assert figure("participation_matchings").monthly == months(p.proposed_on for p in placements)
    assert _rows(figure("participation_matchings"), "活動の種類") == Counter(
        p.offer.get_kind_display() for p in proposed
    )
    assert _rows(figure("participation_matchings"), "受入先の種別") == Counter(
        p.offer.organization.get_kind_display() for p in proposed
    )
    assert figure("participation_trials").value == sum(in_year(p.trial_on) for p in placements)
    assert figure("participation_starts").value == len(started) == 2
    assert figure("participation_starts").monthly == months(p.started_on for p in placements)
    assert figure("participation_settled").value == sum(in_year(p.settled_on) for p in placements)
    settled = sum(1 for p in started if p.settled_on)
    assert figure("participation_settle_rate").value == round(100 * settled / len(started), 1)

    stops = [e for e in ParticipationEvent.objects.all() if in_year(e.on)]
    assert figure("participation_interruptions").value == len(stops) == 2
    assert figure("participation_interruptions").monthly == months(e.on for e in stops)
    assert _rows(figure("participation_interruptions"), "中断の理由") == {
        "本人の体調": 1,
        "未記入": 1,
    }

    hosts = list(HostProfile.objects.select_related("organization"))
    with_offers = {o.organization_id for o in Offer.objects.filter(active=True)}
    active = [
        h
        for h in hosts
        if h.accepting
        and h.organization_id in with_offers
        and (h.opened_on is None or h.opened_on <= END)
    ]
    assert figure("participation_hosts_active").value == len(active) == 2
    assert figure("participation_hosts_new").value == sum(in_year(h.opened_on) for h in hosts) == 1
    assert [f.code for f in section.figures][:2] == [
        "participation_persons",
        "participation_matchings",
    ]


def test_outreach_figures_recount_from_the_rows(outreach):
    report = build_report(outreach, FY)
    figure = report.figure
    records = list(OutreachRecord.objects.select_related("area"))
    cohort = [r for r in records if in_year(r.informed_on)]
    assert figure("outreach_found").value == len(cohort) == 5
    assert figure("outreach_found").monthly == months(r.informed_on for r in records)
    assert _rows(figure("outreach_found"), "経路") == {
        label: sum(1 for r in cohort if r.route == value) for value, label in Route.choices
    }
    assert _rows(figure("outreach_found"), "圏域") == Counter(
        r.area.name if r.area else "圏域未設定" for r in cohort
    )
    assert _rows(figure("outreach_found"), "年代") == Counter(
        r.get_age_band_display() for r in cohort
    )
    assert _rows(figure("outreach_found"), "性別") == Counter(r.get_sex_display() for r in cohort)

    attempts = [a for a in ContactAttempt.objects.all() if in_year(a.date)]
    assert figure("outreach_visits").value == sum(a.means == "visit" for a in attempts) == 4
    assert figure("outreach_visits").monthly == months(
        a.date for a in attempts if a.means == "visit"
    )
    assert figure("outreach_accompanied").value == sum(a.means == "accompany" for a in attempts)

    cohort_ids = {r.pk for r in cohort}
    reached = {
        stage: len({e.record_id for e in OutreachEvent.objects.filter(to_stage=stage)} & cohort_ids)
        for stage in ("found", "trying", "contacted", "rapport", "consented")
    }
    assert figure("outreach_consented").value == reached["consented"] == 1
    assert {
        r.code: r.value for r in figure("outreach_consented").breakdowns["到達した段階"]
    } == reached
    assert figure("outreach_handed_off").value == sum(in_year(r.handed_off_on) for r in records)
    assert figure("outreach_closed").value == sum(in_year(r.closed_on) for r in records) == 2
    contact_days = [
        (r.first_contact_on - r.informed_on).days for r in records if in_year(r.first_contact_on)
    ]
    assert figure("outreach_days_to_first_contact").value == round(
        sum(contact_days) / len(contact_days), 1
    )
    assert figure("outreach_days_to_consent").value == 61.0  # 2025-05-01 → 2025-07-01


def test_the_sections_follow_the_projects_order_and_last_year_is_the_baseline(
    participation, outreach
):
    report = build_report(participation, FY)
    codes = [s.code for s in report.sections]
    assert codes.index("participation") < codes.index("outreach") < codes.index("structure")
    lines = present.lines(report, publish=False)
    matchings = next(
        x for x in lines["participation"] if x.figure.code == "participation_matchings"
    )
    before = [
        p for p in Placement.objects.all() if START.replace(year=2024) <= p.proposed_on < START
    ]
    assert matchings.previous == len(before) == 2  # 令和6年度
    assert matchings.change == 3 - 2


def test_a_town_without_the_data_shows_no_such_section(town):
    codes = [s.code for s in build_report(town.municipality, FY).sections]
    assert "participation" not in codes and "outreach" not in codes


@pytest.mark.parametrize("who", ["statistician", "admin_user"])
def test_the_department_reads_both_sections_on_the_page_and_no_name(
    participation, outreach, people, who, request, client
):
    client.force_login(request.getfixturevalue(who))
    body = client.get("/reports/", {"fy": FY}).content.decode()
    for text in (
        "参加支援事業",
        "マッチング件数",
        "定着率",
        "アウトリーチ等を通じた継続的支援事業",
        "訪問回数(延べ)",
        "マッチング件数(活動の種類別)",
    ):
        assert text in body, text
    for person in people:
        assert person.family_name not in body
    record = ParticipationRecord.objects.first()
    found = OutreachRecord.objects.first()
    for url in (f"/participation/{record.pk}/", f"/outreach/{found.pk}/"):
        assert client.get(url).status_code in (403, 404), url


def test_published_page_hides_small_months_and_draws_no_bar_for_them(
    participation, outreach, statistician, client
):
    client.force_login(statistician)
    page = client.get("/reports/", {"fy": FY, "publish": 1})
    sections = {s["section"].code: s for s in page.context["sections"]}
    visits = next(x for x in sections["outreach"]["lines"] if x.figure.code == "outreach_visits")
    assert visits.text == "4"
    assert visits.months[1] == "3未満"  # May: two visits
    assert "2" not in visits.months
    route = next(x for x in sections["outreach"]["details"] if x["dimension"] == "経路")
    bars = {bar.label: bar for bar in route["chart"].bars}
    assert bars["民生委員・児童委員"].text == "4" and bars["民生委員・児童委員"].width > 0
    assert bars["近隣住民"].text == "3未満" and bars["近隣住民"].width == 0  # length tells
    staff_view = client.get("/reports/", {"fy": FY}).context["sections"]
    unpublished = next(s for s in staff_view if s["section"].code == "outreach")
    assert (
        next(x for x in unpublished["lines"] if x.figure.code == "outreach_visits").months[1] == "2"
    )


def test_excel_csv_and_pdf_carry_both_sections(participation, outreach, statistician, client):
    client.force_login(statistician)
    report = build_report(participation, FY)
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", {"fy": FY}).content))
    totals = {
        row[4]: row[11]
        for row in book["データ"].iter_rows(min_row=2, values_only=True)
        if row[2] in ("participation", "outreach") and row[7] == "total"
    }
    for code in ("participation_matchings", "participation_hosts_active", "outreach_found"):
        assert totals[code] == report.figure(code).value, code
    months_rows = [
        row
        for row in book["データ"].iter_rows(min_row=2, values_only=True)
        if row[4] == "participation_matchings" and row[7] == "month"
    ]
    assert [r[11] for r in months_rows] == report.figure("participation_matchings").monthly
    listed = [row[2] for row in book["指標一覧"].iter_rows(min_row=2, values_only=True)]
    assert "participation_settle_rate" in listed and "outreach_days_to_consent" in listed
    titles = [c.value for c in book["グラフ"]["A"]]
    assert "参加支援事業" in titles and "アウトリーチ等を通じた継続的支援事業" in titles

    published = client.get("/reports/export.csv", {"fy": FY, "publish": 1}).content
    rows = list(csv.DictReader(io.StringIO(published.decode("utf-8-sig"))))
    hosts = next(
        r
        for r in rows
        if r["指標コード"] == "participation_hosts_active" and r["内訳の種類"] == "total"
    )
    assert hosts["値"] == "" and hosts["注記"] == "3未満のため秘匿"  # 2 か所, published
    assert {r["区分コード"] for r in rows} >= {"participation", "outreach"}

    pdf = client.get("/reports/report.pdf", {"fy": FY})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    printed = [section.title for section, _ in pdf.context["sections"]]
    assert "参加支援事業" in printed and "アウトリーチ等を通じた継続的支援事業" in printed
