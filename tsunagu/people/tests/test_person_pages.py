"""Person pages through the HTTP client: register, edit, detail, search, households."""

import datetime
import re

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.people import actions
from tsunagu.people.models import HouseholdMembership, Person
from tsunagu.people.tests.conftest import person_data

READERS = ["owner", "partner"]
REFUSED = ["unrelated", "coordinator", "admin_user", "auditor"]


def _event(user, action, person, **extra):
    return AuditEvent.objects.filter(user=user, action=action, person_id=person.pk, **extra)


def _register_post(**overrides):
    fields = {
        "family_name": "山田",
        "given_name": "太郎",
        "family_kana": "ﾔﾏﾀﾞ",
        "given_kana": "たろう",
        "birth_date": "S45.3.2",
        "address": "テスト町栄町5",
    }
    return fields | overrides


def test_register_stores_katakana_and_wareki_date_and_grants_involvement(client, town, owner):
    client.force_login(owner)
    response = client.post(reverse("people:register"), _register_post())
    person = Person.objects.get(family_name="山田")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.family_kana, person.given_kana) == ("ヤマダ", "タロウ")
    assert person.birth_date == datetime.date(1970, 3, 2)
    assert person.registered_by == town.owner_agency
    assert (
        Involvement.objects.current()
        .filter(person=person, agency=town.owner_agency, source="registered")
        .exists()
    )
    assert _event(owner, "create", person).exists()


def test_register_shows_japanese_errors_for_bad_kana_and_date(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("people:register"), _register_post(family_kana="山田", birth_date="平成31年5月1日")
    )
    assert response.status_code == 200
    assert "フリガナ(氏)はひらがな・カタカナで入力してください" in response.text
    assert "平成の期間" in response.text
    assert not Person.objects.filter(family_name="山田").exists()


def test_user_with_several_agencies_picks_the_registering_one(client, town, owner):
    from tsunagu.accounts.models import Membership, Role

    Membership.objects.create(user=owner, agency=town.partner_agency, role=Role.COUNSELLOR)
    client.force_login(owner)
    page = client.get(reverse("people:register"))
    assert town.partner_agency.name in page.text
    client.post(reverse("people:register"), _register_post(agency=town.partner_agency.pk))
    assert Person.objects.get(family_name="山田").registered_by == town.partner_agency


def test_register_shows_candidates_before_creating_a_duplicate(client, town, owner, person):
    client.force_login(owner)
    post = _register_post(
        family_name="高橋",
        given_name="花子",
        family_kana="たかはし",
        given_kana="はなこ",
        birth_date="昭和19年5月1日",
        address=person.address,
    )
    response = client.post(reverse("people:register"), post)
    assert response.status_code == 200
    assert "名寄せ候補" in response.text
    assert reverse("people:detail", args=[person.pk]) in response.text
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(user=owner, action="search", purpose="登録時の名寄せ").exists()
    response = client.post(reverse("people:register"), post | {"confirmed": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_candidates_of_another_agency_show_only_agency_names(client, town, unrelated, person):
    client.force_login(unrelated)
    post = _register_post(
        family_name="髙橋",
        given_name="花子",
        family_kana="タカハシ",
        given_kana="ハナコ",
        birth_date="1944-05-01",
        address=person.address,
    )
    response = client.post(reverse("people:register"), post)
    assert "他機関で登録あり(1件)" in response.text
    assert town.owner_agency.name in response.text
    assert person.address not in response.text.replace(f'value="{person.address}"', "")
    assert reverse("people:detail", args=[person.pk]) not in response.text


def test_edit_updates_and_audits_changed_field_names_only(client, owner, person):
    client.force_login(owner)
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        person_data(
            address="テスト町新町9", birth_date="S19.5.1", lock_version=person.lock_version
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.address == "テスト町新町9"
    event = _event(owner, "update", person).get()
    assert event.detail["fields"] == ["address"]
    assert "新町" not in str(event.detail)


@pytest.mark.parametrize("who", READERS)
def test_involved_agencies_read_the_person_page_and_it_is_audited(client, request, person, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "昭和19年5月1日 (1944)" in response.text
    assert _event(user, "view", person).count() == 1


@pytest.mark.parametrize("who", REFUSED)
def test_others_get_404_on_every_person_page(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("detail", "edit", "candidates", "move_household"):
        assert client.get(reverse(f"people:{name}", args=[person.pk])).status_code == 404, name
    assert not AuditEvent.objects.filter(action="view", person_id=person.pk).exists()


def test_detail_shows_the_known_elsewhere_signal(client, town, owner, person):
    client.force_login(owner)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert "他機関で関わりあり" in response.text
    assert town.partner_agency.name in response.text


@pytest.mark.parametrize("who", ["auditor", "admin_user"])
def test_read_only_and_admin_users_cannot_register(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("people:register")).status_code == 403
    assert client.post(reverse("people:register"), _register_post()).status_code == 403
    assert not Person.objects.exists()


def test_auditor_member_of_involved_agency_may_read_but_not_write(client, town, person):
    from conftest import make_user
    from tsunagu.accounts.models import Membership, Role

    reader = make_user("reader", town.owner_agency, Role.COUNSELLOR)
    Membership.objects.create(user=reader, agency=town.department, role=Role.AUDITOR)
    client.force_login(reader)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert client.post(reverse("people:edit", args=[person.pk]), person_data()).status_code == 403


# --- search -------------------------------------------------------------------------------


def test_search_finds_visible_persons_by_kana_kanji_and_wareki_birth_date(client, owner, person):
    client.force_login(owner)
    url = reverse("people:search")
    for params in ({"q": "たかはし"}, {"q": "髙橋 花子"}, {"birth_date": "S19.5.1"}):
        response = client.get(url, params)
        assert reverse("people:detail", args=[person.pk]) in response.text, params
    event = AuditEvent.objects.filter(user=owner, action="search").last()
    assert event.detail["person_ids"] == [person.pk]


def test_search_matches_the_start_of_family_or_given_name(client, owner, person):
    client.force_login(owner)
    url = reverse("people:search")
    link = reverse("people:detail", args=[person.pk])
    for q in ("たか", "ﾊﾅｺ", "花", "タカハシ はな"):
        assert link in client.get(url, {"q": q}).text, q
    # Not a substring search: 「はし」 is inside タカハシ but starts no name.
    assert link not in client.get(url, {"q": "はし"}).text


def test_search_is_one_audit_event_and_bounded_queries(
    client, town, owner, django_assert_max_num_queries
):
    for i in range(30):
        actions.register_person(
            user=owner, agency=town.owner_agency, data=person_data(given_name=f"花子{i}")
        )
    client.force_login(owner)
    before = AuditEvent.objects.count()
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:search"), {"q": "タカハシ"})
    assert response.text.count("/people/") >= 20
    assert AuditEvent.objects.count() == before + 1
    assert len(AuditEvent.objects.last().detail["person_ids"]) == 20


def test_unrelated_search_sees_no_content_only_agency_names(client, town, unrelated, person):
    client.force_login(unrelated)
    response = client.get(reverse("people:search"), {"q": "タカハシ ハナコ"})
    assert response.status_code == 200
    assert "他機関で関わりあり(1件)" in response.text
    assert town.owner_agency.name in response.text
    for secret in ("花子", "本町", "1944", "昭和19年", f"/people/{person.pk}/"):
        assert secret not in response.text.replace('value="タカハシ ハナコ"', ""), secret
    event = AuditEvent.objects.get(user=unrelated, action="search")
    assert event.detail["person_ids"] == []
    assert event.detail["elsewhere_ids"] == [person.pk]


def test_substring_search_gives_no_elsewhere_signal(client, unrelated, person):
    client.force_login(unrelated)
    response = client.get(reverse("people:search"), {"q": "タカ"})
    assert "他機関で関わりあり(" not in response.text


@pytest.mark.parametrize("who", ["admin_user", "auditor"])
def test_admin_and_auditor_search_returns_no_content(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("people:search"), {"q": "タカハシ"})
    assert response.status_code == 200
    assert f"/people/{person.pk}/" not in response.text


# --- households ---------------------------------------------------------------------------


def test_move_household_closes_old_membership_and_opens_new(client, town, owner, person):
    client.force_login(owner)
    url = reverse("people:move_household", args=[person.pk])
    client.post(
        url,
        {
            "new_household_name": "髙橋世帯",
            "relation": "世帯主",
            "is_head": "on",
            "on_date": "R1.5.1",
        },
    )
    first = HouseholdMembership.objects.get(person=person)
    assert (first.is_head, first.joined_on, first.left_on) == (
        True,
        datetime.date(2019, 5, 1),
        None,
    )
    son = actions.register_person(
        user=owner,
        agency=town.owner_agency,
        data=person_data(given_name="一郎", given_kana="イチロウ"),
    )
    client.post(
        reverse("people:move_household", args=[son.pk]),
        {
            "new_household_name": "一郎世帯",
            "relation": "世帯主",
            "is_head": "on",
            "on_date": "2020-01-01",
        },
    )
    response = client.post(
        url,
        {
            "household": HouseholdMembership.objects.get(person=son).household_id,
            "relation": "母",
            "on_date": "令和7年4月1日",
        },
    )
    assert response.status_code == 302
    rows = list(HouseholdMembership.objects.filter(person=person).order_by("pk"))
    assert rows[0].left_on == datetime.date(2025, 4, 1)
    assert (rows[1].relation, rows[1].joined_on, rows[1].left_on) == (
        "母",
        datetime.date(2025, 4, 1),
        None,
    )
    assert _event(owner, "move_household", person).count() == 2


def test_move_page_offers_households_found_by_search_not_all_of_them(
    client, town, owner, unrelated, person
):
    actions.move_household(
        user=owner, person=person, household=None, relation="世帯主", is_head=True,
        on_date=datetime.date(2020, 1, 1), new_household_name="髙橋世帯",
        new_household_address="本町1-2-3",
    )  # fmt: skip
    other = actions.register_person(
        user=unrelated, agency=town.unrelated_agency, data=person_data(given_name="次郎")
    )
    actions.move_household(
        user=unrelated, person=other, household=None, relation="世帯主", is_head=True,
        on_date=datetime.date(2020, 1, 1), new_household_name="髙橋次郎世帯",
    )  # fmt: skip
    son = actions.register_person(user=owner, agency=town.owner_agency, data=person_data())
    client.force_login(owner)
    url = reverse("people:move_household", args=[son.pk])
    assert "髙橋世帯" not in client.get(url).text  # nothing listed before a search
    for q in ("髙橋", "本町"):
        page = client.get(url, {"household_q": q}).text
        assert "髙橋世帯(本町1-2-3)" in page, q
        assert "髙橋次郎世帯" not in page  # another agency's household
    assert "該当する世帯はありません" in client.get(url, {"household_q": "佐藤"}).text


def test_household_page_lists_members_and_is_audited_per_member(
    client, town, owner, unrelated, person
):
    membership = actions.move_household(
        user=owner,
        person=person,
        household=None,
        relation="世帯主",
        is_head=True,
        on_date=datetime.date(2020, 1, 1),
        new_household_name="髙橋世帯",
    )
    client.force_login(owner)
    response = client.get(reverse("people:household", args=[membership.household_id]))
    assert response.status_code == 200
    assert "花子" in response.text and "令和2年1月1日 (2020)" in response.text
    assert _event(owner, "view", person, purpose="世帯").exists()
    client.force_login(unrelated)
    assert (
        client.get(reverse("people:household", args=[membership.household_id])).status_code == 404
    )


def test_a_stale_edit_shows_both_versions_and_never_undoes_the_newer_address(
    client, owner, partner, person
):
    url = reverse("people:edit", args=[person.pk])
    loaded = person.lock_version
    client.force_login(partner)
    client.post(url, person_data(address="テスト町新町9", lock_version=loaded))
    client.force_login(owner)  # a tab opened before the partner saved
    response = client.post(url, person_data(phone="0120-000-000", lock_version=loaded))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人が先に保存しました" in body and "障害 二郎さんが" in body
    table = body.split("保存されている内容とあなたの入力の違い")[1].split("</table>")[0]
    cells = {
        re.sub(r"<[^>]+>", "", th): [re.sub(r"<[^>]+>", "", td) for td in tds]
        for th, tds in re.findall(r"<th scope=\"row\">(.*?)</th>((?:<td>.*?</td>)+)", table)
        for tds in [re.findall(r"<td>(.*?)</td>", tds)]
    }
    assert cells["住所"] == ["テスト町新町9", "テスト町本町1-2-3"]  # saved | mine
    assert cells["電話番号"] == ["", "0120-000-000"]
    person.refresh_from_db()
    assert person.address == "テスト町新町9" and person.phone == ""
    form = body.split("</section>")[1]
    assert 'value="テスト町新町9"' in form
    # Saving the refilled form again keeps the newer address.
    data = person_data(address="テスト町新町9", phone="0120-000-000")
    data["lock_version"] = person.lock_version
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.address == "テスト町新町9" and person.phone == "0120-000-000"


def test_a_stale_edit_with_a_bad_date_still_gets_the_conflict_screen(client, owner, person):
    url = reverse("people:edit", args=[person.pk])
    client.force_login(owner)
    body = client.post(url, {"birth_date": "昭和99年1月1日", "lock_version": "0"}).content.decode()
    assert "ほかの人が先に保存しました" in body and "errorlist" not in body
