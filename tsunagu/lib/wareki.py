"""Dates in 西暦 and 和暦, and fiscal years (年度): the one place for both.

Every date a user reads — pages, messages, PDFs, spreadsheets — goes through
``format_wareki`` (templates: ``{{ day|wareki }}``), never ``strftime`` or ISO text.

``parse_date`` reads what counter staff type: 2025-04-01, 2025/4/1, 20250401, 2025年4月1日,
昭和45年3月2日, S45.3.2, s45/3/2, 令和元年5月1日, R1.5.1 (full-width digits too), and the
``format_wareki`` output itself (``昭和45年3月2日 (1970)``). A 和暦 date outside its era
(平成31年5月1日) is refused rather than silently moved to the next era.

明治 is supported from 明治6年1月1日 (1873-01-01), when Japan adopted the Gregorian calendar;
earlier 明治 dates were in the lunisolar calendar and cannot be converted by arithmetic.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone


class DateParseError(ValueError):
    """Input that is not a date; the message is Japanese and shown to the user as is."""


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first_day: datetime.date  # first day this system accepts for the era
    last_day: datetime.date | None

    @property
    def offset(self) -> int:
        """西暦 year of the era's year 0 (昭和: 1925, so 昭和1年 = 1926)."""
        return {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}[self.name]

    def contains(self, day: datetime.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


_d = datetime.date
ERAS: tuple[Era, ...] = (
    Era("令和", "R", _d(2019, 5, 1), None),
    Era("平成", "H", _d(1989, 1, 8), _d(2019, 4, 30)),
    Era("昭和", "S", _d(1926, 12, 25), _d(1989, 1, 7)),
    Era("大正", "T", _d(1912, 7, 30), _d(1926, 12, 24)),
    Era("明治", "M", _d(1873, 1, 1), _d(1912, 7, 29)),
)
_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}

EXAMPLES = "例: 2025-04-01、2025/4/1、20250401、昭和45年3月2日、S45.3.2、令和元年5月1日"

_WAREKI = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*(?:年|[./\-])\s*"
    r"(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*\(\s*(?P<check>\d{4})\s*(?:年)?\s*\))?$",
    re.IGNORECASE,
)
_SEIREKI = re.compile(
    r"^(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*"
    r"(?P<day>\d{1,2})\s*日?$"
)
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")


def _normalise(text: str) -> str:
    # NFKC turns full-width digits/letters and the ㍻/㋿ ligatures into plain text.
    return unicodedata.normalize("NFKC", text).strip()


def _make_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateParseError(f"「{text}」は存在しない日付です。") from None


def _era_period(era: Era) -> str:
    end = "" if era.last_day is None else format_wareki(era.last_day, with_seireki=False)
    return f"{format_wareki(era.first_day, with_seireki=False)}〜{end}"


def _parse_wareki(text: str, match: re.Match) -> datetime.date:
    era = _BY_KEY[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
    year = 1 if match["year"] == "元" else int(match["year"])
    if year == 0:
        raise DateParseError(f"「{text}」: {era.name}0年はありません（1年は「元年」です）。")
    day = _make_date(text, era.offset + year, int(match["month"]), int(match["day"]))
    if not era.contains(day):
        raise DateParseError(
            f"「{text}」は{era.name}の期間（{_era_period(era)}）にない日付です。"
            f"西暦では{day.year}年{day.month}月{day.day}日です。"
        )
    if match["check"] and int(match["check"]) != day.year:
        raise DateParseError(
            f"「{text}」: 括弧内の西暦（{match['check']}年）が和暦（{day.year}年）と一致しません。"
        )
    return day


def parse_date(text: str) -> datetime.date:
    """A date from 西暦 or 和暦 text; ``DateParseError`` (Japanese message) otherwise."""
    original = text.strip()
    if not original:
        raise DateParseError(f"日付が入力されていません。{EXAMPLES}")
    text = _normalise(original)
    if match := _WAREKI.match(text):
        return _parse_wareki(original, match)
    if match := _SEIREKI.match(text) or _COMPACT.match(text):
        return _make_date(original, int(match["year"]), int(match["month"]), int(match["day"]))
    raise DateParseError(f"「{original}」は日付として読み取れません。{EXAMPLES}")


def era_of(day: datetime.date) -> Era | None:
    return next((era for era in ERAS if era.contains(day)), None)


def _era_year(era: Era, year: int) -> str:
    n = year - era.offset
    return f"{era.name}{'元' if n == 1 else n}年"


def format_wareki(day: datetime.date | None, *, with_seireki: bool = True) -> str:
    """``昭和45年3月2日 (1970)``; 西暦 only for dates before 1873; "" for None."""
    if day is None:
        return ""
    era = era_of(day)
    if era is None:
        return f"{day.year}年{day.month}月{day.day}日"
    text = f"{_era_year(era, day.year)}{day.month}月{day.day}日"
    return f"{text} ({day.year})" if with_seireki else text


def format_wareki_month(day: datetime.date, *, with_seireki: bool = True) -> str:
    """The month containing ``day``: ``令和7年6月 (2025)``, named by the era of ``day``
    (a calendar passes the month's first day: 2019年5月 is 令和元年5月)."""
    era = era_of(day)
    if era is None:
        return f"{day.year}年{day.month}月"
    text = f"{_era_year(era, day.year)}{day.month}月"
    return f"{text} ({day.year})" if with_seireki else text


def format_wareki_time(moment: datetime.datetime | None, *, with_seireki: bool = True) -> str:
    """``令和8年4月1日 (2026) 14:05`` in local time; "" for None."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{format_wareki(moment.date(), with_seireki=with_seireki)} {moment:%H:%M}"


# --- 年度 (fiscal years run April–March) ---------------------------------------------------


def fiscal_year(day: datetime.date) -> int:
    """The 西暦 number of the 年度 containing ``day`` (2026-03-31 → 2025)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def fiscal_year_label(year: int, *, with_seireki: bool = False) -> str:
    """``令和7年度``. Named after the era in force on 1 May of its first year, so 2019年度
    is 令和元年度 (as the government named it after the May 2019 era change) while 1988年度,
    whose era changed in January, stays 昭和63年度."""
    era = era_of(datetime.date(year, 5, 1))
    label = f"{year}年度" if era is None else f"{_era_year(era, year)}度"
    return f"{label} ({year})" if with_seireki and era is not None else label
