"""支援経過記録 on a case: the coordinator records, team members read with the 支援経過 part."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions
from tsunagu.coordination.models import CaseNote, Stage

from .conftest import give_consent


@pytest.fixture
def team_case(case, coordinator, town):
    """The partner agency on the team with every part; the owner agency with 基本情報 only."""
    give_consent(case, coordinator, town, owner_parts=("basic",))
    for agency in (town.partner_agency, town.owner_agency):
        actions.add_member(case=case, agency=agency, by=coordinator)
    return case


def note_data(**overrides):
    data = {
        "note-date": timezone.localdate().isoformat(),
        "note-means": "visit",
        "note-counterpart": "本人・長男",
        "note-content": "長男と初めて話せた。就労の話は次回。",
    }
    data.update(overrides)
    return data


def post_note(client, user, case, **overrides):
    client.force_login(user)
    return client.post(reverse("coordination:add_note", args=[case.pk]), note_data(**overrides))


def test_coordinator_records_a_note_and_sees_it_on_the_case_page(client, coordinator, team_case):
    response = post_note(client, coordinator, team_case)
    assert response.status_code == 302
    note = CaseNote.objects.get(case=team_case)
    assert note.recorded_by == coordinator and note.get_means_display() == "訪問"
    body = client.get(reverse("coordination:case", args=[team_case.pk])).content.decode()
    assert "長男と初めて話せた。" in body and "支援経過を記録しました。" in body
    assert AuditEvent.objects.filter(
        user=coordinator,
        action="create",
        object_id=str(note.pk),
        person_id=team_case.focus_person_id,
    ).exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("note-content", "", "このフィールドは必須です。"),
        ("note-date", "", "このフィールドは必須です。"),
        ("note-means", "fax", "正しく選択してください。"),
    ],
)
def test_a_bad_note_is_refused_with_the_field_named(
    client, coordinator, team_case, field, value, message
):
    response = post_note(client, coordinator, team_case, **{field: value})
    assert response.status_code == 200
    form = response.context["note_form"]
    assert message in form.errors[field.removeprefix("note-")][0]
    assert 'id="id_' + field + '"' in response.content.decode()
    assert not CaseNote.objects.exists()


def test_a_future_date_and_a_closed_case_are_refused(client, coordinator, team_case):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post_note(client, coordinator, team_case, **{"note-date": tomorrow})
    assert "未来の日付は入力できません" in response.content.decode()
    team_case.stage = Stage.CLOSED
    team_case.save(update_fields=["stage"])
    response = post_note(client, coordinator, team_case)
    assert "終結した事例には支援経過を記録できません。" in response.content.decode()
    assert not CaseNote.objects.exists()


def record(case, by):
    data = {"date": timezone.localdate(), "means": "visit", "content": "長男と初めて話せた。"}
    return actions.add_note(case=case, by=by, data=data)


def test_team_member_with_the_notes_part_reads_but_does_not_write(
    client, coordinator, partner, team_case
):
    record(team_case, coordinator)
    client.force_login(partner)
    body = client.get(reverse("coordination:case", args=[team_case.pk])).content.decode()
    assert "長男と初めて話せた。" in body
    assert "支援経過を記録する" not in body
    notes = client.get(reverse("coordination:notes", args=[team_case.pk]))
    assert notes.status_code == 200 and "長男と初めて話せた。" in notes.content.decode()
    assert AuditEvent.objects.filter(user=partner, action="view", purpose="支援経過").exists()
    assert post_note(client, partner, team_case).status_code == 403
    assert CaseNote.objects.count() == 1


def test_notes_stay_hidden_without_the_part_and_from_unrelated_agencies(
    client, coordinator, owner, unrelated, team_case
):
    record(team_case, coordinator)
    client.force_login(owner)  # on the team with 基本情報 only
    body = client.get(reverse("coordination:case", args=[team_case.pk])).content.decode()
    assert "長男と初めて話せた。" not in body and "支援経過" not in body
    assert client.get(reverse("coordination:notes", args=[team_case.pk])).status_code == 404
    client.force_login(unrelated)
    assert client.get(reverse("coordination:notes", args=[team_case.pk])).status_code == 404
    assert post_note(client, unrelated, team_case).status_code == 404
    assert CaseNote.objects.count() == 1


def test_case_page_shows_the_newest_ten_with_a_link_to_all(client, coordinator, team_case):
    today = timezone.localdate()
    for days in range(12):
        CaseNote.objects.create(
            case=team_case,
            date=today - datetime.timedelta(days=days),
            means="phone",
            content=f"電話 {days} 日前",
            recorded_by=coordinator,
        )
    client.force_login(coordinator)
    body = client.get(reverse("coordination:case", args=[team_case.pk])).content.decode()
    assert "電話 9 日前" in body and "電話 10 日前" not in body
    assert reverse("coordination:notes", args=[team_case.pk]) in body
    full = client.get(reverse("coordination:notes", args=[team_case.pk])).content.decode()
    assert "電話 11 日前" in full


def test_notes_print_as_xlsx_and_pdf_for_readers_only(
    client, coordinator, partner, owner, unrelated, team_case
):
    record(team_case, coordinator)
    client.force_login(partner)  # on the team with the 支援経過 part
    response = client.get(reverse("coordination:notes_xlsx", args=[team_case.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "長男と初めて話せた。" in cells and "訪問" in cells
    assert team_case.focus_person.full_name in " ".join(map(str, cells))
    pdf = client.get(reverse("coordination:notes_pdf", args=[team_case.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    exports = AuditEvent.objects.filter(user=partner, action="export", object_id=str(team_case.pk))
    assert exports.count() == 2
    for user in (owner, unrelated):  # 基本情報 only / not on the team
        client.force_login(user)
        for name in ("coordination:notes_xlsx", "coordination:notes_pdf"):
            assert client.get(reverse(name, args=[team_case.pk])).status_code == 404


def test_policy_and_decisions_show_with_the_plan_part_and_parts_read_in_japanese(
    client, partner, owner, team_case
):
    """A 支援方針 and the 「会議での決定」 are plan content: a team agency whose consent opens
    only 基本情報 sees neither. The team member's notice names the parts in Japanese."""
    team_case.support_policy = "長男の居場所づくりを優先する。"
    team_case.save(update_fields=["support_policy"])
    url = reverse("coordination:case", args=[team_case.pk])
    client.force_login(partner)  # every part
    body = client.get(url).content.decode()
    assert "長男の居場所づくりを優先する。" in body and "会議での決定" in body
    assert "本人同意の範囲内の情報(基本情報・アセスメント・支援プラン・支援経過)" in body
    client.force_login(owner)  # 基本情報 only
    body = client.get(url).content.decode()
    assert "長男の居場所づくりを優先する。" not in body and "会議での決定" not in body
    assert "本人同意の範囲内の情報(基本情報)" in body
