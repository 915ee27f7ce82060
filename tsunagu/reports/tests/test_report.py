"""年度実績 (issue 19): figures recounted from rows, who sees them, small cells, files."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.coordination.models import Case, Closure, SupportPlan
from tsunagu.intake.models import Channel, Consultation, RecipientTask
from tsunagu.lib.wareki import fiscal_year
from tsunagu.meetings.models import MeetingSession
from tsunagu.municipality.models import Delivery, Programme
from tsunagu.reports import present
from tsunagu.reports.indicators import build_report, year_bounds
from tsunagu.reports.models import Target

TODAY = datetime.date(2026, 4, 1)


@pytest.fixture
def statistician(town):
    return make_user("toukei", town.department, Role.STATISTICS, "統計 担当")


@pytest.fixture
def seeded(town):
    for field, agency in [
        ("介護", town.owner_agency),
        ("障がい", town.partner_agency),
        ("子ども", town.unrelated_agency),
    ]:
        programme = Programme.objects.create(
            municipality=town.municipality, project=1, field=field, name=f"{field}相談"
        )
        Delivery.objects.create(programme=programme, agency=agency)
    call_command(
        "seed_demo",
        profile="testtown",
        scale="small",
        today=TODAY.isoformat(),
        stdout=io.StringIO(),
    )
    return town


def _sql(query: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def test_every_figure_is_recounted_from_the_rows(seeded):
    """Each figure against an independent count written in plain SQL or Python over rows."""
    fy = fiscal_year(TODAY) - 1  # the last full 年度 of the demo data
    report = build_report(seeded.municipality, fy)
    start, end = year_bounds(fy)
    year = [c for c in Consultation.objects.all() if start <= c.received_at < end]
    assert report.figure("consultations").value == len(year) > 0
    assert report.figure("consultation_people").value == len({c.person_id for c in year})
    channels = Counter(c.get_channel_display() for c in year)
    assert {
        r.label: r.value for r in report.figure("consultations").breakdowns["相談経路"]
    } == channels
    tags = Counter(t for c in year for t in c.issue_tags)
    assert {r.label: r.value for r in report.figure("consultations").breakdowns["主訴"]} == tags
    months = Counter(c.received_at.astimezone(datetime.UTC).month for c in year)
    assert sum(report.figure("consultations").monthly) == len(year)
    assert len(months) >= 1
    firsts = {}
    for c in Consultation.objects.order_by("received_at"):
        firsts.setdefault(c.person_id, c.pk)
    new = sum(1 for c in year if firsts[c.person_id] == c.pk)
    assert {r.label: r.value for r in report.figure("consultations").breakdowns["新規・継続"]} == {
        "新規": new,
        "継続": len(year) - new,
    }
    sent = [
        t
        for t in RecipientTask.objects.select_related("referral")
        if start <= t.referral.sent_at < end
    ]
    assert report.figure("referrals").value == len(sent)
    requests = _sql(
        "SELECT count(*) FROM intake_coordinationrequest WHERE requested_at >= %s AND requested_at < %s",
        start,
        end,
    )
    assert report.figure("coordination_requests").value == requests
    assert report.figure("coordination_received").value == requests
    opened = sum(1 for c in Case.objects.all() if start <= c.opened_at < end)
    assert report.figure("cases_opened").value == opened
    plans = [
        p for p in SupportPlan.objects.exclude(approved_at=None) if start <= p.approved_at < end
    ]
    assert report.figure("plans").value == len(plans)
    first, last = datetime.date(fy, 4, 1), datetime.date(fy + 1, 3, 31)
    closures = [c for c in Closure.objects.all() if first <= c.closed_on <= last]
    assert report.figure("closures").value == len(closures)
    held = MeetingSession.objects.filter(status="held", date__range=(first, last))
    meeting_total = sum(
        report.figure(code).value or 0
        for code in ("coordination_meeting_sessions", "confidential_meeting_sessions")
        if report.figure(code)
    )
    assert meeting_total <= held.count()


def test_a_late_edit_shows_in_the_next_report(seeded):
    """Nothing is counted ahead: a consultation corrected after the report was first built
    (another 相談経路, then a 受付日 in another 年度) is counted as it now stands."""
    fy = fiscal_year(TODAY) - 1
    start, end = year_bounds(fy)

    def channels() -> dict:
        figure = build_report(seeded.municipality, fy).figure("consultations")
        assert figure is not None
        return {r.label: r.value for r in figure.breakdowns["相談経路"]} | {"延べ": figure.value}

    before = channels()
    late = Consultation.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        channel=Channel.OTHER
    )[0]
    old_label = late.get_channel_display()
    Consultation.objects.filter(pk=late.pk).update(channel=Channel.OTHER)
    edited = channels()
    assert edited[old_label] == before[old_label] - 1
    assert edited["その他"] == before.get("その他", 0) + 1
    assert edited["延べ"] == before["延べ"]
    Consultation.objects.filter(pk=late.pk).update(received_at=start - datetime.timedelta(days=1))
    moved = channels()
    assert moved["延べ"] == before["延べ"] - 1
    assert moved.get("その他", 0) == before.get("その他", 0)


def test_statistics_role_sees_figures_and_never_a_record(seeded, statistician, client):
    client.force_login(statistician)
    page = client.get("/reports/?fy=2025")
    assert page.status_code == 200
    body = page.content.decode()
    assert "相談受付件数(延べ)" in body and "<svg" in body
    person = Consultation.objects.first().person
    assert person.family_name not in body  # never a name
    consultation = Consultation.objects.first()
    case = Case.objects.first()
    for url in [
        f"/intake/{consultation.pk}/",
        f"/people/{person.pk}/",
        f"/coordination/{case.pk}/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["owner", "partner", "unrelated", "coordinator"])
def test_casework_roles_do_not_read_the_report(town, who, request, client):
    client.force_login(request.getfixturevalue(who))
    for url in [
        "/reports/",
        "/reports/export.xlsx",
        "/reports/export.csv",
        "/reports/report.pdf",
        "/reports/targets/",
    ]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["admin_user", "auditor"])
def test_admin_and_auditor_read_aggregates(town, who, request, client):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/reports/").status_code == 200


@pytest.mark.parametrize("fy", ["-1", "0", "10000", "²", "2025\x00"])
def test_an_odd_year_is_a_404_not_an_error(town, statistician, client, fy):
    client.force_login(statistician)
    assert client.get("/reports/", {"fy": fy}).status_code == 404


def test_small_counts_are_hidden_only_where_published(town):
    assert present.cell(2, "件", publish=True, threshold=3) == "3未満"
    assert present.cell(0, "件", publish=True, threshold=3) == "0"
    assert present.cell(3, "件", publish=True, threshold=3) == "3"
    assert present.cell(2, "件", publish=False, threshold=3) == "2"
    assert present.cell(45.0, "%", publish=True, threshold=3) == "45.0%"
    town.municipality.settings["report_min_cell"] = 5
    town.municipality.save()
    assert present.min_cell(town.municipality) == 5


def test_the_published_page_and_files_hide_small_counts_and_follow_the_file_rules(
    seeded, statistician, client
):
    client.force_login(statistician)
    fy = fiscal_year(TODAY) - 1
    report = build_report(seeded.municipality, fy)
    small = [
        r
        for f in report.figures()
        for rows in f.breakdowns.values()
        for r in rows
        if r.value in (1, 2)
    ]
    assert small, "the demo data has small cells to hide"
    assert "3未満" in client.get("/reports/", {"fy": fy, "publish": 1}).content.decode()

    published = client.get("/reports/export.csv", {"fy": fy, "publish": 1}).content
    assert published.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.DictReader(io.StringIO(published.decode("utf-8-sig"))))
    hidden = [r for r in rows if r["注記"] == "3未満のため秘匿"]
    assert hidden and all(r["値"] == "" for r in hidden)
    assert all(r["値"] not in ("1", "2") for r in rows if r["単位"] in ("件", "人", "回"))
    cp932 = client.get("/reports/export.csv", {"fy": fy, "encoding": "cp932"}).content
    assert "相談受付件数" in cp932.decode("cp932")

    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", {"fy": fy}).content))
    data = book["データ"]
    header = [c.value for c in data[1]]
    assert header[:2] == ["年度(西暦)", "年度(和暦)"] and "値" in header and "指標コード" in header
    assert not data.merged_cells.ranges
    assert all(
        row[0] == fy and row[1] == "令和7年度"
        for row in data.iter_rows(min_row=2, values_only=True)
    )
    assert book["指標一覧"]["A1"].value == "区分コード"
    assert book["グラフ"]._charts, "native Excel charts on the presentation sheet"

    pdf = client.get("/reports/report.pdf", {"fy": fy})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_targets_are_saved_shown_against_results_and_a_stale_form_sees_both(
    seeded, statistician, client
):
    client.force_login(statistician)
    page = client.get("/reports/targets/", {"fy": 2025})
    stamp = page.context["form"]["stamp"].value()
    saved = client.post(
        "/reports/targets/?fy=2025",
        {"stamp": stamp, "target_consultations": "1000", "actual_trainings": "4"},
    )
    assert saved.status_code == 302
    assert Target.objects.get(code="consultations").target == 1000
    report = client.get("/reports/", {"fy": 2025}).content.decode()
    assert "1000" in report
    stale = client.post("/reports/targets/?fy=2025", {"stamp": stamp, "target_consultations": "5"})
    assert stale.status_code == 200
    assert "別の人が目標値を保存しました" in stale.content.decode()
    assert Target.objects.get(code="consultations").target == 1000


def test_targets_refuse_bad_numbers_and_the_auditor(town, statistician, auditor, client):
    client.force_login(statistician)
    stamp = client.get("/reports/targets/").context["form"]["stamp"].value()
    bad = client.post("/reports/targets/", {"stamp": stamp, "target_consultations": "abc"})
    assert "数字で入力してください" in bad.content.decode()
    assert not Target.objects.exists()
    client.force_login(auditor)
    assert client.get("/reports/targets/").status_code == 403


def test_home_shows_the_years_headline_figures_to_the_department(town, statistician, owner, client):
    client.force_login(statistician)
    assert "の実績(主な指標)" in client.get("/").content.decode()
    client.force_login(owner)
    assert "の実績(主な指標)" not in client.get("/").content.decode()


def test_viewing_and_exporting_are_audited(town, statistician, client):
    from tsunagu.access.models import AuditEvent

    client.force_login(statistician)
    client.get("/reports/")
    client.get("/reports/export.csv")
    actions = list(AuditEvent.objects.filter(user=statistician).values_list("action", flat=True))
    assert "view" in actions and "export" in actions
