"""A calendar month: read from ``?month=2025-06``, named in 和暦, laid out as weeks.

Weeks start on Sunday (日曜始まり): the layout of the calendars municipalities print and
publish (行事予定・イベントカレンダー, ごみ収集カレンダー, 広報紙の行事予定), which the staff
and residents read every day. ``Month.weeks`` takes the first weekday as a parameter, so a
page that wants Monday-first weeks says so in one place.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from tsunagu.lib.wareki import format_wareki_month

SUNDAY = calendar.SUNDAY
# The months a page may show: the 和暦 eras this system names (明治6年〜) up to a year no
# meeting is planned for. Keeps next/previous links inside datetime's range.
FIRST_YEAR, LAST_YEAR = 1873, 2200

_MONTH = re.compile(r"^(?P<year>\d{4})\s*(?:-|/|\.|年)\s*(?P<month>\d{1,2})\s*月?$")


class MonthParseError(ValueError):
    """Text that is not a month; the message is Japanese and shown to the user as is."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2025-06`` (what ``<input type="month">`` sends), ``2025/6`` or ``2025年6月``,
        full-width digits too; ``MonthParseError`` otherwise."""
        normalised = unicodedata.normalize("NFKC", text).strip()
        match = _MONTH.match(normalised)
        if match is None:
            raise MonthParseError(
                f"「{text}」は月として読み取れません。2025-06 のように年と月を指定してください。"
            )
        year, month = int(match["year"]), int(match["month"])
        if not 1 <= month <= 12:
            raise MonthParseError(f"「{text}」: 月は1から12で指定してください。")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise MonthParseError(
                f"「{text}」: 表示できるのは{FIRST_YEAR}年から{LAST_YEAR}年までです。"
            )
        return cls(year, month)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def param(self) -> str:
        """The value of ``?month=`` (and of ``<input type="month">``)."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``令和7年6月 (2025)``."""
        return format_wareki_month(self.first_day)

    def weeks(self, first_weekday: int = SUNDAY) -> list[list[datetime.date]]:
        """The month as whole weeks of dates, with the neighbouring months' days that fill
        the first and last week."""
        return calendar.Calendar(first_weekday).monthdatescalendar(self.year, self.month)


WEEKDAY_NAMES = ("月", "火", "水", "木", "金", "土", "日")  # datetime.weekday() order


def weekday_names(first_weekday: int = SUNDAY) -> list[str]:
    """Column headings in the order ``Month.weeks`` lays the days out."""
    return [WEEKDAY_NAMES[(first_weekday + i) % 7] for i in range(7)]
