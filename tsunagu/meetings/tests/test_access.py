"""Who sees meetings: the fixed cast against every view; reads are audited."""

import datetime

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.meetings import actions
from tsunagu.meetings.models import MeetingSession

from .conftest import give_consent, new_session


@pytest.fixture
def session_with_case(coordinator, owner, town, kobayashi, case):
    body = kobayashi["regular"]
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[body])
    session = new_session(coordinator, body)
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="山田さん世帯", case=case
    )
    actions.save_minutes(user=coordinator, session=session, text="協議した。")
    return session, item


def _session_urls(session, item, case):
    return {
        "get": [
            reverse("meetings:session", args=[session.pk]),
            reverse("meetings:agenda_pdf", args=[session.pk]),
            reverse("meetings:minutes_pdf", args=[session.pk]),
            reverse("meetings:shared_case", args=[session.pk, case.pk]),
            reverse("meetings:session_new", args=[session.body_id]),
        ],
        "post": [
            reverse("meetings:session_status", args=[session.pk]),
            reverse("meetings:attendance_add", args=[session.pk]),
            reverse("meetings:pledge_add", args=[session.pk]),
            reverse("meetings:agenda_add", args=[session.pk]),
            reverse("meetings:minutes_save", args=[session.pk]),
            reverse("meetings:decision_add", args=[item.pk]),
            reverse("meetings:session_new", args=[session.body_id]),
        ],
    }


def test_unrelated_agency_gets_404_on_every_meeting_view(
    client, unrelated, session_with_case, case
):
    session, item = session_with_case
    client.force_login(unrelated)
    urls = _session_urls(session, item, case)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"text": "x", "status": "held"}).status_code == 404, url
    session.refresh_from_db()
    assert session.minutes.text == "協議した。"


def test_admin_without_membership_of_the_body_gets_404_on_sessions(
    client, town, admin_user, session_with_case, case
):
    session, item = session_with_case
    session.body.members.remove(town.department)
    client.force_login(admin_user)
    for url in _session_urls(session, item, case)["get"]:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, session_with_case):
    session, _ = session_with_case
    response = client.get(reverse("meetings:session", args=[session.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_agency_sees_session_but_not_papers(client, partner, session_with_case):
    session, _ = session_with_case
    client.force_login(partner)
    response = client.get(reverse("meetings:session", args=[session.pk]))
    assert response.status_code == 403
    assert "出席者と主催機関のみ" in response.content.decode()
    assert "山田さん世帯" not in response.content.decode()


def test_attendee_cannot_run_the_meeting(client, owner, session_with_case):
    session, item = session_with_case
    client.force_login(owner)
    assert client.get(reverse("meetings:session", args=[session.pk])).status_code == 200
    response = client.post(reverse("meetings:minutes_save", args=[session.pk]), {"text": "改ざん"})
    assert response.status_code == 403
    response = client.post(
        reverse("meetings:decision_add", args=[item.pk]), {"kind": "support_policy", "text": "x"}
    )
    assert response.status_code == 403


def test_auditor_cannot_create_sessions(client, auditor, town, kobayashi):
    client.force_login(auditor)
    url = reverse("meetings:session_new", args=[kobayashi["regular"].pk])
    assert client.get(url).status_code == 404


def test_reading_the_agenda_is_audited_per_case_person(
    client, coordinator, session_with_case, focus_person
):
    session, _ = session_with_case
    client.force_login(coordinator)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(reverse("meetings:session", args=[session.pk]))
    client.get(reverse("meetings:agenda_pdf", args=[session.pk]))
    events = AuditEvent.objects.filter(pk__gt=before, user=coordinator)
    assert events.filter(action="view", object_type="meetings.meetingsession").count() == 2
    assert events.filter(action="view", person_id=focus_person.pk).count() == 2


def test_lists_are_audited(client, coordinator, kobayashi):
    client.force_login(coordinator)
    for name in ["meetings:index", "meetings:frequency", "meetings:resource_gaps"]:
        client.get(reverse(name))
    assert AuditEvent.objects.filter(user=coordinator, action="list").count() == 3


def test_coordinator_creates_a_session_through_the_form(client, coordinator, kobayashi):
    client.force_login(coordinator)
    url = reverse("meetings:session_new", args=[kobayashi["regular"].pk])
    response = client.post(url, {"title": "第1回", "date": "2026-06-01"})
    assert "場所を入力するか" in response.content.decode()
    response = client.post(url, {"title": "第1回", "date": "2026-06-01", "online": "on"})
    session = MeetingSession.objects.get()
    assert response.status_code == 302 and session.online and session.title == "第1回"


def test_session_list_query_count_does_not_grow(
    client, coordinator, kobayashi, django_assert_max_num_queries
):
    for i in range(40):
        new_session(coordinator, kobayashi["regular"], date=datetime.date(2025, 4, 1 + i % 28))
    client.force_login(coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("meetings:index"))
    assert response.status_code == 200
    assert response.content.decode().count("重層的支援定例会議") >= 30


def test_coordinating_agency_runs_a_body_without_convener(town, owner, coordinator, kobayashi):
    from tsunagu.access import policy

    regular = kobayashi["regular"]
    regular.members.remove(town.coordinating_agency)
    assert policy.can_manage_body(coordinator, regular)
    regular.convener = None
    regular.save()
    assert policy.can_manage_body(coordinator, regular)  # the profile's coordinating agency
    assert not policy.can_manage_body(owner, regular)
    session = new_session(coordinator, regular)
    assert session.convener == town.coordinating_agency
