import datetime

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from tsunagu.lib.wareki import (
    DateParseError,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    format_wareki,
    parse_date,
)

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01", D(2025, 4, 1)),
        ("2025/4/1", D(2025, 4, 1)),
        ("20250401", D(2025, 4, 1)),
        ("2025年4月1日", D(2025, 4, 1)),
        ("２０２５／４／１", D(2025, 4, 1)),
        ("昭和45年3月2日", D(1970, 3, 2)),
        ("S45.3.2", D(1970, 3, 2)),
        ("s45/3/2", D(1970, 3, 2)),
        ("Ｓ４５．３．２", D(1970, 3, 2)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("R1.5.1", D(2019, 5, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("大正15年12月24日", D(1926, 12, 24)),
        ("T1.7.30", D(1912, 7, 30)),
        ("明治45年7月29日", D(1912, 7, 29)),
        ("㍻2.2.2", D(1990, 2, 2)),
        ("昭和45年3月2日 (1970)", D(1970, 3, 2)),
    ],
)
def test_parses_seireki_and_wareki(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "平成の期間（平成元年1月8日〜平成31年4月30日）にない日付"),
        ("令和元年4月30日", "令和の期間"),
        ("昭和64年1月8日", "昭和の期間"),
        ("平成元年1月7日", "平成の期間"),
        ("大正15年12月25日", "大正の期間"),
        ("昭和45年2月30日", "存在しない日付"),
        ("2025-13-01", "存在しない日付"),
        ("R0.5.1", "令和0年はありません"),
        ("昭和45年3月2日 (1971)", "一致しません"),
        ("明治5年1月1日", "明治の期間"),
        ("きのう", "日付として読み取れません"),
        ("", "入力されていません"),
    ],
)
def test_refuses_with_japanese_message(text, message):
    with pytest.raises(DateParseError, match=message):
        parse_date(text)


def test_formats_with_seireki_and_gannen():
    assert format_wareki(D(1970, 3, 2)) == "昭和45年3月2日 (1970)"
    assert format_wareki(D(2019, 5, 1)) == "令和元年5月1日 (2019)"
    assert format_wareki(D(2019, 4, 30), with_seireki=False) == "平成31年4月30日"
    assert format_wareki(None) == ""


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_format_then_parse_round_trips(day):
    assert parse_date(format_wareki(day)) == day
    assert parse_date(format_wareki(day, with_seireki=False)) == day


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_every_seireki_notation_parses(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d")):
        assert parse_date(text) == day


def test_every_date_1900_to_2100_round_trips():
    day = D(1900, 1, 1)
    while day <= D(2100, 12, 31):
        assert parse_date(format_wareki(day)) == day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [
        (D(2025, 4, 1), 2025, "令和7年度"),
        (D(2026, 3, 31), 2025, "令和7年度"),
        (D(2019, 4, 1), 2019, "令和元年度"),
        (D(1989, 3, 31), 1988, "昭和63年度"),
        (D(1989, 4, 1), 1989, "平成元年度"),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year, label):
    assert fiscal_year(day) == year
    assert fiscal_year_label(year) == label
    start, end = fiscal_year_range(year)
    assert start <= day <= end


def test_template_filters():
    out = Template('{% load wareki %}{{ d|wareki }}|{{ d|wareki:"short" }}|{{ y|nendo }}').render(
        Context({"d": D(1970, 3, 2), "y": 2025})
    )
    assert out == "昭和45年3月2日 (1970)|昭和45年3月2日|令和7年度"
