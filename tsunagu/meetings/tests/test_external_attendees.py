"""External attendees (issue 15 item 9): a care manager of an office not in the profile."""

from django.urls import reverse

from tsunagu.meetings import actions
from tsunagu.meetings.models import Attendance

from .conftest import give_consent, new_session


def _regular_with_case(coordinator, town, kobayashi, case):
    regular = kobayashi["regular"]
    give_consent(case, coordinator, agencies=[town.partner_agency], bodies=[regular])
    session = new_session(coordinator, regular)
    actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="山田さん世帯", case=case
    )
    return session


def test_a_care_manager_of_an_unlisted_office_is_recorded(
    client, coordinator, town, kobayashi, case
):
    session = _regular_with_case(coordinator, town, kobayashi, case)
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:attendance_add", args=[session.pk]),
        {"name": "田中 ケア子", "affiliation": "みどり居宅介護支援事業所(介護支援専門員)"},
        follow=True,
    )
    assert "出席者を登録しました。" in response.content.decode()
    attendance = Attendance.objects.get(session=session, name="田中 ケア子")
    assert attendance.agency is None
    page = client.get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert "田中 ケア子" in page and "みどり居宅介護支援事業所" in page


def test_a_case_can_still_be_put_on_the_agenda_with_an_external_attendee(
    client, coordinator, town, kobayashi, case
):
    regular = kobayashi["regular"]
    give_consent(case, coordinator, agencies=[town.partner_agency], bodies=[regular])
    session = new_session(coordinator, regular)
    actions.add_attendance(user=coordinator, session=session, name="田中 ケア子")
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="山田さん世帯", case=case
    )
    assert item.case == case


def test_an_attendee_without_a_name_or_user_is_told_what_is_missing(
    client, coordinator, town, kobayashi, case
):
    session = _regular_with_case(coordinator, town, kobayashi, case)
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:attendance_add", args=[session.pk]),
        {"affiliation": "事業所"},
        follow=True,
    )
    assert "外部の出席者の氏名を入力してください" in response.content.decode()
