"""The register's cast on top of the shared one (conftest.py at the root):

- ``owner`` (地域包括) delivers a 3号 programme and ``coordinator`` (社協, the coordinating
  agency) edits the register; ``partner`` and ``unrelated`` are casework staff of the same
  town who read it; ``outsider`` works in another municipality; ``admin_user`` and
  ``auditor`` get no content.
- Areas: テスト町全域 (第1層) above 北地区 and 南地区 (第2層).
"""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.meetings.tests.conftest import (  # noqa: F401  (fixtures reused as they are)
    case,
    focus_person,
    household,
    kobayashi,
)
from tsunagu.municipality.models import (
    Agency,
    Area,
    AreaLevel,
    Delivery,
    Municipality,
    Programme,
    StatutoryProject,
)
from tsunagu.resources.models import (
    Coordinator,
    Organization,
    Resource,
    Schedule,
)
from tsunagu.resources.search import refresh_search_text


@pytest.fixture
def areas(town):
    m = town.municipality
    top = AreaLevel.objects.create(municipality=m, depth=0, name="第1層")
    second = AreaLevel.objects.create(municipality=m, depth=1, name="第2層")
    whole = Area.objects.create(municipality=m, level=top, name="テスト町全域")
    return {
        "whole": whole,
        "north": Area.objects.create(municipality=m, level=second, name="北地区", parent=whole),
        "south": Area.objects.create(municipality=m, level=second, name="南地区", parent=whole),
    }


@pytest.fixture
def community_programme(town):
    programme = Programme.objects.create(
        municipality=town.municipality,
        project=StatutoryProject.COMMUNITY,
        name="生活支援体制整備事業",
    )
    Delivery.objects.create(programme=programme, agency=town.owner_agency)
    return programme


@pytest.fixture
def outsider(db):
    other = Municipality.objects.create(slug="othertown", name="よその市")
    agency = Agency.objects.create(municipality=other, kind=Agency.Kind.AGENCY, name="よその市包括")
    return make_user("outsider", agency, Role.COUNSELLOR, "他市 七郎")


@pytest.fixture
def shakyo(town):
    return Organization.objects.create(
        municipality=town.municipality,
        name="テスト町社会福祉協議会",
        kind="council",
        description="地域福祉の推進",
        phone="0858-00-0000",
        contact_person="社協 担当花子",
        is_public=True,
    )


def make_resource(town, name, **fields) -> Resource:
    schedules = fields.pop("schedules", [])
    coordinators = fields.pop("coordinators", [])
    defaults = {"kind": "salon", "status": "active", "is_public": True}
    resource = Resource.objects.create(
        municipality=town.municipality, name=name, **{**defaults, **fields}
    )
    for weekday, weeks, opens, closes in schedules:
        Schedule.objects.create(
            resource=resource, weekday=weekday, weeks=weeks, opens_at=opens, closes_at=closes
        )
    for name_, role, public in coordinators:
        Coordinator.objects.create(resource=resource, name=name_, role=role, is_public=public)
    refresh_search_text(Resource.objects.filter(pk=resource.pk))
    return resource


@pytest.fixture
def salon(town, areas, shakyo):
    return make_resource(
        town,
        "ひまわりサロン",
        description="お茶を飲みながらおしゃべり",
        operator=shakyo,
        place_name="北公民館",
        address="テスト町北1-2-3",
        area=areas["north"],
        targets="elderly",
        fee="100円",
        accessibility="車いす可",
        contact_label="テスト町社協 地域福祉係",
        phone="0858-11-1111",
        helpers_count=6,
        schedule_note="祝日は休み",
        internal_note="会場の鍵は区長宅で管理",
        schedules=[
            (0, "", datetime.time(10), datetime.time(12)),
            (3, "1,3", datetime.time(13, 30), None),
        ],
        coordinators=[("世話役 公子", "代表", True), ("内緒 秘子", "会計", False)],
    )


@pytest.fixture
def internal_cafe(town, areas):
    return make_resource(
        town,
        "内部検討中カフェ",
        kind="dementia_cafe",
        area=areas["south"],
        targets="everyone",
        is_public=False,
        internal_note="立ち上げ準備中",
    )
