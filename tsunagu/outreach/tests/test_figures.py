"""The year's figures, recounted here from the rows, and the team's list page."""

from __future__ import annotations

import datetime
import statistics

import pytest

from tsunagu.lib.wareki import fiscal_year, fiscal_year_range
from tsunagu.outreach import actions
from tsunagu.outreach.figures import figures, records_for
from tsunagu.outreach.models import ContactAttempt, OutreachEvent, OutreachRecord, Route
from tsunagu.outreach.transitions import move

from .conftest import attempt, clock_at, days_ago, record_data, walk_to_consent

pytestmark = pytest.mark.django_db

# The fixture's year is pinned: its 70 days end on BASE and all fall in 令和7年度, whatever
# day the tests run (the clock reads BASE while it is built; BASE is in the past).
BASE = datetime.date(2025, 9, 30)
FY = 2025


def before(n: int) -> datetime.date:
    return days_ago(n, BASE)


@pytest.fixture
def year_of_work(outreach_town, worker, areas):
    """Five records on different routes and stages, in two areas, from 70 days before BASE."""
    made = []
    with clock_at(BASE):
        for i, (route, area) in enumerate(
            [
                (Route.COMMISSIONER, "north"),
                (Route.NEIGHBOUR, "north"),
                (Route.ARREARS, "south"),
                (Route.COMMISSIONER, "south"),
                (Route.FAMILY, None),
            ]
        ):
            made.append(
                actions.register_record(
                    user=worker,
                    data=record_data(
                        outreach_town,
                        worker=worker,
                        route=route,
                        area=areas[area] if area else None,
                        informed_on=before(70 - i),
                    ),
                )
            )
        walk_to_consent(made[0], worker, outreach_town, base=BASE)
        actions.hand_off(user=worker, record=made[0], kind="consultation")  # on BASE
        attempt(worker, made[1], day=before(30), means="accompany", result="met")
        move(record=made[1], actor=worker, to="contacted", on=before(29))
        attempt(worker, made[2], day=before(25), means="letter")
        move(record=made[2], actor=worker, to="closed", on=before(3), reason="転居")
        attempt(worker, made[3], day=before(5), means="visit", result="refused")
    return made


def recount(records, year):
    """The same figures, counted by hand from the rows."""
    start, end = fiscal_year_range(year)
    ids = set(records.values_list("pk", flat=True))
    rows = [r for r in OutreachRecord.objects.filter(pk__in=ids)]
    cohort = [r for r in rows if start <= r.informed_on <= end]
    attempts = [
        a for a in ContactAttempt.objects.filter(record_id__in=ids) if start <= a.date <= end
    ]
    reached = {}
    for stage in ("found", "trying", "contacted", "rapport", "consented"):
        reached[stage] = len(
            {
                e.record_id
                for e in OutreachEvent.objects.filter(to_stage=stage)
                if e.record_id in {r.pk for r in cohort}
            }
        )
    contact_days = [
        (r.first_contact_on - r.informed_on).days
        for r in rows
        if r.first_contact_on and start <= r.first_contact_on <= end
    ]
    return {
        "total": len(cohort),
        "commissioner": sum(1 for r in cohort if r.route == Route.COMMISSIONER),
        "visits": sum(1 for a in attempts if a.means == "visit"),
        "accompanied": sum(1 for a in attempts if a.means == "accompany"),
        "handed_off": sum(1 for r in rows if r.handed_off_on and start <= r.handed_off_on <= end),
        "closed": sum(1 for r in rows if r.closed_on and start <= r.closed_on <= end),
        "reached": reached,
        "contact_median": statistics.median(contact_days) if contact_days else None,
    }


@pytest.mark.parametrize("scope", ["all", "agency", "north"])
def test_figures_match_a_recount_from_the_rows(outreach_town, areas, year_of_work, scope):
    year = FY
    kwargs = {
        "all": {},
        "agency": {"agency": outreach_town.owner_agency},
        "north": {"area": areas["north"]},
    }[scope]
    records = records_for(outreach_town.municipality, **kwargs)
    counted = figures(records, fiscal_year=year)
    expected = recount(records, year)
    assert counted.found_total == expected["total"]
    assert dict(counted.found_by_route)["民生委員・児童委員"] == expected["commissioner"]
    assert counted.visits == expected["visits"]
    assert counted.accompanied == expected["accompanied"]
    assert counted.handed_off == expected["handed_off"]
    assert counted.closed == expected["closed"]
    labels = {
        "把握": "found",
        "接触試行": "trying",
        "接触": "contacted",
        "関係構築": "rapport",
        "同意": "consented",
    }
    assert {labels[k]: v for k, v in counted.reached} == expected["reached"]
    assert counted.days_to_first_contact.median == expected["contact_median"]


def test_figures_for_the_whole_town_in_numbers(outreach_town, year_of_work):
    """The fixture's year, spelled out; the years either side count none of it."""
    assert fiscal_year(before(70)) == fiscal_year(BASE) == FY
    for other in (FY - 1, FY + 1):
        assert figures(records_for(outreach_town.municipality), fiscal_year=other).found_total == 0
    counted = figures(records_for(outreach_town.municipality), fiscal_year=FY)
    assert counted.found_total == 5
    assert dict(counted.found_by_route)["民生委員・児童委員"] == 2
    assert counted.visits == 4  # three on the consented record, one refused
    assert counted.accompanied == 1
    assert counted.handed_off == 1 and counted.closed == 1
    assert dict(counted.reached)["接触"] == 2 and dict(counted.reached)["同意"] == 1


def test_area_scope_includes_sub_areas(outreach_town, areas, year_of_work):
    whole = figures(records_for(outreach_town.municipality, area=areas["top"]), fiscal_year=FY)
    assert whole.found_total == 4  # the one without an area is not under any area


def test_figures_page_for_the_team(client, year_of_work, worker):
    client.force_login(worker)
    page = client.get("/outreach/figures/").content.decode()
    assert "訪問回数(延べ)" in page and "同行支援回数" in page
    for bad in ("abc", "99999999999999999999999", "-5", "\x00"):
        assert client.get("/outreach/figures/", {"year": bad}).status_code == 200


def test_team_list_shows_stages_overdue_and_areas_in_few_queries(
    client, year_of_work, worker, django_assert_max_num_queries
):
    attempt(worker, year_of_work[3], day=days_ago(4), next_step="再訪問", next_due=days_ago(1))
    client.force_login(worker)
    with django_assert_max_num_queries(18):
        page = client.get("/outreach/").content.decode()
    assert "期日超過" in page and "北地区: " in page and "南地区: " in page
    filtered = client.get("/outreach/", {"stage": "contacted"}).content.decode()
    assert "北地区・50代・男性" in filtered
    all_rows = client.get("/outreach/", {"state": "all", "stage": "zzz", "page": "x"})
    assert all_rows.status_code == 200


def test_list_query_count_does_not_grow_with_rows(
    client, outreach_town, worker, django_assert_max_num_queries
):
    for i in range(30):
        actions.register_record(
            user=worker, data=record_data(outreach_town, worker=worker, informed_on=days_ago(i))
        )
    client.force_login(worker)
    with django_assert_max_num_queries(18):
        assert client.get("/outreach/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/intake/inbox/").status_code == 200
