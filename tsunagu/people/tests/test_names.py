import unicodedata

import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsunagu.people import names

# --- 異体字 -------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "standard"), sorted(names.fold_table().items()))
def test_every_fold_table_entry_folds_to_its_standard_form(variant, standard):
    assert names.name_key(variant) == names.name_key(standard) == standard


def test_fold_table_covers_the_name_variants_joyokanji_misses():
    table = names.fold_table()
    for variant in "髙﨑碕邉濵嶋嶌冨𠮷桒槇":
        assert variant in table


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("川碕", "川崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("齋藤", "斉藤"),
        ("齊藤", "斉藤"),
        ("斎藤", "斉藤"),
        ("中澤", "中沢"),
        ("濱田", "浜田"),
        ("濵田", "浜田"),
        ("中嶋", "中島"),
        ("櫻井", "桜井"),
        ("關", "関"),
        ("廣瀬", "広瀬"),
        ("冨田", "富田"),
        ("國分", "国分"),
        ("𠮷田", "吉田"),
        ("惠子", "恵子"),
        ("眞理", "真理"),
        ("龍也", "竜也"),
        ("榮一", "栄一"),
        ("實", "実"),
        ("藏之介", "蔵之介"),
        ("德川", "徳川"),
        ("桒原", "桑原"),
        ("槇原", "槙原"),
        ("\ufa4f介", "祐介"),
        ("\ufa19田", "神田"),
    ],
)
def test_name_variants_share_one_key(a, b):
    assert names.name_key(a) == names.name_key(b)


def test_variation_selectors_are_ignored_in_keys_only():
    registered = "葛\U000e0100飾"
    assert names.name_key(registered) == names.name_key("葛飾") == "葛飾"
    assert names.strip_variation_selectors("辻\ufe00") == "辻"
    assert registered == "葛\U000e0100飾"  # the input itself is untouched


def test_distinct_surnames_keep_distinct_keys():
    assert names.name_key("渡辺") != names.name_key("渡部")
    assert names.name_key("高橋") != names.name_key("髙野")


def test_whitespace_and_width_are_removed_from_name_keys():
    assert names.name_key("髙橋　太郎") == names.name_key("高橋 太郎") == "高橋太郎"
    assert names.name_key("ＳＭＩＴＨ John") == "smithjohn"


# --- kana ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("たかはし", "タカハシ"),
        ("ﾀｶﾊｼ", "タカハシ"),
        ("ﾀｶﾊｼ ﾀﾛｳ", "タカハシタロウ"),
        ("キヨウコ", "キョウコ"),
        ("シヨウタ", "ショウタ"),
        ("ハツトリ", "ハットリ"),
        ("ヴァイオリン", "バイオリン"),
        ("ヴィヴィアン", "ビビアン"),
        ("ヴ", "ブ"),
        ("ヴェ", "ベ"),
        ("ヴォ", "ボ"),
        ("ウ゛ァ", "バ"),
        ("チヂミ", "チジミ"),
        ("ツヅキ", "ツズキ"),
        ("ヲノ", "オノ"),
        ("サイトー", "サイト-"),
        ("サイトー", "サイトｰ"),
    ],
)
def test_kana_variants_share_one_kana_key(a, b):
    assert names.kana_key(a) == names.kana_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ユウコ", "ユーコ"),
        ("オオノ", "オーノ"),
        ("サトウ", "サトー"),
        ("サトウ", "サトオ"),
        ("ケイコ", "ケーコ"),
        ("ゆうこ", "ﾕｰｺ"),
    ],
)
def test_long_vowel_spellings_share_one_sound_key(a, b):
    assert names.kana_sound_key(a) == names.kana_sound_key(b)
    assert names.kana_key(a) != names.kana_key(b)  # the finer key still tells them apart


def test_sound_key_keeps_different_names_apart():
    assert names.kana_sound_key("サトウ") != names.kana_sound_key("サイトウ")
    assert names.kana_sound_key("ユウタ") != names.kana_sound_key("ユウト")


def test_katakana_for_storage_keeps_small_kana_and_long_vowel():
    assert names.katakana("ゆーこ") == "ユーコ"
    assert names.katakana("ｷｮｳｺ") == "キョウコ"
    assert names.katakana(" たなか　 ") == "タナカ"
    assert names.is_katakana("キョウコ")
    assert not names.is_katakana("きょうこ")
    assert not names.is_katakana("")


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "テスト町本町三丁目5番2号",
        "テスト町本町3-5-2",
        "テスト町本町３－５－２",
        "テスト町本町三ー五ー二",
        "鳥取県テスト町本町3丁目5番地2",
        "テスト町本町3丁目5番2号 コーポ山田201",
        "テスト町本町3‐5‐2",
    ],
)
def test_address_notations_share_one_key(written):
    assert names.address_key(written) == "テスト町本町3-5-2"


def test_address_keeps_place_names_with_kanji_numerals():
    assert names.address_key("千代田区一番町") == "千代田区一番町"
    assert names.address_key("四日市市本町") == "四日市市本町"
    assert names.address_key("八王子市三丁目1") == "八王子市3-1"


def test_kanji_numerals_convert():
    assert [names.kanji_to_int(n) for n in ["三", "十二", "二十", "百五", "一〇", "千二百"]] == [
        3,
        12,
        20,
        105,
        10,
        1200,
    ]


# --- properties ----------------------------------------------------------------------

NAME_CHARS = st.sampled_from(
    list(
        "あいうえおかがきぎゃゅょっぁぃゔゝアイウエオカガキャュョッァィヴヵヶヲヂヅーｱｲｳｶﾞﾊﾟｰ"
        "高髙崎﨑辺邊邉斉斎齋齊沢澤浜濱濵島嶋桜櫻国國吉𠮷田中山太郎子"
        "abcXYZ０１２ 　・-"
    )
    + list(names.fold_table())
    + ["\ufe00", "\U000e0100"]
)
names_text = st.text(NAME_CHARS, max_size=12)
KEYS = [names.kana_key, names.kana_sound_key, names.name_key, names.address_key]


@pytest.mark.parametrize("key", KEYS)
@given(text=names_text)
def test_keys_are_idempotent(key, text):
    assert key(key(text)) == key(text)


@pytest.mark.parametrize("key", KEYS)
@given(text=st.text(max_size=12))
def test_keys_are_idempotent_on_any_text(key, text):
    assert key(key(text)) == key(text)


@pytest.mark.parametrize("key", KEYS)
@given(text=names_text)
def test_keys_are_width_insensitive(key, text):
    half = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    full = jaconv.h2z(text, kana=True, ascii=True, digit=True)
    assert key(half) == key(text) == key(full)


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in text)


@pytest.mark.parametrize("key", [names.kana_key, names.kana_sound_key, names.name_key])
@given(text=st.text(max_size=12).filter(_has_letter))
def test_name_keys_are_never_empty_when_input_has_a_letter(key, text):
    assert key(text)


def test_marks_left_next_to_a_letter_are_composed():
    assert names.kana_key("ヵﾞ") == names.kana_key(names.kana_key("ヵﾞ")) == "ガ"
    assert names.address_key("A´") == names.address_key(names.address_key("A´"))
    assert names.name_key("ッﾞ") == names.kana_key("ッﾞ") == "ズ"
