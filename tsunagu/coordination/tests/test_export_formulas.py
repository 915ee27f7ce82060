"""Every xlsx printout writes a typed formula as text (issue 12 item 7)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.coordination import actions
from tsunagu.coordination.models import Stage

from .conftest import ASSESSMENT_DATA, walk_to

FORMULA = '=HYPERLINK("http://example.com","開く")'


@pytest.fixture
def hostile_case(case, coordinator, town):
    case = walk_to(case, Stage.ASSESSMENT, coordinator, town)
    actions.save_assessment(
        case=case,
        by=coordinator,
        data={**ASSESSMENT_DATA, "person_wishes": FORMULA},
        members=[{"name": "山田 一郎", "health": FORMULA}],
        problems=[{"issue": FORMULA, "background": "-1", "priority": 1}],
    )
    case = actions.transition(case=case, to=Stage.PLANNING, by=coordinator)
    plan = actions.start_plan(case=case, by=coordinator)
    actions.update_plan(
        plan=plan,
        by=coordinator,
        expected_version=plan.lock_version,
        data={"long_term_goal": FORMULA},
        assignments=[{"issue": FORMULA, "what": "@訪問", "agency": town.partner_agency}],
    )
    actions.add_note(
        case=case,
        by=coordinator,
        data={"date": timezone.localdate(), "means": "phone", "content": FORMULA},
    )
    return case


def _cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("printout", ["assessment_xlsx", "plan_xlsx", "notes_xlsx"])
def test_a_typed_formula_prints_as_text(client, coordinator, hostile_case, printout):
    pk = {
        "assessment_xlsx": hostile_case.latest_assessment().pk,
        "plan_xlsx": hostile_case.latest_plan().pk,
        "notes_xlsx": hostile_case.pk,
    }[printout]
    client.force_login(coordinator)
    cells = _cells(client.get(reverse(f"coordination:{printout}", args=[pk])))
    assert "'" + FORMULA in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in cells)
