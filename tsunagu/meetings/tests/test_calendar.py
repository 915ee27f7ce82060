"""Finding meetings: the list, the upcoming view and the month calendar (issue 15, item 6).

Sessions are named by their body and 回次・件名, or body and date — never 「件名なし」; only
sessions the policy shows the user appear; a bad ``?month`` is a message, never a 500."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST
from tsunagu.access.models import AuditEvent
from tsunagu.meetings.models import MeetingSession
from tsunagu.municipality.models import MeetingBody

from .conftest import new_session

PLANNED = MeetingSession.Status.PLANNED
D = datetime.date


def _cell(html: str, text: str) -> str:
    """The calendar cell (<td>…</td>) that holds ``text``."""
    cells = [c for c in re.findall(r"<td\b.*?</td>", html, re.S) if text in c]
    assert len(cells) == 1, f"{text!r} is in {len(cells)} cells"
    return cells[0]


def _day(cell: str) -> str:
    found = re.search(r'<span class="day">(.*?)</span>', cell)
    assert found, cell
    return found.group(1)


@pytest.fixture
def unrelated_body(town):
    """A body of the unrelated agency alone: none of its sessions concern the others."""
    b = MeetingBody.objects.create(
        municipality=town.municipality,
        name="子育て支援連絡会",
        functions=["liaison"],
        consent_rule="n/a",
        frequency="毎月",
        convener=town.unrelated_agency,
    )
    b.members.set([town.unrelated_agency])
    return b


@pytest.fixture
def june(coordinator, kobayashi):
    regular, individual = kobayashi["regular"], kobayashi["individual"]
    return {
        "first": new_session(
            coordinator,
            regular,
            date=D(2026, 6, 10),
            status=PLANNED,
            title="第2回",
            start_time=datetime.time(10, 0),
        ),
        "untitled": new_session(coordinator, individual, date=D(2026, 6, 24), status=PLANNED),
        "may": new_session(coordinator, regular, date=D(2026, 5, 13), status=PLANNED),
    }


# --- the month calendar ---------------------------------------------------------------------


def test_calendar_lists_each_session_on_its_day_as_a_link(client, owner, june):
    client.force_login(owner)
    response = client.get(reverse("meetings:calendar"), {"month": "2026-06"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>令和8年6月 (2026)の会議(2件)</caption>" in html
    first = _cell(html, "重層的支援定例会議 第2回")
    assert _day(first) == "10"
    assert "10:00" in first
    assert reverse("meetings:session", args=[june["first"].pk]) in first
    untitled = _cell(html, "重層的支援個別会議 令和8年6月24日 (2026)")
    assert _day(untitled) == "24"
    assert "重層的支援定例会議 令和8年5月13日" not in html  # May 13 is not in June's grid


def test_calendar_weeks_start_on_sunday(client, owner, june):
    client.force_login(owner)
    html = client.get(reverse("meetings:calendar"), {"month": "2026-06"}).content.decode()
    headings = re.findall(r'<th scope="col"[^>]*>(.)</th>', html)
    assert headings == ["日", "月", "火", "水", "木", "金", "土"]
    # 2026-06-01 is a Monday: the grid opens on Sunday 5月31日.
    assert _day(re.findall(r"<td\b.*?</td>", html, re.S)[0]) == "5月31日"


def test_calendar_moves_month_by_month(client, owner, june):
    client.force_login(owner)
    html = client.get(reverse("meetings:calendar"), {"month": "2026-06"}).content.decode()
    assert 'href="?month=2026-05" rel="prev"' in html
    assert 'href="?month=2026-07" rel="next"' in html
    html = client.get(reverse("meetings:calendar"), {"month": "2026-05"}).content.decode()
    assert "令和8年5月 (2026)の会議(1件)" in html
    assert _day(_cell(html, "重層的支援定例会議 令和8年5月13日")) == "13"
    html = client.get(reverse("meetings:calendar"), {"month": "2026-12"}).content.decode()
    assert '?month=2027-01" rel="next"' in html and "令和9年1月 (2027)" in html


def test_calendar_marks_today_and_opens_on_the_current_month(client, owner, kobayashi):
    client.force_login(owner)
    today = timezone.localdate()
    html = client.get(reverse("meetings:calendar")).content.decode()
    assert html.count('aria-current="date"') == 1
    today_cell = _cell(html, 'aria-current="date"')
    assert _day(today_cell) == str(today.day) and "今日" in today_cell
    assert f"{today.year}-{today.month:02d}" in html  # the month field shows this month


@pytest.mark.parametrize(
    "month",
    ["2026-13", "2026-00", "junk", "99999-01", "1800-01", "2026-06-01", "２０２６年１３月", "\x00"],
)
def test_a_bad_month_is_a_message_and_the_current_month(client, owner, kobayashi, month):
    client.force_login(owner)
    response = client.get(reverse("meetings:calendar"), {"month": month})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    this_month = timezone.localdate()
    assert f"{this_month.year}-{this_month.month:02d}" in html


def test_month_typed_in_full_width_or_japanese_is_read(client, owner, june):
    client.force_login(owner)
    for month in ("２０２６－０６", "2026年6月", "2026/6"):
        html = client.get(reverse("meetings:calendar"), {"month": month}).content.decode()
        assert "令和8年6月 (2026)の会議(2件)" in html, month
        assert 'role="alert"' not in html


# --- the upcoming view ------------------------------------------------------------------


def test_upcoming_lists_planned_sessions_from_today_nearest_first(
    client, coordinator, owner, kobayashi
):
    regular, individual = kobayashi["regular"], kobayashi["individual"]
    today = timezone.localdate()
    later = new_session(
        coordinator,
        regular,
        date=today + datetime.timedelta(days=40),
        status=PLANNED,
        title="第5回",
    )
    soon = new_session(
        coordinator, individual, date=today + datetime.timedelta(days=3), status=PLANNED
    )
    today_s = new_session(coordinator, regular, date=today, status=PLANNED, title="本日の回")
    new_session(
        coordinator,
        regular,
        date=today - datetime.timedelta(days=2),
        status=PLANNED,
        title="過去の予定",
    )
    new_session(coordinator, regular, date=today - datetime.timedelta(days=9), title="開催済の回")
    new_session(
        coordinator,
        regular,
        date=today + datetime.timedelta(days=5),
        status=MeetingSession.Status.CANCELLED,
        title="中止の回",
    )
    client.force_login(owner)
    html = client.get(reverse("meetings:upcoming")).content.decode()
    shown = [later.display_title, soon.display_title, today_s.display_title]
    positions = [html.index(title) for title in shown]
    assert positions[2] < positions[1] < positions[0]  # today, in 3 days, in 40 days
    for gone in ("過去の予定", "開催済の回", "中止の回"):
        assert gone not in html
    assert "<caption>" in html and '<th scope="col">' in html


# --- never 「件名なし」 ---------------------------------------------------------------------


def test_a_session_without_title_is_named_by_body_and_date_everywhere(client, coordinator, june):
    session = june["untitled"]
    assert session.display_title == "重層的支援個別会議 令和8年6月24日 (2026)"
    assert june["first"].display_title == "重層的支援定例会議 第2回"
    client.force_login(coordinator)
    pages = [
        reverse("meetings:index"),
        reverse("meetings:calendar") + "?month=2026-06",
        reverse("meetings:session", args=[session.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "件名なし" not in html, url
        assert session.display_title in html, url
    for template in ("meetings/pdf/agenda.html", "meetings/pdf/minutes.html"):
        html = render_to_string(
            template, {"session": session, "items": [], "attendances": [], "minutes": None}
        )
        assert "件名なし" not in html
        assert session.display_title in html


def test_a_title_naming_its_body_is_not_doubled(coordinator, kobayashi):
    session = new_session(
        coordinator,
        kobayashi["regular"],
        date=D(2026, 6, 1),
        status=PLANNED,
        title="令和8年度第1回重層的支援定例会議",
    )
    assert session.display_title == "令和8年度第1回重層的支援定例会議"


# --- who sees which sessions ----------------------------------------------------------------


@pytest.fixture
def unrelated_sessions(unrelated, unrelated_body):
    today = timezone.localdate()
    return [
        new_session(
            unrelated, unrelated_body, date=D(2026, 6, 10), status=PLANNED, title="内部の回"
        ),
        new_session(
            unrelated,
            unrelated_body,
            date=today + datetime.timedelta(days=1),
            status=PLANNED,
            title="内部の次回",
        ),
    ]


def test_an_unrelated_agencys_sessions_never_appear(client, owner, june, unrelated_sessions):
    client.force_login(owner)
    for url in (
        reverse("meetings:calendar") + "?month=2026-06",
        reverse("meetings:calendar"),
        reverse("meetings:upcoming"),
        reverse("meetings:index"),
    ):
        html = client.get(url).content.decode()
        assert "子育て支援連絡会" not in html, url
        assert "内部の" not in html, url


def test_the_unrelated_agency_sees_only_its_own_sessions(
    client, unrelated, june, unrelated_sessions
):
    client.force_login(unrelated)
    html = client.get(reverse("meetings:calendar"), {"month": "2026-06"}).content.decode()
    assert "子育て支援連絡会 内部の回" in html
    assert "重層的支援定例会議" not in html and "重層的支援個別会議" not in html
    html = client.get(reverse("meetings:upcoming")).content.decode()
    assert "子育て支援連絡会 内部の次回" in html


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
def test_admin_and_auditor_see_no_sessions(client, request, who, june):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("meetings:calendar") + "?month=2026-06", reverse("meetings:upcoming")):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "重層的支援定例会議" not in html and "重層的支援個別会議" not in html, url


def test_anonymous_is_sent_to_login(client):
    for name in ("meetings:calendar", "meetings:upcoming"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_calendar_and_upcoming_are_audited_lists(client, owner, june):
    client.force_login(owner)
    client.get(reverse("meetings:calendar"), {"month": "2026-06"})
    client.get(reverse("meetings:upcoming"))
    events = AuditEvent.objects.filter(user=owner, action="list")
    assert set(events.values_list("purpose", flat=True)) == {"会議カレンダー", "会議の予定"}


def test_calendar_query_count_does_not_grow_with_sessions(
    client, coordinator, kobayashi, django_assert_max_num_queries
):
    for i in range(40):
        new_session(coordinator, kobayashi["regular"], date=D(2026, 6, 1 + i % 30), status=PLANNED)
    client.force_login(coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("meetings:calendar"), {"month": "2026-06"})
    assert "(40件)" in response.content.decode()
    with django_assert_max_num_queries(15):
        client.get(reverse("meetings:upcoming"))
