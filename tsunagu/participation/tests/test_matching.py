"""matching.py: pure scoring, no database."""

from tsunagu.participation.matching import Needs, OfferFacts, days_words, fit, rank

MON_TO_FRI, MORNING, AFTERNOON = 31, 1, 2
LABELS = {"work_experience": "就労体験", "place": "居場所"}


def offer(pk=1, **values) -> OfferFacts:
    base: dict = {
        "pk": pk,
        "kind": "work_experience",
        "days": MON_TO_FRI,
        "bands": MORNING,
        "area_id": 10,
        "capacity": 3,
        "taken": 0,
        "area_name": "北部圏域",
    }
    base.update(values)
    return OfferFacts(**base)


def needs(**values) -> Needs:
    base: dict = {
        "kinds": frozenset({"work_experience"}),
        "kind_labels": LABELS,
        "days": MON_TO_FRI,
        "bands": MORNING,
        "area_id": 10,
        "near_area_ids": frozenset({10, 1, 11}),
        "age": 40,
        "load": 1,
        "short_hours": True,
    }
    base.update(values)
    return Needs(**base)


def test_explanation_names_what_fits_in_words():
    result = fit(needs(), offer(short_hours=True))
    assert result.score == 100
    assert (
        result.explanation
        == "就労体験・平日午前・同じ圏域(北部圏域)・送迎不要・短時間可・体力に合うが一致"
    )


def test_what_does_not_fit_is_said_and_lowers_the_score():
    result = fit(needs(needs_transport=True), offer(short_hours=False))
    assert "送迎なし" in result.missed and "短時間の受入なし" in result.missed
    assert "合わない点: 送迎なし・短時間の受入なし" in result.explanation
    assert 0 < result.score < 100


def test_schedule_words_name_the_common_days_and_bands():
    result = fit(needs(days=1 | 4, bands=MORNING | AFTERNOON), offer(bands=AFTERNOON))
    assert "月・水の午後" in result.matched


def test_age_outside_the_hosts_range_blocks_the_offer():
    assert fit(needs(age=70), offer(age_max=64)).blocked == "対象年齢(64歳まで)を超える"
    assert fit(needs(age=16), offer(age_min=18)).blocked == "対象年齢(18歳以上)に届かない"


def test_full_offer_and_no_common_day_are_blocked():
    assert "定員" in fit(needs(), offer(capacity=2, taken=2)).blocked
    assert fit(needs(days=32), offer()).blocked == "参加できる曜日に受入がない"
    assert fit(needs(bands=4), offer()).blocked == "参加できる時間帯に受入がない"


def test_offer_at_home_is_not_blocked_by_schedule_when_the_person_wants_home():
    assert fit(needs(days=32, remote=True), offer(remote=True)).blocked == ""


def test_area_above_or_below_the_persons_area_counts_as_reachable():
    assert "通える圏域(町全域)" in fit(needs(), offer(area_id=1, area_name="町全域")).matched
    assert "圏域が違う(南部圏域)" in fit(needs(), offer(area_id=12, area_name="南部圏域")).missed


def test_rank_puts_best_first_and_blocked_last():
    offers = [
        offer(1, kind="place"),
        offer(2, capacity=1, taken=1, short_hours=True),
        offer(3, short_hours=True),
    ]
    assert [f.offer_id for f in rank(needs(), offers)] == [3, 1, 2]


def test_no_wishes_gives_an_explanation_anyway():
    result = fit(Needs(load=1), offer(load=3))
    assert result.explanation == "送迎不要が一致。合わない点: 体力の負担が大きい"


def test_days_words():
    assert days_words(MON_TO_FRI) == "平日"
    assert days_words(96) == "土日"
    assert days_words(127) == "毎日"
    assert days_words(1 | 16) == "月・金"
