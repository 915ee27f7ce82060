import datetime

import pytest

from tsunagu.people import matching
from tsunagu.people.matching import LINK, REVIEW, Subject, find_candidates, refresh_keys, score_pair
from tsunagu.people.models import Person, PersonMatchKey

D = datetime.date
HOME = "テスト町本町3丁目5番2号"


@pytest.fixture
def register(town):
    def register(**fields) -> Person:
        values = {
            "family_name": "髙橋",
            "given_name": "太郎",
            "family_kana": "タカハシ",
            "given_kana": "タロウ",
            "birth_date": D(1950, 4, 3),
            "address": HOME,
        } | fields
        person = Person.objects.create(
            municipality=town.municipality, registered_by=town.owner_agency, **values
        )
        refresh_keys(person)
        return person

    return register


def search(town, **fields):
    query = {
        "family_name": "高橋",
        "given_name": "太郎",
        "family_kana": "たかはし",
        "given_kana": "ﾀﾛｳ",
        "birth_date": D(1950, 4, 3),
        "address": "テスト町本町3-5-2",
    } | fields
    return find_candidates(municipality_id=town.municipality.pk, **query)


def test_variant_spelling_of_the_same_person_is_a_link_with_japanese_reasons(town, register):
    taro = register()
    [candidate] = search(town)
    assert candidate.person == taro
    assert candidate.band == LINK
    assert candidate.score > 0.8
    assert candidate.reasons == ["氏名・フリガナ一致", "生年月日一致", "住所一致"]


def test_the_right_person_ranks_first_among_the_household(town, register):
    register(given_name="花子", given_kana="ハナコ", birth_date=D(1952, 8, 1))  # wife
    register(given_name="一郎", given_kana="イチロウ", birth_date=D(1980, 1, 20))  # son
    taro = register()
    candidates = search(town)
    assert candidates[0].person == taro
    assert [c.person for c in candidates] == [taro]


def test_household_members_are_never_linked(town, register):
    register(given_name="花子", given_kana="ハナコ", birth_date=D(1952, 8, 1))
    assert search(town) == []


def test_twins_are_not_linked(town, register):
    register(given_name="次郎", given_kana="ジロウ")
    register(given_name="太一", given_kana="タイチ")
    assert all(c.band != LINK for c in search(town))


def test_twins_with_similar_readings_are_not_linked(town, register):
    register(given_name="優太", given_kana="ユウタ")
    assert all(c.band != LINK for c in search(town, given_name="優斗", given_kana="ユウト"))


def test_namesakes_born_far_apart_are_not_linked(town, register):
    register(birth_date=D(1988, 11, 30), address="テスト町緑町1-1")
    assert search(town) == []


def test_namesake_in_the_same_house_with_another_birth_date_needs_review_at_most(town, register):
    register(birth_date=D(1975, 6, 1))  # son with his father's name
    assert all(c.band != LINK for c in search(town))


def test_married_name_change_and_move_surfaces_for_review(town, register):
    hanako = register(
        family_name="鈴木",
        family_kana="スズキ",
        given_name="花子",
        given_kana="ハナコ",
        birth_date=D(1985, 2, 14),
        address="テスト町緑町1-1",
    )
    [candidate] = search(town, given_name="花子", given_kana="はなこ", birth_date=D(1985, 2, 14))
    assert candidate.person == hanako
    assert candidate.band == REVIEW
    assert "氏が異なる（婚姻等による変更の可能性）" in candidate.reasons


def test_move_surfaces_with_the_address_difference_as_reason(town, register):
    taro = register(address="テスト町緑町1-1")
    [candidate] = search(town)
    assert candidate.person == taro
    assert candidate.band in (LINK, REVIEW)
    assert "住所が異なる（転居の可能性）" in candidate.reasons


@pytest.mark.parametrize(
    ("registered", "reason"),
    [
        (D(1950, 3, 4), "生年月日の月日入れ替わり（入力誤りの可能性）"),
        (D(1950, 4, 8), "生年月日が1桁違い（入力誤りの可能性）"),
        (D(1956, 4, 3), "生年月日が1桁違い（入力誤りの可能性）"),
    ],
)
def test_birth_date_typos_are_found(town, register, registered, reason):
    taro = register(birth_date=registered)
    [candidate] = search(town)
    assert candidate.person == taro
    assert reason in candidate.reasons


def test_unknown_birth_date_on_either_side_still_finds_the_person(town, register):
    taro = register(birth_date=None)
    assert [c.person for c in search(town)] == [taro]
    dated = register(family_name="佐藤", family_kana="サトウ")
    found = search(town, family_name="佐藤", family_kana="サトー", birth_date=None)
    assert [c.person for c in found] == [dated]


def test_missing_kana_is_bridged_by_the_folded_kanji(town, register):
    taro = register(family_kana="", given_kana="")
    [candidate] = search(town, family_name="髙橋")
    assert candidate.person == taro
    assert candidate.band == LINK


def test_merged_and_excluded_persons_are_not_candidates(town, register):
    kept = register()
    merged = register()
    merged.merged_into = kept
    merged.save()
    assert [c.person for c in search(town)] == [kept]
    assert search(town, exclude_person_id=kept.pk) == []


def test_other_municipalities_are_not_searched(town, register):
    register()
    assert find_candidates(municipality_id=town.municipality.pk + 1, family_kana="タカハシ") == []


def test_candidate_lookup_is_one_query(town, register, django_assert_num_queries):
    for day in range(1, 6):
        register(birth_date=D(1950, 4, day))
    with django_assert_num_queries(1):
        assert search(town)


def test_refresh_keys_replaces_the_old_keys(town, register):
    taro = register()
    taro.family_kana, taro.family_name = "スズキ", "鈴木"
    taro.save()
    refresh_keys(taro)
    assert not PersonMatchKey.objects.filter(person=taro, key__contains="タカハシ").exists()
    assert PersonMatchKey.objects.filter(person=taro, key__startswith="スズキ").exists()
    assert search(town, family_name="鈴木", family_kana="すずき")[0].person == taro


def test_empty_query_finds_nothing(town, register):
    register()
    assert find_candidates(municipality_id=town.municipality.pk) == []


def test_score_pair_needs_no_database():
    a = Subject.of(
        family_kana="ワタナベ", given_kana="ユウコ", family_name="渡邊", given_name="裕子"
    )
    b = Subject.of(family_kana="わたなべ", given_kana="ﾕｰｺ", family_name="渡辺", given_name="裕子")
    match = score_pair(a, b)
    assert match.band == REVIEW  # names agree, no date or address to confirm
    assert match.reasons[-1] == "生年月日不明"


def test_jaro_winkler_known_values():
    assert matching.jaro_winkler("MARTHA", "MARHTA") == pytest.approx(0.9611, abs=1e-4)
    assert matching.jaro_winkler("DIXON", "DICKSONX") == pytest.approx(0.8133, abs=1e-4)
    assert matching.jaro_winkler("", "A") == 0.0
    assert matching.jaro_winkler("タナカ", "タナカ") == 1.0
