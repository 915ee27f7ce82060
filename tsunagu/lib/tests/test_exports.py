import datetime

import pytest

from tsunagu.lib.exports import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+81", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_become_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["山田", "", "1-2", None, 3, datetime.date(2026, 4, 1)])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value
