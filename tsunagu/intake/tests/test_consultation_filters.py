"""相談受付一覧's search and filters (issue 15.6): each filter narrows what the policy lets
the user see and never widens it; bad input is a message, never a 500; the filters live in
the URL, so pages, tabs and links keep them."""

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
from tsunagu.intake import actions, transitions
from tsunagu.intake.tests.factories import details, town_areas
from tsunagu.people.models import Household

URL = reverse("intake:consultation_list")
# The persons of the owner agency's consultations, as the list writes their names.
NAMES = {
    "A": "山田\u3000太郎",  # owner, 北地区 (本町, address with prefecture and town name)
    "B": "佐藤\u3000花子",  # colleague, 南地区 (spaces in the address)
    "E": "山本\u3000一郎",  # owner, 東地区 (本町三丁目: the longer town), closed
    "H": "鈴木\u3000次郎",  # owner, person in 南町 but household in 本町: 北地区
}
OTHER = "山田\u3000花子"  # the partner agency's consultation


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def take(user, agency, received: datetime.date, family, given, kana, address):
    return actions.take_consultation(
        staff=user,
        agency=agency,
        details=details(received_at=at(received)),
        new_person=actions.NewPerson(
            family_name=family, given_name=given, family_kana=kana, address=address
        ),
    )


@pytest.fixture
def colleague(town):
    return make_user("colleague", town.owner_agency, Role.COUNSELLOR, "包括 次郎")


@pytest.fixture
def records(town, owner, partner, colleague):
    areas = town_areas(town.municipality)
    d = datetime.date
    rows = {
        "A": take(
            owner,
            town.owner_agency,
            d(2025, 4, 10),
            "山田",
            "太郎",
            "ヤマダ",
            "鳥取県テスト町本町1-2",
        ),
        "B": take(
            colleague, town.owner_agency, d(2025, 6, 1), "佐藤", "花子", "サトウ", "テスト町 南町 3"
        ),
        "E": take(
            owner, town.owner_agency, d(2025, 5, 15), "山本", "一郎", "ヤマモト", "本町三丁目5"
        ),
        "H": take(owner, town.owner_agency, d(2025, 4, 20), "鈴木", "次郎", "スズキ", "南町9"),
        "other": take(
            partner, town.partner_agency, d(2025, 4, 10), "山田", "花子", "ヤマダ", "本町1"
        ),
    }
    household = Household.objects.create(municipality=town.municipality, address="本町4")
    rows["H"].household = household
    rows["H"].save(update_fields=["household"])
    transitions.change_consultation(
        actor=owner, consultation=rows["E"], to="closed", reason="対応を終えた"
    )
    return {"rows": rows, "areas": areas}


def get(client, user, params=None):
    client.force_login(user)
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(body: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in body}


# --- each filter narrows -------------------------------------------------------------------


def test_the_list_opens_on_the_open_consultations_of_the_users_agency(client, owner, records):
    body = get(client, owner)
    assert shown(body) == {"A", "B", "H"}
    assert OTHER not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "やまだ"}, {"A"}),
        ({"q": "ヤマ", "state": "all"}, {"A", "E"}),
        ({"q": "山田 太郎"}, {"A"}),
        ({"q": "太"}, {"A"}),  # the given name's start
        ({"q": "田"}, set()),  # a prefix match, never a substring
        ({"worker": "me"}, {"A", "H"}),
        ({"worker": "colleague"}, {"B"}),
        ({"area": "北地区"}, {"A", "H"}),  # H by its household's address
        ({"area": "北地区", "state": "all"}, {"A", "H"}),  # 本町三丁目 is 東地区's
        ({"area": "東地区", "state": "all"}, {"E"}),
        ({"area": "南地区"}, {"B"}),
        ({"area": "全域", "state": "all"}, {"A", "B", "E", "H"}),
        ({"since": "令和7年5月1日"}, {"B"}),
        ({"until": "2025-04-30"}, {"A", "H"}),
        ({"since": "R7.4.10", "until": "2025/4/10"}, {"A"}),  # both ends included
        ({"state": "closed"}, {"E"}),
        ({"state": "all"}, {"A", "B", "E", "H"}),
        ({"q": "やまだ", "worker": "me", "area": "北地区", "since": "2025-04-01"}, {"A"}),
    ],
)
def test_each_filter_narrows_the_list(client, owner, colleague, records, params, expected):
    params = dict(params)
    if params.get("worker") == "colleague":
        params["worker"] = colleague.pk
    if "area" in params:
        params["area"] = records["areas"][params["area"]].pk
    body = get(client, owner, params)
    assert shown(body) == expected
    assert "条件に誤りがあります" not in body
    assert OTHER not in body


def test_a_user_of_two_agencies_narrows_to_one(client, town, owner, records):
    both = make_user("both", town.owner_agency, Role.COUNSELLOR)
    Membership.objects.create(user=both, agency=town.partner_agency, role=Role.COUNSELLOR)
    body = get(client, both)
    assert shown(body) == {"A", "B", "H"} and OTHER in body
    assert '<select name="agency"' in body
    body = get(client, both, {"agency": town.partner_agency.pk})
    assert shown(body) == set() and OTHER in body
    body = get(client, both, {"agency": town.owner_agency.pk})
    assert shown(body) == {"A", "B", "H"} and OTHER not in body


# --- never another agency's records --------------------------------------------------------


@pytest.mark.parametrize("who", ["unrelated", "partner", *NO_CONTENT_CAST])
def test_filters_never_show_another_agencys_records(client, town, records, who, request):
    user = request.getfixturevalue(who)
    areas = records["areas"]
    for params in (
        {},
        {"state": "all"},
        {"q": "山", "state": "all"},
        {"agency": town.owner_agency.pk, "state": "all"},
        {"area": areas["全域"].pk, "state": "all"},
        {"worker": "me", "state": "all"},
    ):
        body = get(client, user, params)
        assert shown(body) == set(), (who, params)


def test_another_agency_is_not_a_choice(client, town, unrelated, records):
    body = get(client, unrelated, {"agency": town.owner_agency.pk})
    assert "機関は一覧から選んでください" in body


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"agency": "\x00"}, "番号は半角数字で入力してください"),
        ({"area": "٣"}, "番号は半角数字で入力してください"),
        ({"worker": "9" * 20}, "番号は半角数字で入力してください"),
        ({"worker": "me\x00"}, "番号は半角数字で入力してください"),
        ({"agency": str(2**63)}, "以下でなければなりません"),
        ({"area": "0"}, "以上でなければなりません"),
        ({"area": "999999"}, "圏域は一覧から選んでください"),
        ({"worker": "999999"}, "担当者は一覧から選んでください"),
        ({"q": "山\x00田"}, "氏名・フリガナに使えない文字が含まれています"),
        ({"q": "あ" * 101}, "100"),
        ({"since": "令和7年13月1日"}, "存在しない日付です"),
        ({"since": "0001-01-01"}, "明治33年1月1日 (1900)から"),
        ({"until": "9999-12-31"}, "までの日付で入力してください"),
        ({"since": "2025\x00"}, "受付日(から)は日付で入力してください"),
        ({"since": "2025-04-01", "until": "2025-03-01"}, "より前です"),
        ({"state": "deleted\x00"}, "表示する一覧は見出しのタブから選んでください"),
    ],
)
def test_bad_input_is_a_message_and_the_rest_still_applies(client, owner, records, params, message):
    body = get(client, owner, {**params, "q": params.get("q", "やまだ")})
    assert "条件に誤りがあります" in body
    assert message in body
    assert "\x00" not in body
    if "q" not in params:  # the valid filter still narrows
        assert shown(body) == {"A"}


def test_a_bad_page_number_shows_the_first_page(client, owner, records):
    body = get(client, owner, {"page": "\x00", "q": "やまだ"})
    assert shown(body) == {"A"}


# --- the URL keeps the filters -------------------------------------------------------------


def next_link(body: str) -> str:
    match = re.search(r'href="(\?[^"]*)" rel="next"', body)
    return html.unescape(match.group(1)) if match else ""


def test_the_filter_survives_pagination(client, owner, records, monkeypatch):
    monkeypatch.setattr("tsunagu.intake.views.PAGE_SIZE", 1)
    first = get(client, owner, {"worker": "me"})
    link = next_link(first)
    assert "worker=me" in link
    client.force_login(owner)
    second = client.get(URL + link).content.decode()
    assert shown(first) | shown(second) == {"A", "H"}
    assert len(shown(first)) == len(shown(second)) == 1
    assert not next_link(second)


def tab_queries(body: str, label: str) -> dict[str, dict]:
    """Each tab's name and the query its link carries."""
    nav = body.split(f'aria-label="表示する{label}"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="\?([^"]*)"[^>]*>([^<]+)</a>', nav)
    return {name: parse_qs(html.unescape(query)) for query, name in links}


def test_tabs_keep_the_filters_and_start_at_the_first_page(client, owner, records):
    body = get(client, owner, {"q": "やま", "page": "1"})
    tabs = tab_queries(body, "相談受付")
    assert set(tabs) == {"受付中", "終了", "すべて"}
    assert tabs["終了"] == {"q": ["やま"], "state": ["closed"]}


def test_a_home_page_link_presets_the_filters_and_dates_show_in_wareki(client, owner, records):
    body = get(client, owner, {"worker": "me", "since": "2025-04-01"})
    assert 'value="令和7年4月1日 (2025)"' in body
    assert re.search(r'<option value="me" selected>自分</option>', body)


def test_every_filter_control_has_a_label(client, town, owner, records):
    both = make_user("both", town.owner_agency, Role.COUNSELLOR)
    Membership.objects.create(user=both, agency=town.partner_agency, role=Role.COUNSELLOR)
    body = get(client, both)
    form = body.split('role="search"')[1].split("</form>")[0]
    controls = re.findall(r'<(?:select|input)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', form)
    assert {"id_q", "id_worker", "id_agency", "id_area", "id_since", "id_until"} <= set(controls)
    for control in controls:
        assert f'<label for="{control}"' in form, control


# --- audit and queries ---------------------------------------------------------------------


def test_the_list_is_audited_with_the_persons_shown_and_the_filters(client, owner, records):
    get(client, owner, {"q": "やまだ"})
    event = AuditEvent.objects.filter(user=owner, action="list").latest("pk")
    assert event.detail["person_ids"] == [records["rows"]["A"].person_id]
    assert event.detail["query"]["q"] == "やまだ"


def test_filtered_list_reads_no_more_queries_for_more_rows(
    client, town, owner, records, django_assert_max_num_queries
):
    params = {
        "q": "やま",
        "worker": "me",
        "area": records["areas"]["全域"].pk,
        "since": "2025-04-01",
        "until": "2025-12-31",
        "state": "all",
    }
    client.force_login(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    few = queries()
    for i in range(5):
        take(
            owner, town.owner_agency, datetime.date(2025, 7, 1), f"山川{i}", "", "ヤマカワ", "本町2"
        )
    assert queries() == few
    with django_assert_max_num_queries(20):
        client.get(URL, params)
