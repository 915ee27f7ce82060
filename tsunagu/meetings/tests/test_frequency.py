import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tsunagu.lib.wareki import fiscal_year
from tsunagu.meetings.frequency import expected_per_year
from tsunagu.meetings.overview import frequency_rows

from .conftest import new_session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年2回", 2),
        ("年２回", 2),
        ("年二回", 2),
        ("年 4 回", 4),
        ("年1回程度", 1),
        ("隔月", 6),
        ("毎月", 12),
        ("月1回", 12),
        ("月２回", 24),
        ("3か月に1回", 4),
        ("定例（毎月１回）", 12),
        ("毎月1回", 12),
        ("定期開催", None),
        ("四半期", 4),
        ("随時", None),
        ("ケースごと", None),
        ("", None),
        ("必要に応じて", None),
    ],
)
def test_frequency_text_gives_expected_sessions_per_year(text, expected):
    assert expected_per_year(text) == expected


@given(st.integers(min_value=1, max_value=99))
def test_any_yearly_count_is_read_back(n):
    assert expected_per_year(f"年{n}回") == n


@given(st.text(max_size=20))
def test_parser_never_fails(text):
    result = expected_per_year(text)
    assert result is None or result > 0


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year(datetime.date(2025, 3, 31)) == 2024
    assert fiscal_year(datetime.date(2025, 4, 1)) == 2025


def test_frequency_rows_count_only_held_sessions_per_fiscal_year(town, coordinator, kobayashi):
    today = datetime.date(2026, 5, 1)
    regular = kobayashi["regular"]
    for day in [datetime.date(2025, 4, 10), datetime.date(2025, 6, 10), datetime.date(2026, 3, 31)]:
        new_session(coordinator, regular, date=day)
    new_session(coordinator, regular, date=datetime.date(2025, 8, 10), status="cancelled")
    new_session(coordinator, regular, date=datetime.date(2026, 4, 10))
    years, rows = frequency_rows(town.municipality, today)
    assert years[-2:] == [2025, 2026]
    row = next(r for r in rows if r.body == regular)
    cells = {c.fiscal_year: c for c in row.cells}
    assert row.expected == 6
    assert (cells[2025].held, cells[2025].short) == (3, True)
    assert (cells[2026].held, cells[2026].short) == (1, False)  # year still running
    individual = next(r for r in rows if r.body == kobayashi["individual"])
    assert individual.expected is None and not any(c.short for c in individual.cells)


def test_frequency_page_shows_plan_against_held(client, coordinator, kobayashi, hokuei):
    new_session(coordinator, kobayashi["representatives"])
    client.force_login(coordinator)
    response = client.get(reverse("meetings:frequency"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "重層的支援代表者会議" in text and "年2回" in text and "1回 / 2回" in text
    assert "北栄町包括的支援会議" in text and "目標なし" in text


def test_overview_pages_refuse_unrelated_agency(client, unrelated, kobayashi):
    client.force_login(unrelated)
    for name in ["meetings:index", "meetings:frequency", "meetings:resource_gaps"]:
        assert client.get(reverse(name)).status_code == 404, name
