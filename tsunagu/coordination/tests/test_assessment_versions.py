"""A new assessment version keeps the previous version's tables (issue 12 item 9)."""

import html
import re

import pytest
from django.urls import reverse

from tsunagu.coordination import actions, printouts
from tsunagu.coordination.models import Stage

from .conftest import ASSESSMENT_DATA, walk_to


@pytest.fixture
def first_version(case, coordinator, town):
    case = walk_to(case, Stage.ASSESSMENT, coordinator, town)
    return actions.save_assessment(
        case=case,
        by=coordinator,
        data=ASSESSMENT_DATA,
        members=[
            {"name": "山田 花子", "relation": "本人", "age": 82, "health": "要介護2"},
            {"name": "山田 一郎", "relation": "長男", "age": 52, "work": "無職"},
        ],
        problems=[{"issue": "長男の社会的孤立", "background": "20年のひきこもり", "priority": 1}],
    )


def _form_data(page: str) -> dict:
    """What a browser would post back from the page: inputs, checked boxes, selected options
    and text areas."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        if "name" not in attrs or (attrs.get("type") == "checkbox" and " checked" not in tag):
            continue
        default = "on" if attrs.get("type") == "checkbox" else ""
        data.setdefault(attrs["name"], []).append(attrs.get("value", default))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = [chosen.group(1) if chosen else ""]
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = [html.unescape(text)]
    return data


def test_second_version_after_one_change_keeps_every_row(client, coordinator, first_version):
    case = first_version.case
    url = reverse("coordination:assessment_new", args=[case.pk])
    client.force_login(coordinator)
    data = _form_data(client.get(url).content.decode())
    data["housing"] = ["持ち家(築50年)"]
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode())
    second = case.latest_assessment()
    assert second.version == 2 and second.housing == "持ち家(築50年)"
    assert [m.name for m in second.members.all()] == ["山田 花子", "山田 一郎"]
    assert second.members.get(name="山田 一郎").work == "無職"
    assert [p.issue for p in second.problems.all()] == ["長男の社会的孤立"]
    assert [m.name for m in first_version.members.all()] == ["山田 花子", "山田 一郎"]


def test_a_row_marked_for_deletion_is_left_out(client, coordinator, first_version):
    case = first_version.case
    url = reverse("coordination:assessment_new", args=[case.pk])
    client.force_login(coordinator)
    data = _form_data(client.get(url).content.decode())
    data["m-1-DELETE"] = ["on"]
    data["m-1-name"] = [""]  # a deleted row need not be valid
    assert client.post(url, data).status_code == 302
    assert [m.name for m in case.latest_assessment().members.all()] == ["山田 花子"]


def test_printouts_of_the_new_version_carry_the_rows(
    client, coordinator, first_version, monkeypatch
):
    case = first_version.case
    second = actions.save_assessment(
        case=case,
        by=coordinator,
        data=ASSESSMENT_DATA,
        members=list(first_version.members.values("name", "relation", "age", "work")),
        based_on=1,
        problems=list(first_version.problems.values("issue", "background", "priority")),
    )
    printed = {}

    def fake_pdf(template, context):
        printed.update(context)
        return b"%PDF-"

    monkeypatch.setattr(printouts, "render_pdf", fake_pdf)
    client.force_login(coordinator)
    client.get(reverse("coordination:assessment_pdf", args=[second.pk]))
    assert [m.name for m in printed["members"]] == ["山田 花子", "山田 一郎"]
    assert [p.issue for p in printed["problems"]] == ["長男の社会的孤立"]


def test_a_version_saved_meanwhile_gets_the_conflict_screen(client, coordinator, first_version):
    case = first_version.case
    url = reverse("coordination:assessment_new", args=[case.pk])
    client.force_login(coordinator)
    stale_tab = _form_data(client.get(url).content.decode())
    other = _form_data(client.get(url).content.decode())
    other["housing"] = ["公営住宅"]
    assert client.post(url, other).status_code == 302  # version 2 by the other tab
    stale_tab["housing"] = ["持ち家"]
    body = client.post(url, stale_tab).content.decode()
    assert "ほかの人が先に保存しました" in body and "errorlist" not in body
    assert case.assessments.count() == 2
    form = body.split("</section>")[1]
    assert "公営住宅" in form and 'name="lock_version" value="2"' in form
