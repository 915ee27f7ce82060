"""Registering and editing resources: schedules, coordinators, lock, activity records."""

import datetime

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.resources.figures import year_figures
from tsunagu.resources.models import ActivityRecord, Resource


def _form(areas, **extra):
    data = {
        "name": "すみれ通いの場",
        "kind": "gathering",
        "area": areas["south"].pk,
        "targets": ["elderly", "disabled"],
        "status": "active",
        "helpers_count": "4",
        "s-TOTAL_FORMS": "2",
        "s-INITIAL_FORMS": "0",
        "s-0-weekday": "2",
        "s-0-weeks": "２・4",
        "s-0-opens_at": "10:00",
        "s-0-closes_at": "11:30",
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-0-name": "代表 すみ子",
        "c-0-role": "代表",
    }
    data.update(extra)
    return data


def test_registering_a_resource_with_its_schedule_and_coordinators(
    client, owner, areas, community_programme
):
    client.force_login(owner)
    response = client.post(reverse("resources:new"), _form(areas))
    assert response.status_code == 302
    r = Resource.objects.get(name="すみれ通いの場")
    assert r.targets == "elderly,disabled" and r.created_by == owner
    assert [s.label for s in r.schedules.all()] == ["第2・第4水曜日 10:00〜11:30"]
    assert r.coordinators.get().is_public is False
    assert AuditEvent.objects.filter(object_type="resources.resource", action="create").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("s-0-weeks", "7", "第何週"),
        ("s-0-closes_at", "09:00", "終了"),
        ("name", "サロン\x00", "Null"),
        ("helpers_count", "１２３４５６７８９０１２３４５６７８９０", "担い手"),
        ("area", "999999999999999999999", "圏域"),
    ],
)
def test_bad_input_gets_a_message_not_a_500(
    client, owner, areas, community_programme, field, value, message
):
    client.force_login(owner)
    response = client.post(reverse("resources:new"), _form(areas, **{field: value}))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Resource.objects.filter(name="すみれ通いの場").exists()


def test_concurrent_edit_shows_the_conflict_and_keeps_the_first_save(
    client, coordinator, salon, areas
):
    client.force_login(coordinator)
    url = reverse("resources:edit", args=[salon.pk])
    data = _form(areas, name="ひまわりサロン(改)", version=salon.version)
    assert client.post(url, data).status_code == 302
    response = client.post(url, _form(areas, name="上書き", version=salon.version))
    body = response.content.decode()
    assert "ほかの人が先に保存した" in body and "ひまわりサロン(改)" in body
    salon.refresh_from_db()
    assert salon.name == "ひまわりサロン(改)" and salon.version == 2


def test_activity_records_feed_the_year_figures(client, coordinator, salon, town, internal_cafe):
    client.force_login(coordinator)
    url = reverse("resources:activity_add", args=[salon.pk])
    for day, participants in [("2025-04-07", 12), ("2025-04-14", 9), ("2026-03-31", 10)]:
        assert (
            client.post(
                url,
                {
                    "period": "session",
                    "held_on": day,
                    "participants": participants,
                    "helpers": 3,
                    "sessions": 1,
                },
            ).status_code
            == 302
        )
    client.post(
        url,
        {
            "period": "month",
            "held_on": "2025-05-20",
            "sessions": 4,
            "participants": 40,
            "helpers": 8,
        },
    )
    client.post(
        url,
        {
            "period": "session",
            "held_on": "2026-04-01",
            "participants": 99,
            "helpers": 1,
            "sessions": 1,
        },
    )
    assert ActivityRecord.objects.get(period="month").held_on == datetime.date(2025, 5, 1)
    f = year_figures(town.municipality, 2025)
    assert (f.sessions, f.participants) == (7, 71)
    # the internal cafe was registered after the year (today), with no activity in it
    assert f.sites == 1 and f.organizations == 1 and f.helpers == 6
    assert ("サロン", 1) in f.sites_by_kind and ("北地区", 1) in f.sites_by_area
    assert f.label.startswith("令和7年度")
    page = client.get(reverse("resources:figures"), {"year": "2025"}).content.decode()
    assert "延べ参加者数" in page and "71" in page


def test_future_activity_is_refused(client, coordinator, salon):
    client.force_login(coordinator)
    response = client.post(
        reverse("resources:activity_add", args=[salon.pk]),
        {
            "period": "session",
            "held_on": "2099-01-01",
            "participants": 1,
            "helpers": 0,
            "sessions": 1,
        },
    )
    assert response.status_code == 400 and "未来の日付" in response.content.decode()


def test_organization_edit_is_optimistically_locked(client, coordinator, shakyo):
    client.force_login(coordinator)
    url = reverse("resources:organization_edit", args=[shakyo.pk])
    data = {"name": "社協(新)", "kind": "council", "version": shakyo.version}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "上書き"})
    assert "ほかの人が先に保存した" in response.content.decode()


def test_excel_list_escapes_formulas(client, partner, salon):
    import io

    from openpyxl import load_workbook

    salon.fee = "=HYPERLINK(1)"
    salon.save()
    client.force_login(partner)
    response = client.get(reverse("resources:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in list(sheet.iter_rows())[1]]
    assert "'=HYPERLINK(1)" in values and "ひまわりサロン" in values


def test_booklet_is_a_pdf_of_public_resources(client, partner, salon, areas):
    client.force_login(partner)
    response = client.get(reverse("resources:booklet"), {"area": areas["north"].pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_year_report_shows_the_community_section(salon, town):
    from tsunagu.reports.indicators import build_report

    ActivityRecord.objects.create(
        resource=salon, period="session", held_on=datetime.date(2026, 4, 10), participants=11
    )
    report = build_report(town.municipality, 2026)
    assert report.figure("community_participants").value == 11
    assert report.figure("community_sites").value >= 1
