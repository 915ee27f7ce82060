import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsunagu.lib.kana import KanaError, to_katakana

KATAKANA = [chr(c) for c in range(0x30A1, 0x30F7)] + ["ー"]
HIRAGANA = [chr(c) for c in range(0x3041, 0x3097)]
HALF_WIDTH = [chr(c) for c in range(0xFF66, 0xFF9E)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("たなか", "タナカ"),
        ("タナカ", "タナカ"),
        ("ﾀﾅｶ", "タナカ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("ﾊﾟﾋﾟﾌﾟ", "パピプ"),
        ("ｳﾞｨｰ", "ヴィー"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("か゛", "ガ"),
        ("カ\u3099", "ガ"),
        ("  たなか   はなこ ", "タナカ\u3000ハナコ"),
        ("ﾀﾅｶ\u3000ﾊﾅｺ", "タナカ\u3000ハナコ"),
        ("じょん・すみす", "ジョン・スミス"),
        ("", ""),
    ],
)
def test_stores_full_width_katakana(text, expected):
    assert to_katakana(text) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("田中", "「田」「中」"),
        ("tanaka", "「t」「a」「n」「k」"),
        ("タナカ1", "「1」"),
        ("ア゛", "「゛」"),
    ],
)
def test_refuses_other_characters_naming_them(text, shown):
    with pytest.raises(KanaError, match=shown):
        to_katakana(text, field="フリガナ(氏)")
    with pytest.raises(KanaError, match=r"^フリガナ\(氏\)はひらがな・カタカナで"):
        to_katakana(text, field="フリガナ(氏)")


@given(st.text(alphabet=KATAKANA + HIRAGANA + HALF_WIDTH + [" ", "\u3000"]))
def test_any_kana_input_becomes_katakana_and_is_idempotent(text):
    result = to_katakana(text)
    assert all(0x30A1 <= ord(ch) <= 0x30FE or ch == "\u3000" for ch in result)
    assert to_katakana(result) == result


@given(st.text(alphabet=KATAKANA + HIRAGANA, min_size=1))
def test_hiragana_and_katakana_spell_the_same(text):
    assert to_katakana(jaconv.kata2hira(text)) == to_katakana(text)
    assert to_katakana(jaconv.z2h(to_katakana(text), kana=True)) == to_katakana(text)


@given(
    st.text(alphabet=KATAKANA + HIRAGANA),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.text(alphabet=KATAKANA + HIRAGANA),
)
def test_kanji_anywhere_is_refused(before, kanji, after):
    with pytest.raises(KanaError, match=kanji):
        to_katakana(before + kanji + after)
