"""One small world with a record of every kind, so fuzzed URLs reach real forms."""

import pytest
from django.utils import timezone

from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Stage
from tsunagu.coordination.tests.conftest import MeetingDecision, give_consent, walk_to
from tsunagu.intake import actions as intake
from tsunagu.intake.models import Means
from tsunagu.intake.tests.factories import details
from tsunagu.meetings import actions as meetings
from tsunagu.meetings.tests.conftest import body, new_session


def _case(town, owner, coordinator, consultation):
    """A case in 支援実施 through the real actions: 支援依頼, 受理, consent, plan, note."""
    request = intake.request_coordination(
        requested_by=owner, consultation=consultation, reason="8050世帯"
    )
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    give_consent(case, coordinator, town)
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    coordination.approve_plan(
        plan=case.latest_plan(), approver=coordinator, decision=MeetingDecision()
    )
    coordination.add_note(
        case=case,
        by=coordinator,
        data={"date": timezone.localdate(), "means": "phone", "content": "電話"},
    )
    return case


@pytest.fixture
def world(town, owner, partner, coordinator):
    consultation = intake.take_consultation(
        staff=owner,
        agency=town.owner_agency,
        details=details(),
        new_person=intake.NewPerson(family_name="髙橋", given_name="花子", family_kana="タカハシ"),
    )
    note = intake.add_progress_note(
        staff=owner,
        consultation=consultation,
        date=timezone.localdate(),
        means=Means.VISIT,
        counterpart="本人",
        content="訪問",
    )
    intake.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency],
        reason="相談",
        request="支援",
        agreed_to_share="概要",
        notes=[note],
    )
    case = _case(town, owner, coordinator, consultation)
    meeting = body(town, "個別会議", ["coordination", "confidential"], "per_item", "随時")
    session = new_session(coordinator, meeting)
    meetings.add_agenda_item(
        user=coordinator,
        session=session,
        kind="case",
        title="山田さん世帯",
        case=case,
        function="confidential",
    )
    return case
