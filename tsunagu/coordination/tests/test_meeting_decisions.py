"""「会議での決定」 on the case page: what the meetings decided on the case, newest first."""

import datetime

import pytest
from django.urls import reverse

from tsunagu.coordination import actions as coordination
from tsunagu.coordination.actions import ScopeInput
from tsunagu.meetings import actions as meetings
from tsunagu.meetings import transitions as meeting_transitions
from tsunagu.meetings.models import MeetingSession
from tsunagu.municipality.models import MeetingBody

from .conftest import ALL_PARTS

TODAY = datetime.date.today()
OPEN_TEXT = "長男の就労準備支援を優先する。"
CONFIDENTIAL_TEXT = "民生委員による見守りを週1回とする。"


def _body(town, name, functions, consent_rule):
    body = MeetingBody.objects.create(
        municipality=town.municipality,
        name=name,
        functions=functions,
        consent_rule=consent_rule,
        convener=town.coordinating_agency,
    )
    body.members.set([town.coordinating_agency, town.partner_agency])
    return body


@pytest.fixture
def regular(town):
    return _body(town, "テスト町重層的支援会議", ["coordination"], "required")


@pytest.fixture
def shien(town):
    """A 支援会議 body: its sessions are confidential (papers 非公開)."""
    return _body(town, "テスト町支援会議", ["confidential"], "not_required")


@pytest.fixture
def team_case(case, coordinator, town, regular):
    coordination.record_consent(
        case=case,
        by=coordinator,
        given_by="person",
        given_on=TODAY - datetime.timedelta(days=90),
        method="written",
        scopes=[
            ScopeInput(agency=town.partner_agency, parts=ALL_PARTS),
            ScopeInput(meeting_body=regular, parts=ALL_PARTS),
        ],
    )
    coordination.add_member(case=case, agency=town.partner_agency, by=coordinator)
    return case


def decide(coordinator, body, case, text, *, days_ago):
    session = meetings.create_session(
        user=coordinator, body=body, date=TODAY - datetime.timedelta(days=days_ago), place="役場"
    )
    session = meeting_transitions.set_status(
        user=coordinator, session=session, status=MeetingSession.Status.HELD
    )
    # A case decision needs the coordinating agency's attendance on record.
    meetings.add_attendance(user=coordinator, session=session, attendee=coordinator)
    item = meetings.add_agenda_item(
        user=coordinator, session=session, kind="case", title=str(case), case=case
    )
    meetings.save_minutes(user=coordinator, session=session, text="協議した。")
    return meetings.record_decision(
        user=coordinator, agenda_item=item, kind="support_policy", text=text
    )


@pytest.fixture
def decisions(team_case, coordinator, regular, shien):
    meetings.record_pledge(user=coordinator, body=shien, signed_on=TODAY - datetime.timedelta(60))
    return [
        decide(coordinator, shien, team_case, CONFIDENTIAL_TEXT, days_ago=30),
        decide(coordinator, regular, team_case, OPEN_TEXT, days_ago=5),
    ]


def _page(client, user, case):
    client.force_login(user)
    return client.get(reverse("coordination:case", args=[case.pk]))


def _section(response) -> str:
    """The 「会議での決定」 table of the case page."""
    return response.content.decode().split("<h2>会議での決定</h2>")[1].split("</table>")[0]


def test_case_page_lists_the_decisions_newest_first(client, coordinator, team_case, decisions):
    section = _section(_page(client, coordinator, team_case))
    assert section.index(OPEN_TEXT) < section.index(CONFIDENTIAL_TEXT)
    assert "テスト町重層的支援会議" in section and "テスト町支援会議" in section
    assert "令和" in section  # the meeting date, in 和暦


def test_support_meeting_decisions_only_for_those_who_may_read_its_papers(
    client, coordinator, partner, team_case, decisions, shien
):
    section = _section(_page(client, partner, team_case))
    assert OPEN_TEXT in section
    assert CONFIDENTIAL_TEXT not in section and "テスト町支援会議" not in section

    session = decisions[0].session
    meetings.add_attendance(user=coordinator, session=session, attendee=partner)
    section = _section(_page(client, partner, team_case))
    assert CONFIDENTIAL_TEXT not in section  # attending, but no confidentiality pledge yet

    meetings.record_pledge(user=partner, body=shien, signed_on=session.date)
    section = _section(_page(client, partner, team_case))
    assert CONFIDENTIAL_TEXT in section


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor"])
def test_unrelated_agency_still_gets_404(client, team_case, decisions, who, request):
    assert _page(client, request.getfixturevalue(who), team_case).status_code == 404


def test_decisions_keep_a_bounded_number_of_queries(
    client, coordinator, team_case, decisions, regular, django_assert_max_num_queries
):
    url = reverse("coordination:case", args=[team_case.pk])
    client.force_login(coordinator)
    with django_assert_max_num_queries(32):
        client.get(url)
    for n in range(5):
        decide(coordinator, regular, team_case, f"追加の決定 {n}", days_ago=n)
    with django_assert_max_num_queries(32):
        response = client.get(url)
    assert _section(response).count("追加の決定") == 5
