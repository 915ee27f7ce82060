"""参加支援 fixtures: the town's 2号 programme run by its 社協 (the coordinating agency), a
three-layer 圏域 tree, two hosts with offers, and a record opened from a case's plan.

Cast on top of the shared one (conftest.py at the root): ``staff`` is the 参加支援
コーディネーター of the 社協; ``coordinator`` (same 社協) holds the case; ``partner`` is on
the case team with every part of the consent; ``owner`` only with 基本情報.
"""

import datetime

import pytest

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.coordination import actions as case_actions
from tsunagu.coordination.tests import conftest as case_fixtures
from tsunagu.municipality.models import (
    Area,
    AreaLevel,
    Delivery,
    Programme,
    StatutoryProject,
)
from tsunagu.participation import actions
from tsunagu.participation.models import Load, OfferKind

# The coordination app's household, consultation, 支援依頼 and case, reused as they are.
household = case_fixtures.household
focus_person = case_fixtures.focus_person
request_accepted = case_fixtures.request_accepted
case = case_fixtures.case
walk_to = case_fixtures.walk_to

MON_TO_FRI = 31
MORNING, AFTERNOON = 1, 2


@pytest.fixture
def programme(town):
    p = Programme.objects.create(
        municipality=town.municipality,
        project=StatutoryProject.PARTICIPATION,
        name="参加支援事業",
    )
    Delivery.objects.create(programme=p, operator=town.coordinating_agency)
    return p


@pytest.fixture
def areas(town):
    m = town.municipality
    levels = [
        AreaLevel.objects.create(municipality=m, depth=d, name=n)
        for d, n in enumerate(["町全域", "日常生活圏域", "地区"])
    ]
    whole = Area.objects.create(municipality=m, level=levels[0], name="テスト町全域")
    north = Area.objects.create(municipality=m, level=levels[1], name="北部圏域", parent=whole)
    south = Area.objects.create(municipality=m, level=levels[1], name="南部圏域", parent=whole)
    village = Area.objects.create(municipality=m, level=levels[2], name="北川地区", parent=north)
    return {"whole": whole, "north": north, "south": south, "village": village}


@pytest.fixture
def staff(town, programme):
    return make_user("sanka", town.coordinating_agency, Role.PARTICIPATION, "参加 七子")


def make_host(town, staff, name, area, **profile):
    return actions.register_host(
        by=staff,
        agency=town.coordinating_agency,
        data={"name": name, "kind": "farm", "area": area, **profile},
    )


def make_offer(host, staff, **values):
    data = {
        "title": "野菜の袋詰め",
        "kind": OfferKind.WORK_EXPERIENCE,
        "area": host.area,
        "days": MON_TO_FRI,
        "bands": MORNING,
        "capacity": 2,
        "load": Load.LIGHT,
        "active": True,
    }
    data.update(values)
    return actions.add_offer(host=host, by=staff, data=data)


@pytest.fixture
def farm(town, staff, areas):
    return make_host(
        town, staff, "北川ファーム", areas["village"], opened_on=datetime.date(2026, 5, 1)
    )


@pytest.fixture
def salon(town, staff, areas):
    return make_host(town, staff, "南部ふれあいサロン", areas["south"])


@pytest.fixture
def farm_offer(farm, staff):
    return make_offer(farm, staff, short_hours=True, transport=False, care=True)


@pytest.fixture
def salon_offer(salon, staff):
    return make_offer(salon, staff, title="サロンのお茶出し", kind=OfferKind.PLACE, bands=AFTERNOON)


@pytest.fixture
def plan(case, coordinator, town, programme):
    """A case with consent (partner: every part, owner: 基本情報), both on the team, and
    a plan asking for 参加支援."""
    case = walk_to(case, "deliberation", coordinator, town)
    for agency in (town.partner_agency, town.owner_agency):
        case_actions.add_member(case=case, agency=agency, by=coordinator)
    plan = case.latest_plan()
    plan.uses_participation = True
    plan.participation_wish = "人と関わる仕事を少しずつしたい"
    plan.save()
    return plan


@pytest.fixture
def record(plan, staff, town, areas):
    record = actions.open_from_plan(plan=plan, agency=town.coordinating_agency, by=staff)
    return actions.update_needs(
        record=record,
        by=staff,
        expected_version=record.version,
        data={
            "wishes": "朝のうちに、座ってできる軽い作業をしてみたい。人の多い所は苦手。",
            "kinds": [OfferKind.WORK_EXPERIENCE],
            "area": areas["north"],
            "days": MON_TO_FRI,
            "bands": MORNING,
            "load": Load.LIGHT,
            "short_hours": True,
        },
    )
