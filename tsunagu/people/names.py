"""Japanese name and address normalisation for matching keys.

The registered name is never altered (variant selectors, 旧字体 and all): these functions
only derive *keys* from it. Three kinds of key:

- ``kana_key``: registered フリガナ unified for comparison — width, script
  (hiragana→katakana), small kana written large, ヴ/ブ, ヂ/ジ, ヅ/ズ, ヲ/オ.
- ``kana_sound_key``: ``kana_key`` with long vowels collapsed (ユウコ/ユーコ → ユコ,
  オオノ/オーノ → オノ); used for blocking, where a missed candidate costs more than an
  extra one.
- ``name_key``: the written name with width, whitespace and variant selectors removed and
  異体字 folded (joyokanji for 旧字体→新字体, then ``data/itaiji.tsv`` for name variants
  joyokanji leaves alone, such as 髙, 﨑, 邉, 濵, 嶋, 冨, 𠮷). Kana inside a name is unified
  as in ``kana_key``.

``address_key`` normalises notation (dashes, 丁目/番地/号, kanji numerals in block
context, building names) so that the same address written two ways gives one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import joyokanji

FOLD_TABLE_PATH = Path(__file__).parent / "data" / "itaiji.tsv"

_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SEPARATORS = re.compile(r"[\s・･.,、。'\"()（）「」\-‐‑‒–—―−－]+")

_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096  # ぁ..ゖ
_KANA_OFFSET = 0x60  # hiragana → katakana

# Multi-character spellings first (ヴァ before ヴ).
_KANA_SPELLINGS = [
    ("ヴァ", "バ"),
    ("ヴィ", "ビ"),
    ("ヴェ", "ベ"),
    ("ヴォ", "ボ"),
    ("ヴュ", "ビュ"),
    ("ヴ", "ブ"),
]
_KANA_CHARS = str.maketrans(
    {
        "ァ": "ア",
        "ィ": "イ",
        "ゥ": "ウ",
        "ェ": "エ",
        "ォ": "オ",
        "ッ": "ツ",
        "ャ": "ヤ",
        "ュ": "ユ",
        "ョ": "ヨ",
        "ヮ": "ワ",
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヷ": "バ",
        "ヸ": "ビ",
        "ヹ": "ベ",
        "ヺ": "ボ",
        "ヂ": "ジ",
        "ヅ": "ズ",
        "ヲ": "オ",
        "ヰ": "イ",
        "ヱ": "エ",
    }
)
_STRAY_VOICED_MARKS = re.compile("(?<=.)[\u3099\u309a]")  # kept alone: ﾞ is a letter
# Hyphen-like characters typed for the long vowel mark in kana fields.
_LONG_VOWEL_AFTER_KANA = re.compile("(?<=[\u30a1-\u30ff])[-‐‑‒–—―−－~〜～ｰ]")

# Vowel of each katakana (after unification), for long-vowel collapsing.
_VOWEL_ROWS = {
    "ア": "アカガサザタダナハバパマヤラワ",
    "イ": "イキギシジチヂニヒビピミリ",
    "ウ": "ウクグスズツヅヌフブプムユル",
    "エ": "エケゲセゼテデネヘベペメレ",
    "オ": "オコゴソゾトドノホボポモヨロ",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWEL_ROWS.items() for kana in row}


def strip_variation_selectors(text: str) -> str:
    """Remove standardised and ideographic variation selectors (SVS/IVS)."""
    return _VARIATION_SELECTORS.sub("", text)


def _base(text: str) -> str:
    """Common first steps: selectors out, NFKC (width, compatibility ideographs)."""
    return unicodedata.normalize("NFKC", strip_variation_selectors(text))


_TO_KATAKANA = {c: c + _KANA_OFFSET for c in range(_HIRAGANA_START, _HIRAGANA_END + 1)} | {
    0x309D: 0x30FD,  # ゝ → ヽ
    0x309E: 0x30FE,  # ゞ → ヾ
}


def hiragana_to_katakana(text: str) -> str:
    return text.translate(_TO_KATAKANA)


def katakana(text: str) -> str:
    """Form input for フリガナ stored as full-width katakana (small kana and ー kept).

    Accepts hiragana, katakana and half-width katakana; inner whitespace is collapsed
    to nothing because family and given kana are stored in separate fields.
    """
    text = hiragana_to_katakana(_base(text))
    return re.sub(r"\s+", "", text)


def is_katakana(text: str) -> bool:
    """True when ``text`` is only full-width katakana, ー and the middle dot."""
    return bool(text) and all("\u30a1" <= c <= "\u30ff" for c in text)


def _expand_iteration_marks(text: str) -> str:
    if "ヽ" not in text and "ヾ" not in text:
        return text
    out: list[str] = []
    for c in text:
        if c == "ヽ" and out:
            out.append(out[-1])
        elif c == "ヾ" and out:
            out.append(unicodedata.normalize("NFC", out[-1] + "\u3099"))
        else:
            out.append(c)
    return "".join(out)


def _unify_kana_once(text: str) -> str:
    if "ヴ" in text:
        for spelling, unified in _KANA_SPELLINGS:
            text = text.replace(spelling, unified)
    # A voiced mark that did not compose with the kana before it is noise; dropping it keeps
    # a later step (removing ー) from making it compose (ウー゙ → ヴ → ヴ).
    return _STRAY_VOICED_MARKS.sub("", unicodedata.normalize("NFC", text.translate(_KANA_CHARS)))


def _unify_kana(text: str) -> str:
    """Katakana spelling variants folded; text is already NFKC + katakana.

    Repeated to a fixed point: a large kana can compose with a following voiced mark
    (ッ゙ → ヅ → ヅ), and that result folds again (ヅ → ズ).
    """
    text = _expand_iteration_marks(text)
    for _ in range(3):
        unified = _unify_kana_once(text)
        if unified == text:
            break
        text = unified
    return text


def _long_vowel_after_kana(text: str) -> str:
    """Hyphen/tilde look-alikes typed after kana mean the long vowel mark ー."""
    return _LONG_VOWEL_AFTER_KANA.sub("ー", text)


@lru_cache(maxsize=65536)  # names repeat a lot; keys are pure functions of the text
def kana_key(text: str) -> str:
    """フリガナ unified for comparison; long vowels kept (ユーコ ≠ ユコ here)."""
    text = hiragana_to_katakana(_base(text))
    text = _long_vowel_after_kana(text)
    # NFC again: removing a separator can leave a combining mark (ウ ゛ → ウ゛ → ヴ).
    text = unicodedata.normalize("NFC", _SEPARATORS.sub("", text))
    return unicodedata.normalize("NFC", _unify_kana(text))  # ヵ゙ → ガ → ガ


def collapse_long_vowels(text: str) -> str:
    """Long vowels out of a ``kana_key``: ユウコ/ユーコ → ユコ."""
    out: list[str] = []
    for c in text:
        prev = _VOWEL_OF.get(out[-1]) if out else None
        if prev and (
            c == "ー"
            or _VOWEL_OF.get(c) == prev == c  # オオ, アア (vowel kana only)
            or (c == "ウ" and prev in "ウオ")
            or (c == "イ" and prev == "エ")
        ):
            continue
        out.append(c)
    return "".join(out)


def kana_sound_key(text: str) -> str:
    """``kana_key`` with long vowels collapsed: サトウ/サトー/サトオ → サト."""
    return collapse_long_vowels(kana_key(text))


@cache
def fold_table() -> dict[str, str]:
    """Curated 異体字 → 通用字体 folds for names (see data/itaiji.tsv)."""
    table: dict[str, str] = {}
    for line in FOLD_TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        variant, standard = line.split("\t")[:2]
        table[variant] = standard
    return table


@cache
def _fold_translation() -> dict[int, str]:
    return {ord(variant): standard for variant, standard in fold_table().items()}


def fold_itaiji(text: str) -> str:
    """旧字体→新字体 (joyokanji) then the curated name fold table."""
    return joyokanji.convert(text).translate(_fold_translation())


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Written name (kanji, kana or Latin) as a key: 渡邊/渡邉/渡辺 → 渡辺."""
    text = _SEPARATORS.sub("", hiragana_to_katakana(_base(text)))
    text = _unify_kana(fold_itaiji(unicodedata.normalize("NFC", text)))
    return unicodedata.normalize("NFKC", text.casefold())


# --- addresses -----------------------------------------------------------------------

_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|[^\d\s]{2,3}県)")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = "[〇一二三四五六七八九十百千]+"
_BLOCK_SUFFIX = "(?:丁目|丁|番地|番(?!町)|号|の|-|ー)"  # 一番町 is a place name
_KANJI_BEFORE_BLOCK = re.compile(rf"({_KANJI_NUMBER})(?={_BLOCK_SUFFIX})")
_KANJI_AFTER_BLOCK = re.compile(rf"(?<=[の\-ー])({_KANJI_NUMBER})")
_ADDRESS_DASHES = re.compile("[‐‑‒–—―−－─━]")
_DASH_AFTER_DIGIT = re.compile(r"(?<=\d)[ーｰ]")
_BLOCK_WORDS = re.compile(r"(?<=\d)(?:丁目|丁|番地|番(?!町)|号)")
_NO_BETWEEN_DIGITS = re.compile(r"(?<=[\d-])の(?=\d)")
_DASH_RUN = re.compile(r"-{2,}")
_BLOCK_RUN = re.compile(r"^(.*?\d+(?:-\d+){1,2})")  # a fourth number is a room
_NUMBER_THEN_DASH = re.compile(r"^(.*?\d+)-")


_OAZA = re.compile(r"大字|(?<=[町村])字(?=\D)")
_MUNICIPALITY_END = re.compile(r"(?:市|区|町|村|郡)$")
_ROOM = re.compile(r"(\d+)(?:号室|号)?$")


def same_place(a: str, b: str) -> bool:
    """Two ``address_key``s of one place, one perhaps without its 市区町村 (中央町1-2 and
    柏崎市中央町1-2): the longer ends with the shorter after a municipality name."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    head = long[: len(long) - len(short)]
    return bool(short) and long.endswith(short) and bool(_MUNICIPALITY_END.search(head))


def address_room(text: str) -> str:
    """The room number written after the block numbers (コーポ山田201, 3-5-2-201号室)."""
    text = re.sub(r"\s+", "", _base(text))
    key = address_key(text)
    if not key:
        return ""
    text = _NO_BETWEEN_DIGITS.sub("-", text.replace("号室", ""))
    folded = _DASH_RUN.sub("-", _BLOCK_WORDS.sub("-", _ADDRESS_DASHES.sub("-", text)))
    block = re.search(r"\d+(?:-\d+){1,2}", folded)
    if not block:
        return ""
    match = _ROOM.search(folded[block.end() :].rstrip("-"))
    return match.group(1) if match else ""


def kanji_to_int(numeral: str) -> int:
    """Kanji numeral to int: 三 → 3, 十二 → 12, 二十 → 20, 百五 → 105, 一〇 → 10."""
    if not any(c in _KANJI_UNITS for c in numeral):
        return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))
    total, digit = 0, 0
    for c in numeral:
        if c in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[c]
            digit = 0
        else:
            digit = _KANJI_DIGITS[c]
    return total + digit


def address_key(text: str) -> str:
    """Address notation folded: 三丁目5番2号 コーポ201 / 3-5-2 → ``…3-5-2``.

    Kanji numerals are converted only next to block words, so 千代田区 and 四日市 stay.
    Everything after the block numbers (building, room) is dropped.
    """
    text = re.sub(r"\s+", "", _base(text))
    if not text:
        return ""
    text = _OAZA.sub("", _PREFECTURE.sub("", text))
    text = _ADDRESS_DASHES.sub("-", text)
    text = _KANJI_BEFORE_BLOCK.sub(lambda m: str(kanji_to_int(m.group(1))), text)
    text = _KANJI_AFTER_BLOCK.sub(lambda m: str(kanji_to_int(m.group(1))), text)
    text = _DASH_AFTER_DIGIT.sub("-", text)
    text = _BLOCK_WORDS.sub("-", text)
    text = _DASH_RUN.sub("-", _NO_BETWEEN_DIGITS.sub("-", text))
    match = _BLOCK_RUN.match(text) or _NUMBER_THEN_DASH.match(text)
    if match:
        text = match.group(1)
    # NFC: removing spaces can leave a combining mark next to its base letter.
    return unicodedata.normalize("NFC", fold_itaiji(text.rstrip("-")))
