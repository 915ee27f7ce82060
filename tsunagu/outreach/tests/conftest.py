"""The outreach cast on the shared test town.

The owner agency (テスト町地域包括支援センター) delivers the 4号 programme; ``worker`` is its
アウトリーチ支援員. The coordinating agency (社会福祉協議会) sees its municipality's records.
Areas: テスト町全域 › 北地区 / 南地区 (created here until profiles load areas).
"""

from __future__ import annotations

import contextlib
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.municipality.models import Agency, Area, AreaLevel, Delivery, Programme
from tsunagu.outreach import actions
from tsunagu.outreach.models import Means, Result, Route
from tsunagu.outreach.transitions import move

TODAY = timezone.localdate()


def days_ago(n: int, base: datetime.date = TODAY) -> datetime.date:
    return base - datetime.timedelta(days=n)


@contextlib.contextmanager
def clock_at(day: datetime.date):
    """Today is ``day`` (noon in Japan) inside the block: the actions refuse dates after
    today and date what they do today (a hand-off), so a fixture can be pinned to one day."""
    moment = datetime.datetime.combine(day, datetime.time(12), ZoneInfo("Asia/Tokyo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


@pytest.fixture
def outreach_town(town):
    programme = Programme.objects.create(
        municipality=town.municipality, project=4, name="アウトリーチ等を通じた継続的支援事業"
    )
    Delivery.objects.create(programme=programme, agency=town.owner_agency)
    return town


@pytest.fixture
def areas(outreach_town):
    m = outreach_town.municipality
    whole = AreaLevel.objects.create(municipality=m, depth=0, name="町全域")
    district = AreaLevel.objects.create(municipality=m, depth=1, name="地区")
    top = Area.objects.create(municipality=m, level=whole, name="テスト町全域")
    return {
        "top": top,
        "north": Area.objects.create(municipality=m, level=district, name="北地区", parent=top),
        "south": Area.objects.create(municipality=m, level=district, name="南地区", parent=top),
    }


@pytest.fixture
def worker(outreach_town):
    return make_user("worker", outreach_town.owner_agency, Role.OUTREACH, "訪問 花子")


@pytest.fixture
def outsider(outreach_town):
    """A partner outside welfare (税務課) with a casework membership."""
    tax = Agency.objects.create(
        municipality=outreach_town.municipality,
        kind=Agency.Kind.PARTNER,
        name="テスト町税務課",
        outside_welfare=True,
    )
    return make_user("zeimu", tax, Role.COUNSELLOR, "税務 七郎")


def record_data(town, **extra) -> dict:
    data = {
        "agency": town.owner_agency,
        "worker": None,
        "route": Route.COMMISSIONER,
        "route_note": "",
        "informant": "北地区 民生委員 田中",
        "informed_on": days_ago(60),
        "description": "北地区の50代男性、ひきこもりの疑い。母親(80代)と二人暮らし。",
        "age_band": "50s",
        "sex": "male",
        "area": None,
        "whereabouts": "",
        "household_note": "80代の母と二人暮らし",
        "concerns": ["不登校・ひきこもり", "8050"],
        "urgency": "medium",
    }
    data.update(extra)
    return data


@pytest.fixture
def record(outreach_town, worker, areas):
    return actions.register_record(
        user=worker, data=record_data(outreach_town, worker=worker, area=areas["north"])
    )


def attempt(user, record, *, day, means=Means.VISIT, result=Result.ABSENT, **extra):
    return actions.add_attempt(
        user=user,
        record=record,
        attempt=actions.AttemptInput(
            date=day, means=means, staff=str(user), result=result, **extra
        ),
    )


def walk_to_consent(record, worker, town, base: datetime.date = TODAY):
    """把握 → 接触試行 → 接触 → 関係構築 → 同意, with a person registered and linked; the
    steps are dated 50 to 10 days before ``base``."""
    attempt(worker, record, day=days_ago(50, base))
    attempt(worker, record, day=days_ago(40, base), result=Result.THROUGH_DOOR)
    move(record=record, actor=worker, to="contacted", on=days_ago(40, base))
    attempt(worker, record, day=days_ago(20, base), result=Result.MET)
    move(record=record, actor=worker, to="rapport", on=days_ago(20, base))
    actions.register_and_link(
        user=worker,
        record=record,
        data={"family_name": "北山", "given_name": "健", "family_kana": "キタヤマ"},
    )
    move(record=record, actor=worker, to="consented", on=days_ago(10, base))
    record.refresh_from_db()
    return record
