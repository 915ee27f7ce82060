"""Names written in another script: alphabet ↔ katakana, for foreign residents' records.

One counter types the name as registered in alphabet (NGUYEN THI LAN), another the katakana
reading (グエン・ティ・ラン, グエン ヴァン / バン …). Neither can be turned into the other
exactly, so both are brought to a rough *sound* in Latin letters that keeps what Japanese
katakana keeps of a foreign name:

- ``sound_forms(token)``: one or more loose spellings of a name part (``ran`` for LAN and
  ラン, ``guien``/``guen`` for NGUYEN and グエン). Katakana is romanised; both sides then
  fold the letters Japanese does not tell apart (l/r, v/b, f/h, y/i, w/u, z/s, c/k …), drop
  the vowels katakana adds after consonants (サントス → sants = SANTOS) and the endings it
  drops (-nh, -ng → n, r before a consonant).
- ``skeleton(form)``: the consonants only; two parts can be the same name only when their
  skeletons agree, and then the vowels decide how close they are.

Irregular readings that rules cannot reach (Vietnamese TR → チ, Chinese ZH/X/Q) are listed in
``ALTERNATIVES``; each gives an extra form, never replaces the rule-based one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPLIT = re.compile(r"[\s・･.,、。'\"()（）\-‐‑‒–—―−－/]+")
_LATIN = re.compile(r"[a-z]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa]")

# Two-kana sounds first, then single kana (Hepburn-like; ヴ as b, as Japanese says it).
_KANA_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "シェ": "she",
    "ショ": "sho", "チャ": "cha", "チュ": "chu", "チェ": "che", "チョ": "cho", "ニャ": "nya",
    "ニュ": "nyu", "ニョ": "nyo", "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya",
    "ミュ": "myu", "ミョ": "myo", "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya",
    "ギュ": "gyu", "ギョ": "gyo", "ジャ": "ja", "ジュ": "ju", "ジェ": "je", "ジョ": "jo",
    "ビャ": "bya", "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo",
    "ティ": "ti", "ディ": "di", "トゥ": "tu", "ドゥ": "du", "テュ": "tyu", "デュ": "dyu",
    "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "フュ": "fyu", "ウィ": "wi",
    "ウェ": "we", "ウォ": "wo", "ヴァ": "ba", "ヴィ": "bi", "ヴェ": "be", "ヴォ": "bo",
    "ヴュ": "byu", "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse", "ツォ": "tso", "クァ": "kwa",
    "グァ": "gwa", "スィ": "si", "ズィ": "zi", "イェ": "ye", "クォ": "kwo",
}  # fmt: skip
_KANA_LETTERS = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヰヱヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョヮ"
)
_KANA_SOUNDS = (
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
    "ma mi mu me mo ya yu yo ra ri ru re ro wa i e o n ga gi gu ge go za ji zu ze zo da ji zu "
    "de do ba bi bu be bo pa pi pu pe po bu a i u e o ya yu yo wa"
)
_KANA = dict(zip(_KANA_LETTERS, _KANA_SOUNDS.split(), strict=True))

# Letter groups Japanese does not tell apart, applied in order to both scripts.
_FOLDS = [
    (r"^ng(?=[aeiouy])", "g"),  # NGUYEN → グエン, NGOC → ゴック
    (r"tch", "ch"),
    (r"oo", "u"),  # SOO → スー
    (r"ph", "f"),
    (r"th", "t"),
    (r"kh", "k"),
    (r"gh", "g"),
    (r"dh", "d"),
    (r"sch", "sh"),
    (r"ck", "k"),
    (r"qu", "k"),
    (r"c(?=[ei])", "s"),  # GARCIA → ガルシア
    (r"c(?!h)", "k"),
    (r"q", "k"),
    (r"x", "s"),
    (r"zh", "j"),
    (r"dz", "z"),
    (r"tsu", "su"),
    (r"ts", "s"),
    (r"sh", "s"),
    (r"z", "s"),
    (r"v", "b"),
    (r"f", "h"),
    (r"l", "r"),
    (r"w", "u"),
    (r"y", "i"),
    (r"j", "ji"),
    (r"n(?=[bmp])", "m"),  # モハンマド = MOHAMMAD
    (r"([bdgkmnprst])\1+", r"\1"),  # ドゥック → dukku → duku
    (r"(?<=[aeiou])h(?=n|$)", ""),  # JOHN, SHAH: an h after a vowel is not heard
    (r"(?<=[aeiou])(?:nh|ng|n)$", "n"),  # MINH, HOANG → ミン, ホアン
    (r"(?<=[bdgkmprst])[uo](?=[bdghkmnprst]|$)", ""),  # vowels katakana adds: サントス
    (r"([bdgkmnprst])\1+", r"\1"),
    (r"(?<=[aeiou])r(?=[^aeiou]|$)", ""),  # PARK → パク, SILVA → シルバ (non-rhotic)
    (r"([aeiou])\1+", r"\1"),  # リュウ = LIU
    (r"(?<=[aeiou])(?:e|i)(?=[aeiou])", ""),  # -ei-, -ie- glides: レイエス = REYES
]
_FOLD_PATTERNS = [(re.compile(p), r) for p, r in _FOLDS]

# Readings the rules cannot reach: Latin spelling (after lower-casing) → katakana-like forms.
ALTERNATIVES = {
    "tran": ["chan"],
    "trang": ["chan"],
    "trung": ["chun"],
    "truong": ["chuon"],
    "zhang": ["chan"],
    "zhou": ["shuu", "jou"],
    "zhao": ["chao"],
    "huang": ["fan", "uan"],
    "xu": ["shu"],
    "xie": ["shie"],
    "qian": ["chen"],
    "li": ["rii"],
    "kim": ["kimu"],
    "lee": ["ii", "rii"],
    "pham": ["famu"],
    "duong": ["zuon", "yuon"],
    "dung": ["zun", "yun"],
    "giang": ["zan", "jan"],
}


def _base(text: str) -> str:
    """Width, case and accents folded: Nguyễn → nguyen, ｸﾞｴﾝ → グエン."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Combining voiced marks belong to kana: compose them back (グ, not ク + ゛).
    return unicodedata.normalize("NFC", stripped if not _KATAKANA.search(text) else text)


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(_base(text)))


def tokens(*parts: str) -> list[str]:
    """Name parts as a list: 「NGUYEN THI」「LAN」 → nguyen, thi, lan; グエン・ティ → グエン, ティ."""
    out: list[str] = []
    for part in parts:
        text = _base(part or "")
        text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
        out.extend(t for t in _SPLIT.split(text) if t)
    return out


def romanise(kana: str) -> str:
    """Katakana to Latin letters (long vowel marks and ッ dropped: folds undo doubling)."""
    out, i = [], 0
    while i < len(kana):
        pair = kana[i : i + 2]
        if pair in _KANA_DIGRAPHS:
            out.append(_KANA_DIGRAPHS[pair])
            i += 2
            continue
        c = kana[i]
        out.append(_KANA.get(c, "") if c not in "ーッ" else "")
        i += 1
    return "".join(out)


def _fold(latin: str) -> str:
    for pattern, replacement in _FOLD_PATTERNS:
        latin = pattern.sub(replacement, latin)
    return latin


@lru_cache(maxsize=65536)
def sound_forms(token: str) -> tuple[str, ...]:
    """Loose Latin spellings of one name part, in either script ('' for kanji)."""
    if _KATAKANA.search(token):
        return (_fold(romanise(token)),)
    if not _LATIN.search(token):
        return ()
    forms = [_fold(token)] + [_fold(alt) for alt in ALTERNATIVES.get(token, [])]
    if token.startswith("tr"):  # Vietnamese TR is チ: TRAN → チャン
        forms.append(_fold("ch" + token[2:]))
    if "th" in token:  # English TH is サ行: SMITH → スミス
        forms.append(_fold(token.replace("th", "s")))
    if "j" in token:  # Spanish J is ハ行: JOSE → ホセ, JUAN → フアン
        forms.append(_fold(token.replace("j", "h")))
    return tuple(dict.fromkeys(forms))


def skeleton(form: str) -> str:
    """The consonants of a loose form: the part two spellings of one name must share."""
    return re.sub(r"[aeiou]", "", form)
