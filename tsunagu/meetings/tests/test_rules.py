"""Rules by function: consent for 重層的支援会議 items, pledges and the sharing period for
支援会議, 非公開 papers, and refusals for everyone outside the meeting."""

import datetime

import pytest
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Part
from tsunagu.meetings import actions, transitions
from tsunagu.meetings.actions import MeetingRefused
from tsunagu.meetings.models import AgendaItem, MeetingSession

from .conftest import TODAY, body, give_consent, new_session, pledge


def _confidential_session(coordinator, owner, b, case, *, date=TODAY):
    """A held 支援会議 item on ``b`` with the coordinator (pledged) and owner attending."""
    pledge(coordinator, b)
    session = new_session(coordinator, b, date=date)
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    actions.add_agenda_item(
        user=coordinator,
        session=session,
        kind=AgendaItem.Kind.CASE,
        title="山田さん世帯の見守り",
        function="confidential",
        case=case,
    )
    return session


# --- 支援会議: pledge before the agenda ------------------------------------------------


def test_attendee_without_pledge_is_refused_the_agenda(client, coordinator, owner, hokuei, case):
    session = _confidential_session(coordinator, owner, hokuei, case)
    client.force_login(owner)
    response = client.get(reverse("meetings:session", args=[session.pk]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "守秘義務の確認" in text and "山田さん世帯の見守り" not in text
    assert client.get(reverse("meetings:agenda_pdf", args=[session.pk])).status_code == 404
    assert AuditEvent.objects.filter(user=owner, action="denied").exists()


def test_attendee_sees_agenda_once_pledge_is_recorded(client, coordinator, owner, hokuei, case):
    session = _confidential_session(coordinator, owner, hokuei, case)
    client.force_login(owner)
    url = reverse("meetings:pledge_add", args=[session.pk])
    response = client.post(url, {"signed_on": session.date.isoformat()}, follow=True)
    assert "内容を確認してチェックを入れてください" in response.content.decode()
    client.post(url, {"signed_on": session.date.isoformat(), "confirm": "on"})
    response = client.get(reverse("meetings:session", args=[session.pk]))
    assert response.status_code == 200
    assert "山田さん世帯の見守り" in response.content.decode()


def test_pledge_dated_after_the_session_does_not_open_it(client, coordinator, owner, hokuei, case):
    session = _confidential_session(coordinator, owner, hokuei, case)
    pledge(owner, hokuei, on=session.date + datetime.timedelta(days=1))
    assert policy.papers_refusal(owner, session)


def test_member_agency_not_attending_gets_no_confidential_papers(
    client, coordinator, owner, partner, hokuei, case
):
    session = _confidential_session(coordinator, owner, hokuei, case)
    pledge(partner, hokuei)
    client.force_login(partner)
    response = client.get(reverse("meetings:session", args=[session.pk]))
    assert response.status_code == 403
    assert "出席者のみ" in response.content.decode()
    assert not policy.sessions_with_visible_papers(partner).filter(pk=session.pk).exists()


def test_confidential_papers_are_excluded_from_exports_outside_the_meeting(
    coordinator, owner, member, hokuei, case
):
    session = _confidential_session(coordinator, owner, hokuei, case)
    open_session = new_session(coordinator, hokuei)
    assert session.confidential and not open_session.confidential
    assert set(policy.sessions_with_visible_papers(coordinator)) == {session, open_session}
    assert set(policy.sessions_with_visible_papers(owner)) == set()
    pledge(owner, hokuei)
    assert set(policy.sessions_with_visible_papers(owner)) == {session}
    assert set(policy.sessions_with_visible_papers(member)) == set()


def test_confidential_agenda_pdf_is_marked_private(client, coordinator, owner, hokuei, case):
    session = _confidential_session(coordinator, owner, hokuei, case)
    client.force_login(coordinator)
    response = client.get(reverse("meetings:agenda_pdf", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string

    html = render_to_string(
        "meetings/pdf/agenda.html", {"session": session, "items": [], "attendances": []}
    )
    assert "非公開" in html


# --- 支援会議: sharing period ------------------------------------------------------------


def test_shared_information_ends_when_next_session_is_held(
    client, town, coordinator, owner, member, hokuei, case, focus_person, son
):
    session = _confidential_session(
        coordinator, owner, hokuei, case, date=TODAY - datetime.timedelta(days=10)
    )
    pledge(owner, hokuei)
    url = reverse("meetings:shared_case", args=[session.pk, case.pk])
    client.force_login(owner)
    assert policy.can_view_person(owner, son)
    assert not policy.can_view_person(member, son)  # same agency, no pledge, not attending
    response = client.get(url)
    assert response.status_code == 200 and "花子" in response.content.decode()
    assert AuditEvent.objects.filter(user=owner, person_id=son.pk, action="view").exists()
    search = reverse("people:search")
    assert f"/people/{son.pk}/" in client.get(search, {"q": son.family_name}).text

    planned = new_session(coordinator, hokuei, status=MeetingSession.Status.PLANNED)
    assert policy.can_view_person(owner, son)  # a planned session does not end it
    transitions.set_status(user=coordinator, session=planned, status=MeetingSession.Status.HELD)
    assert not policy.can_view_person(owner, son)
    assert not policy.visible_persons(owner).filter(pk=focus_person.pk).exists()
    assert f"/people/{son.pk}/" not in client.get(search, {"q": son.family_name}).text
    assert client.get(url).status_code == 404


def test_shared_information_ends_after_the_profile_number_of_days(
    town, coordinator, owner, hokuei, case, son
):
    town.municipality.settings["confidential_sharing_until"] = 14
    town.municipality.save()
    session = _confidential_session(coordinator, owner, hokuei, case)
    pledge(owner, hokuei)
    day = session.date
    shared = policy.meeting_shared_persons
    assert shared(owner, today=day - datetime.timedelta(days=1)).count() == 0
    assert shared(owner, today=day + datetime.timedelta(days=14)).filter(pk=son.pk).exists()
    assert not shared(owner, today=day + datetime.timedelta(days=15)).exists()


def test_coordination_items_share_nothing_through_the_meeting(
    coordinator, owner, town, hokuei, case, son
):
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[hokuei])
    pledge(owner, hokuei)
    session = new_session(coordinator, hokuei)
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    actions.add_agenda_item(
        user=coordinator,
        session=session,
        kind="case",
        title="プラン協議",
        function="coordination",
        case=case,
    )
    assert not session.confidential
    assert not policy.meeting_shared_persons(owner).exists()


# --- 重層的支援会議: consent ---------------------------------------------------------------


def _consent_session(coordinator, owner, b):
    session = new_session(coordinator, b, status=MeetingSession.Status.PLANNED)
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    return session


def test_case_without_consent_cannot_go_on_consent_based_agenda(
    client, coordinator, owner, kobayashi, case
):
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:agenda_add", args=[session.pk]),
        {"kind": "case", "title": "プラン協議", "case": case.pk},
        follow=True,
    )
    assert "本人同意が記録されていません" in response.content.decode()
    assert not session.agenda_items.exists()


def test_body_whose_plan_is_silent_on_consent_takes_cases_only_with_consent(
    coordinator, owner, town, case
):
    silent = body(town, "重層的相談支援連絡会議", ["liaison"], "unstated", "", [town.owner_agency])
    session = _consent_session(coordinator, owner, silent)
    with pytest.raises(MeetingRefused, match="本人同意が記録されていません"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="ときほぐし", case=case
        )
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[silent])
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="ときほぐし", case=case
    )
    assert item.function == "coordination"
    assert not session.confidential


def test_consent_must_cover_the_body(coordinator, owner, town, kobayashi, case):
    give_consent(case, coordinator, agencies=[town.owner_agency])
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    with pytest.raises(MeetingRefused, match="この会議体を対象としていない"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="協議", case=case
        )


def test_consent_must_cover_every_attending_agency(
    coordinator, owner, partner, town, kobayashi, case
):
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[kobayashi["regular"]])
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    actions.add_attendance(user=coordinator, session=session, attendee=partner)
    with pytest.raises(MeetingRefused, match="障がい者相談支援センター"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="協議", case=case
        )


def test_consent_must_cover_the_parts_deliberated(coordinator, owner, town, kobayashi, case):
    give_consent(
        case,
        coordinator,
        agencies=[town.owner_agency],
        bodies=[kobayashi["regular"]],
        parts=[Part.BASIC],
    )
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    with pytest.raises(MeetingRefused, match="支援プラン"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="協議", case=case
        )


def test_uncovered_agency_cannot_join_after_the_case_is_on_the_agenda(
    client, coordinator, owner, partner, town, kobayashi, case
):
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[kobayashi["regular"]])
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="協議", case=case
    )
    assert item.function == "coordination"
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:attendance_add", args=[session.pk]), {"attendee": partner.pk}, follow=True
    )
    assert "本人同意の範囲外" in response.content.decode()
    assert not session.attendances.filter(user=partner).exists()


def test_withdrawn_consent_takes_the_case_off_further_decisions(
    coordinator, owner, town, kobayashi, case
):
    consent = give_consent(
        case, coordinator, agencies=[town.owner_agency], bodies=[kobayashi["regular"]]
    )
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="協議", case=case
    )
    actions.save_minutes(user=coordinator, session=session, text="協議した。")
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    transitions.set_status(user=coordinator, session=session, status=MeetingSession.Status.HELD)
    coordination.withdraw_consent(consent=consent, by=coordinator, reason="本人の申し出")
    with pytest.raises(MeetingRefused, match="撤回"):
        actions.record_decision(
            user=coordinator, agenda_item=item, kind="support_policy", text="見守りを続ける"
        )


def test_per_item_body_takes_unconsented_case_as_confidential(coordinator, hokuei, case):
    pledge(coordinator, hokuei)
    session = new_session(coordinator, hokuei)
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    with pytest.raises(MeetingRefused, match="取り扱う機能"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="見守り", case=case
        )
    actions.add_agenda_item(
        user=coordinator,
        session=session,
        kind="case",
        title="見守り",
        function="confidential",
        case=case,
    )
    session.refresh_from_db()
    assert session.confidential


def test_body_without_cases_refuses_a_case_item(coordinator, kobayashi, case):
    session = new_session(coordinator, kobayashi["representatives"])
    with pytest.raises(MeetingRefused, match="個別の事例を扱わない"):
        actions.add_agenda_item(
            user=coordinator, session=session, kind="case", title="事例", case=case
        )


def test_confidential_only_body_makes_every_session_private(coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["confidential"])
    assert session.confidential


def test_external_attendee_joins_a_consented_case_session_through_the_body_scope(
    coordinator, owner, town, kobayashi, case
):
    # The consent covers the meeting body, which an external attendee (a 民生委員, a care
    # manager of an office not in the profile) attends; an agency outside it stays refused.
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[kobayashi["regular"]])
    session = _consent_session(coordinator, owner, kobayashi["regular"])
    actions.add_agenda_item(user=coordinator, session=session, kind="case", title="協議", case=case)
    actions.add_attendance(user=coordinator, session=session, name="民生委員 甲")
    actions.add_attendance(
        user=coordinator, session=session, name="包括 職員", agency=town.owner_agency
    )
    with pytest.raises(MeetingRefused, match="本人同意の範囲外"):
        actions.add_attendance(
            user=coordinator, session=session, name="子育 職員", agency=town.unrelated_agency
        )
    assert session.attendances.count() == 3
