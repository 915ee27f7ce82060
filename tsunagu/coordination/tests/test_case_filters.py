"""事例一覧's search and filters (issue 15.6): stage, worker, agency, area, period and name
narrow the cases the policy shows and never widen them; closed cases are apart; a search
by name or address never finds a case whose person the user may not see."""

import datetime
import html
import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST, make_user
from tsunagu.access.models import AuditEvent
from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination import actions
from tsunagu.coordination.models import Case, Stage
from tsunagu.intake.models import Consultation, CoordinationRequest, CoordinationStatus
from tsunagu.intake.tests.factories import town_areas
from tsunagu.people.models import Person

URL = reverse("coordination:list")
NAMES = {
    "S": "山田\u3000花子",  # coordinator, 支援実施, partner on the team, household in 本町: 北地区
    "M": "佐藤\u3000一郎",  # coordinator2, モニタリング, 南地区
    "C": "鈴木\u3000三郎",  # coordinator, 終結, 本町三丁目: 東地区
}


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def another_case(town, owner, coordinator, *, family, given, kana, address, opened, stage):
    person = Person.objects.create(
        municipality=town.municipality,
        family_name=family,
        given_name=given,
        family_kana=kana,
        address=address,
        registered_by=town.owner_agency,
    )
    consultation = Consultation.objects.create(
        municipality=town.municipality,
        agency=town.owner_agency,
        staff=owner,
        received_at=timezone.now(),
        channel="visit",
        consulter="self",
        person=person,
        urgency="medium",
        consent_status="given",
    )
    request = CoordinationRequest.objects.create(
        consultation=consultation,
        requested_by=owner,
        from_agency=town.owner_agency,
        to_agency=town.coordinating_agency,
        reason="複合的な課題",
        status=CoordinationStatus.ACCEPTED,
        requested_at=timezone.now(),
        decided_by=coordinator,
        decided_at=timezone.now(),
    )
    case = actions.open_case(request=request, coordinator=coordinator)
    # Arranged directly: the list reads the stage and the date, however they were reached.
    Case.objects.filter(pk=case.pk).update(opened_at=at(opened), stage=stage)
    return case


@pytest.fixture
def coordinator2(town):
    return make_user("coordinator2", town.coordinating_agency, Role.COORDINATOR, "協働 五郎")


@pytest.fixture
def cases(town, owner, coordinator, coordinator2, supported):
    areas = town_areas(town.municipality)
    supported.household.address = "本町1"
    supported.household.save(update_fields=["address"])
    Case.objects.filter(pk=supported.pk).update(opened_at=at(datetime.date(2025, 4, 10)))
    rows = {
        "S": supported,
        "M": another_case(
            town,
            owner,
            coordinator2,
            family="佐藤",
            given="一郎",
            kana="サトウ",
            address="南町3",
            opened=datetime.date(2025, 6, 1),
            stage=Stage.MONITORING,
        ),
        "C": another_case(
            town,
            owner,
            coordinator,
            family="鈴木",
            given="三郎",
            kana="スズキ",
            address="テスト町本町三丁目5",
            opened=datetime.date(2025, 5, 1),
            stage=Stage.CLOSED,
        ),
    }
    return {"rows": rows, "areas": areas}


def get(client, user, params=None):
    client.force_login(user)
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(body: str) -> set[str]:
    listed = body.split("<h2>事例</h2>")[1]
    return {key for key, name in NAMES.items() if name in listed}


def test_the_list_opens_on_cases_in_progress_and_closed_ones_are_a_tab_away(
    client, coordinator, cases
):
    body = get(client, coordinator)
    assert shown(body) == {"S", "M"}
    nav = body.split('aria-label="表示する事例"')[1].split("</nav>")[0]
    assert "進行中" in nav and "終結した事例" in nav
    assert shown(get(client, coordinator, {"state": "closed"})) == {"C"}
    assert shown(get(client, coordinator, {"state": "all"})) == {"S", "M", "C"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "monitoring"}, {"M"}),
        ({"stage": "support"}, {"S"}),
        ({"stage": "monitoring", "state": "closed"}, set()),
        ({"worker": "me"}, {"S"}),
        ({"worker": "me", "state": "all"}, {"S", "C"}),
        ({"worker": "coordinator2"}, {"M"}),
        ({"q": "さとう"}, {"M"}),
        ({"q": "山田 花子"}, {"S"}),
        ({"q": "田"}, set()),
        ({"area": "北地区", "state": "all"}, {"S"}),  # by the household's address
        ({"area": "南地区"}, {"M"}),  # by the person's address (no household)
        ({"area": "東地区", "state": "all"}, {"C"}),  # 本町三丁目 beats 北地区's 本町
        ({"area": "全域", "state": "all"}, {"S", "M", "C"}),
        ({"since": "令和7年5月15日"}, {"M"}),
        ({"until": "2025-04-30"}, {"S"}),
        ({"since": "2025-05-01", "until": "2025-05-01", "state": "all"}, {"C"}),
        ({"stage": "monitoring", "worker": "me"}, set()),
    ],
)
def test_each_filter_narrows_the_list(client, coordinator, coordinator2, cases, params, expected):
    params = dict(params)
    if params.get("worker") == "coordinator2":
        params["worker"] = coordinator2.pk
    if "area" in params:
        params["area"] = cases["areas"][params["area"]].pk
    body = get(client, coordinator, params)
    assert shown(body) == expected
    assert "条件に誤りがあります" not in body


def test_a_home_page_link_presets_stage_and_worker(client, coordinator2, cases):
    body = get(client, coordinator2, {"stage": "monitoring", "worker": "me"})
    assert shown(body) == {"M"}
    assert '<option value="monitoring" selected>' in body
    assert '<option value="me" selected>自分</option>' in body


def test_agency_narrows_to_the_cases_it_holds_or_is_on_the_team_of(
    client, town, coordinator, cases
):
    both = make_user("both", town.coordinating_agency, Role.COORDINATOR)
    Membership.objects.create(user=both, agency=town.partner_agency, role=Role.COUNSELLOR)
    assert shown(get(client, both)) == {"S", "M"}
    assert shown(get(client, both, {"agency": town.partner_agency.pk})) == {"S"}
    assert shown(get(client, both, {"agency": town.coordinating_agency.pk})) == {"S", "M"}


def test_a_team_agency_sees_only_its_cases_whatever_the_filter(client, town, partner, cases):
    assert shown(get(client, partner, {"state": "all"})) == {"S"}
    body = get(client, partner, {"agency": town.coordinating_agency.pk, "state": "all"})
    assert "機関は一覧から選んでください" in body
    assert shown(body) == {"S"}


@pytest.mark.parametrize("who", ["unrelated", *NO_CONTENT_CAST])
def test_filters_never_show_another_agencys_cases(client, town, cases, who, request):
    user = request.getfixturevalue(who)
    for params in (
        {"state": "all"},
        {"q": "山", "state": "all"},
        {"agency": town.coordinating_agency.pk, "state": "all"},
        {"area": cases["areas"]["全域"].pk, "state": "all"},
        {"stage": "support"},
    ):
        body = get(client, user, params)
        assert shown(body) == set(), (who, params)
        assert "さんの世帯" not in body


def test_a_search_never_tells_whose_a_neutrally_titled_case_is(client, partner, coordinator, cases):
    case = cases["rows"]["S"]
    consent = case.current_consent()
    actions.withdraw_consent(consent=consent, by=coordinator, reason="本人の申し出")
    neutral = f"事例 #{case.pk}(同意撤回のため氏名非表示)"
    assert neutral in get(client, partner)
    for params in ({"q": "やまだ"}, {"area": cases["areas"]["北地区"].pk}):
        body = get(client, partner, params)
        assert neutral not in body and "山田" not in body.split("<h2>事例</h2>")[1]
    assert shown(get(client, coordinator, {"q": "やまだ"})) == {"S"}  # the holder still finds it


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stage": "closed"}, "段階は一覧から選んでください"),
        ({"stage": "x\x00"}, "段階は一覧から選んでください"),
        ({"agency": "\x00"}, "番号は半角数字で入力してください"),
        ({"worker": "１２３４５"}, "担当者は一覧から選んでください"),  # full-width digits read
        ({"area": str(2**64)}, "番号は半角数字で入力してください"),
        ({"since": "平成31年5月1日"}, "平成の期間"),
        ({"until": "2025-02-30"}, "存在しない日付です"),
        ({"since": "2025-06-01", "until": "2025-05-01"}, "より前です"),
        ({"state": "\x00"}, "表示する一覧は見出しのタブから選んでください"),
    ],
)
def test_bad_input_is_a_message_and_200(client, coordinator, cases, params, message):
    body = get(client, coordinator, params)
    assert "条件に誤りがあります" in body and message in body
    assert "\x00" not in body


def test_the_filter_survives_pagination(client, coordinator, cases, monkeypatch):
    monkeypatch.setattr("tsunagu.coordination.views.PAGE_SIZE", 1)
    first = get(client, coordinator, {"worker": "me", "state": "all"})
    match = re.search(r'href="(\?[^"]*)" rel="next"', first)
    query = parse_qs(html.unescape(match.group(1)).lstrip("?"))
    assert query == {"worker": ["me"], "state": ["all"], "page": ["2"]}
    second = get(client, coordinator, {k: v[0] for k, v in query.items()})
    assert shown(first) | shown(second) == {"S", "C"}
    assert len(shown(first)) == len(shown(second)) == 1


def test_every_filter_control_has_a_label(client, town, cases):
    both = make_user("both", town.coordinating_agency, Role.COORDINATOR)
    Membership.objects.create(user=both, agency=town.partner_agency, role=Role.COUNSELLOR)
    body = get(client, both)
    form = body.split('role="search"')[1].split("</form>")[0]
    controls = re.findall(r'<(?:select|input)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', form)
    assert {"id_stage", "id_q", "id_worker", "id_agency", "id_area", "id_since"} <= set(controls)
    for control in controls:
        assert f'<label for="{control}"' in form, control


def test_the_list_is_audited_with_the_persons_shown_and_the_filters(client, coordinator, cases):
    get(client, coordinator, {"stage": "monitoring"})
    event = AuditEvent.objects.filter(user=coordinator, action="list").latest("pk")
    assert event.detail["person_ids"] == [cases["rows"]["M"].focus_person_id]
    assert event.detail["query"]["stage"] == "monitoring"


def test_filtered_list_reads_no_more_queries_for_more_rows(
    client, town, owner, coordinator, cases, django_assert_max_num_queries
):
    params = {
        "q": "さ",
        "area": cases["areas"]["全域"].pk,
        "since": "2025-01-01",
        "state": "all",
    }
    client.force_login(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    few = queries()
    for i in range(4):
        another_case(
            town,
            owner,
            coordinator,
            family=f"佐々木{i}",
            given="",
            kana="ササキ",
            address="南町1",
            opened=datetime.date(2025, 7, 1),
            stage=Stage.SUPPORT,
        )
    assert queries() == few
    with django_assert_max_num_queries(22):
        client.get(URL, params)
