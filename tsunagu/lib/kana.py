"""フリガナ input: hiragana, katakana or half-width katakana in, full-width katakana out.

Half-width dakuten (ｶﾞ), combining marks (カ + U+3099) and spacing marks (か゛) are composed
into one character. Runs of spaces (half- or full-width) become one full-width space.
Anything else (kanji, latin letters, digits, symbols) is refused with a Japanese message
naming the characters, because a wrong reading silently breaks 名寄せ later.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv


class KanaError(ValueError):
    """Input that is not kana; the message is Japanese and shown to the user as is."""


# Katakana ァ..ヺ, the middle dot ・ (foreign names) and the long-vowel mark ー, iteration marks.
_ALLOWED = re.compile(r"[\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe\u3000]")
_SPACES = re.compile(r"\s+")
_SPACING_MARKS = str.maketrans({"\u309b": "\u3099", "\u309c": "\u309a"})


def to_katakana(text: str, *, field: str = "フリガナ") -> str:
    """Full-width katakana for ``text``; ``KanaError`` if it holds anything but kana."""
    text = jaconv.h2z(text.strip(), kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text).translate(_SPACING_MARKS)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub("\u3000", text)
    bad = sorted({ch for ch in text if not _ALLOWED.fullmatch(ch)}, key=text.index)
    if bad:
        shown = "」「".join(_visible(ch) for ch in bad)
        raise KanaError(
            f"{field}はひらがな・カタカナで入力してください（使えない文字:「{shown}」）。"
        )
    return text


def _visible(ch: str) -> str:
    # A dakuten that could not combine with its kana is shown as the spacing mark ゛/゜.
    return {"\u3099": "゛", "\u309a": "゜"}.get(ch, ch)
