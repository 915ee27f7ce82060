"""Planned frequency of a meeting body (the profile's text, as the plan writes it).

``expected_per_year`` turns 年2回, 隔月, 毎月, 月1回, 四半期… into sessions expected per
fiscal year, also behind 定例/定期 and in brackets (定例（毎月１回）); 随時 and ケースごと (held when needed) have no target and give ``None``, as
does any wording we do not recognise — the page then shows the text as written.
"""

from __future__ import annotations

import re
import unicodedata

_FIXED = {
    "毎月": 12,
    "隔月": 6,
    "毎週": 52,
    "隔週": 26,
    "四半期": 4,
    "四半期ごと": 4,
    "半期ごと": 2,
    "毎年": 1,
}
_KANJI_DIGITS = str.maketrans("一二三四五六七八九", "123456789")
_PER_YEAR = re.compile(r"^年(\d+)回(程度|以上)?$")
_PER_MONTH = re.compile(r"^毎?月(\d+)回(程度|以上)?$")
_REGULAR = re.compile(r"^(定例|定期)(開催)?")
_EVERY_N_MONTHS = re.compile(r"^(\d+)[かヶケカ]月(に1回|ごと|毎)$")


def expected_per_year(frequency: str) -> int | None:
    text = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", frequency or ""))
    text = _REGULAR.sub("", text) or text
    if text in _FIXED:
        return _FIXED[text]
    text = text.translate(_KANJI_DIGITS)
    count = None
    if m := _PER_YEAR.match(text):
        count = int(m.group(1))
    elif m := _PER_MONTH.match(text):
        count = int(m.group(1)) * 12
    elif (m := _EVERY_N_MONTHS.match(text)) and 0 < int(m.group(1)) <= 12:
        count = 12 // int(m.group(1))
    return count or None
