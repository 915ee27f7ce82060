"""figures.py recounted from the rows: each figure is compared with a plain count."""

import datetime

import pytest

from tsunagu.participation import actions, figures
from tsunagu.participation.models import HostProfile, Placement, Stage
from tsunagu.participation.transitions import move

pytestmark = pytest.mark.django_db

FY = 2026  # 令和8年度: 2026-04-01 .. 2027-03-31
START, END = datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)


@pytest.fixture
def year(record, staff, farm_offer, salon_offer, town, request_accepted, owner, areas):
    """One record settled at the farm, one interrupted after a visit to the salon, and an
    earlier placement proposed before the year."""
    consultation = request_accepted.consultation
    consultation.consent_status = "given"
    consultation.save()
    consultation.consent_agencies.add(town.coordinating_agency)
    other = actions.open_from_consultation(
        consultation=consultation, agency=town.coordinating_agency, by=owner
    )
    on = datetime.date(2026, 5, 10)
    move(
        record=record, to=Stage.MATCHING, by=staff, offer=salon_offer, on=datetime.date(2026, 3, 20)
    )
    move(record=record, to=Stage.MATCHING, by=staff, offer=farm_offer, on=on, reason="遠い")
    for step in (Stage.VISIT, Stage.TRIAL, Stage.ACTIVE):
        move(record=record, to=step, by=staff, on=on)
    move(record=record, to=Stage.SETTLED, by=staff, on=datetime.date(2026, 8, 1))
    move(record=other, to=Stage.MATCHING, by=staff, offer=salon_offer, on=on)
    move(record=other, to=Stage.VISIT, by=staff, on=on)
    move(record=other, to=Stage.INTERRUPTED, by=staff, on=on, reason="体調", category="health")
    return record, other


def recount(**filters):
    placements = Placement.objects.filter(**filters)
    return {
        "matchings": placements.filter(proposed_on__range=(START, END)).count(),
        "trials": placements.filter(trial_on__range=(START, END)).count(),
        "starts": placements.filter(started_on__range=(START, END)).count(),
        "settled": placements.filter(settled_on__range=(START, END)).count(),
    }


def test_figures_match_a_recount_of_the_rows(year, town):
    f = figures.figures(municipality_id=town.municipality.pk, fiscal_year=FY)
    assert {k: getattr(f, k) for k in ("matchings", "trials", "starts", "settled")} == recount()
    assert (f.matchings, f.trials, f.starts, f.settled) == (2, 1, 1, 1)
    assert f.persons == 1  # both records are the same person (実人数)
    assert f.settle_rate == 100.0
    assert f.interruptions == {"本人の体調": 1} and f.interruptions_total == 1
    assert f.hosts_new == HostProfile.objects.filter(opened_on__range=(START, END)).count() == 1
    assert f.hosts_active == 2


def test_previous_year_counts_only_its_proposal(year, town):
    f = figures.figures(municipality_id=town.municipality.pk, fiscal_year=FY - 1)
    assert (f.matchings, f.starts, f.settle_rate, f.hosts_new) == (1, 0, None, 0)


def test_by_area_counts_records_under_the_area(year, town, areas):
    rows = dict(figures.by_area(municipality_id=town.municipality.pk, fiscal_year=FY, depth=1))
    north, south = rows[areas["north"]], rows[areas["south"]]
    assert (north.persons, north.matchings, north.settled) == (1, 1, 1)  # the record's area
    assert (south.persons, south.hosts_active) == (0, 1)  # the salon is in the south
    assert north.hosts_active == 1  # the farm's 北川地区 is under 北部圏域


def test_by_agency(year, town):
    ((agency, f),) = figures.by_agency(municipality_id=town.municipality.pk, fiscal_year=FY)
    assert agency == town.coordinating_agency and f.matchings == 2
