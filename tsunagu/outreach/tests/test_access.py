"""Who may learn that an outreach record exists: the outreach agency, the coordinating
agency, pledged 支援会議 attendees while sharing lasts — nobody else, not even its number."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.meetings import actions as meetings
from tsunagu.meetings.models import MeetingSession
from tsunagu.meetings.transitions import set_status as set_session_status
from tsunagu.municipality.models import MeetingBody
from tsunagu.outreach import actions
from tsunagu.people.actions import register_person

from .conftest import TODAY, attempt, days_ago

pytestmark = pytest.mark.django_db

RECORD_URLS = [
    ("get", "/outreach/{pk}/"),
    ("get", "/outreach/{pk}/edit/"),
    ("post", "/outreach/{pk}/edit/"),
    ("post", "/outreach/{pk}/attempts/"),
    ("post", "/outreach/{pk}/move/"),
    ("get", "/outreach/{pk}/identity/"),
    ("post", "/outreach/{pk}/identity/"),
    ("post", "/outreach/{pk}/link/"),
    ("post", "/outreach/{pk}/hand-off/"),
    ("post", "/outreach/{pk}/agenda/"),
]


@pytest.fixture
def no_content_users(outreach_town):
    """管理者, 監査 and 統計 members at the outreach agency, the coordinating agency and a
    partner."""
    users = []
    for agency in (
        outreach_town.owner_agency,
        outreach_town.coordinating_agency,
        outreach_town.partner_agency,
    ):
        for role in (Role.ADMIN, Role.AUDITOR, Role.STATISTICS):
            users.append(make_user(f"{role}-{agency.pk}", agency, role))
    return users


@pytest.fixture
def refused(unrelated, partner, admin_user, auditor, outsider, no_content_users):
    return [unrelated, partner, admin_user, auditor, outsider, *no_content_users]


def test_others_get_404_on_every_record_url_and_see_nothing(client, record, refused):
    attempt(record.worker, record, day=days_ago(3), next_step="再訪問", next_due=TODAY)
    for user in refused:
        client.force_login(user)
        for method, url in RECORD_URLS:
            response = getattr(client, method)(url.format(pk=record.pk))
            assert response.status_code == 404, (user, url)
        listing = client.get("/outreach/?state=all").content.decode()
        assert record.description[:10] not in listing and "北地区・50代" not in listing
        assert "再訪問" not in client.get("/intake/inbox/").content.decode()
        figures = client.get("/outreach/figures/").content.decode()
        assert '<th scope="row">合計</th><td>0</td>' in figures, user


def test_refused_users_may_not_register(client, outreach_town, refused):
    for user in refused:
        client.force_login(user)
        assert client.get("/outreach/new/").status_code == 403


def test_outreach_agency_and_coordinating_agency_see_the_record(
    client, record, worker, owner, coordinator
):
    for user in (worker, owner, coordinator):
        client.force_login(user)
        assert client.get(f"/outreach/{record.pk}/").status_code == 200
        assert "北地区・50代・男性" in client.get("/outreach/").content.decode()


def test_the_coordinating_agency_reads_but_does_not_record(client, record, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/outreach/{record.pk}/").content.decode()
    assert "接触の記録を追加" not in page
    response = client.post(f"/outreach/{record.pk}/attempts/", {"date": TODAY.isoformat()})
    assert response.status_code == 403


def test_linking_a_person_makes_the_outreach_agency_involved(client, record, worker, unrelated):
    from tsunagu.access.models import Involvement

    actions.register_and_link(user=worker, record=record, data={"family_name": "北山"})
    record.refresh_from_db()
    assert (
        Involvement.objects.current()
        .filter(person=record.person, agency=record.agency, source="outreach", source_id=record.pk)
        .exists()
    )
    client.force_login(unrelated)
    assert client.get(f"/outreach/{record.pk}/").status_code == 404


def test_known_elsewhere_after_a_link_to_a_person_others_know(
    client, outreach_town, record, worker, owner, partner
):
    """A person the partner also works with: the partner sees the outreach agency's name."""
    from tsunagu.access import policy
    from tsunagu.access.models import Involvement

    person = register_person(
        user=owner, agency=outreach_town.owner_agency, data={"family_name": "北山"}
    )
    Involvement.objects.create(
        person=person, agency=outreach_town.partner_agency, source="registered"
    )
    actions.link_person(user=worker, record=record, person=person)
    assert outreach_town.owner_agency.name in policy.known_elsewhere(partner, person)
    client.force_login(partner)
    assert client.get(f"/outreach/{record.pk}/").status_code == 404


@pytest.fixture
def confidential_body(outreach_town):
    body = MeetingBody.objects.create(
        municipality=outreach_town.municipality,
        name="支援会議",
        functions=["confidential"],
        consent_rule="not_required",
        frequency="随時",
        convener=outreach_town.coordinating_agency,
    )
    body.members.set([outreach_town.coordinating_agency, outreach_town.partner_agency])
    return body


def test_pledged_attendee_sees_the_record_while_sharing_lasts(
    client, outreach_town, record, coordinator, partner, confidential_body
):
    session = meetings.create_session(
        user=coordinator, body=confidential_body, date=days_ago(2), place="会議室"
    )
    meetings.add_attendance(user=coordinator, session=session, attendee=partner)
    meetings.add_attendance(user=coordinator, session=session, attendee=coordinator)
    meetings.record_pledge(user=coordinator, body=confidential_body, signed_on=days_ago(10))
    client.force_login(coordinator)
    response = client.post(
        f"/outreach/{record.pk}/agenda/", {"session": session.pk, "note": "見守りの方針を協議"}
    )
    assert response.status_code == 302
    assert record.agenda_links.count() == 1
    set_session_status(user=coordinator, session=session, status=MeetingSession.Status.HELD)
    client.force_login(partner)
    assert client.get(f"/outreach/{record.pk}/").status_code == 404  # no pledge yet
    meetings.record_pledge(user=partner, body=confidential_body, signed_on=days_ago(5))
    assert client.get(f"/outreach/{record.pk}/").status_code == 200
    assert client.post(f"/outreach/{record.pk}/attempts/", {}).status_code == 403
    # A later session of the body is held: the sharing window closes.
    later = meetings.create_session(
        user=coordinator, body=confidential_body, date=days_ago(1), place="会議室"
    )
    set_session_status(user=coordinator, session=later, status=MeetingSession.Status.HELD)
    assert client.get(f"/outreach/{record.pk}/").status_code == 404


def test_agenda_needs_a_body_with_the_confidential_function(outreach_town, record, coordinator):
    body = MeetingBody.objects.create(
        municipality=outreach_town.municipality,
        name="重層的支援会議",
        functions=["coordination"],
        consent_rule="required",
        convener=outreach_town.coordinating_agency,
    )
    session = meetings.create_session(
        user=coordinator, body=body, date=TODAY + datetime.timedelta(days=3), place="会議室"
    )
    with pytest.raises(actions.OutreachRefused, match="支援会議の機能を持たない"):
        actions.put_on_agenda(user=coordinator, record=record, session=session)
