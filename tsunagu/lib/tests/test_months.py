import datetime

import pytest

from tsunagu.lib.months import Month, MonthParseError, weekday_names
from tsunagu.lib.wareki import format_wareki_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06", Month(2025, 6)),
        ("2025/6", Month(2025, 6)),
        ("2025年6月", Month(2025, 6)),
        ("２０２５－０６", Month(2025, 6)),
        (" 2025-12 ", Month(2025, 12)),
    ],
)
def test_parse_reads_what_a_month_field_or_a_person_types(text, expected):
    assert Month.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "1から12"),
        ("2025-0", "1から12"),
        ("abc", "読み取れません"),
        ("2025-06-01", "読み取れません"),
        ("1800-01", "1873年から"),
        ("", "読み取れません"),
    ],
)
def test_parse_refuses_with_a_japanese_reason(text, message):
    with pytest.raises(MonthParseError, match=message):
        Month.parse(text)


def test_previous_and_next_cross_the_year():
    assert Month(2026, 1).previous == Month(2025, 12)
    assert Month(2025, 12).next == Month(2026, 1)
    assert Month(2026, 2).last_day == datetime.date(2026, 2, 28)


def test_weeks_start_on_sunday_and_cover_the_month():
    weeks = Month(2026, 6).weeks()
    assert weeks[0][0] == datetime.date(2026, 5, 31)  # a Sunday
    assert all(len(week) == 7 and week[0].weekday() == 6 for week in weeks)
    assert weeks[-1][-1] >= datetime.date(2026, 6, 30)
    assert weekday_names() == ["日", "月", "火", "水", "木", "金", "土"]


def test_month_label_is_wareki_with_seireki():
    assert Month(2025, 6).label == "令和7年6月 (2025)"
    assert format_wareki_month(datetime.date(2019, 5, 1)) == "令和元年5月 (2019)"
    assert format_wareki_month(datetime.date(2019, 4, 1)) == "平成31年4月 (2019)"
