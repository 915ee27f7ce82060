"""Meeting bodies shaped like the 北栄町 and 小林市 profiles, and a case to put on agendas.

北栄町: one body, 北栄町包括的支援会議, carrying both case functions (per agenda item), 随時.
小林市: 代表者会議 (年2回, no cases), 定例会議 (隔月, consent required), 個別会議 (ケースごと,
both functions per item).
"""

import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.actions import ScopeInput
from tsunagu.coordination.models import Part
from tsunagu.intake.models import Consultation, CoordinationRequest, CoordinationStatus
from tsunagu.meetings import actions, transitions
from tsunagu.meetings.models import MeetingSession
from tsunagu.municipality.models import MeetingBody
from tsunagu.people.models import Household, HouseholdMembership, Person

TODAY = datetime.date.today()


def body(town, name, functions, consent_rule, frequency, members=()):
    b = MeetingBody.objects.create(
        municipality=town.municipality,
        name=name,
        functions=functions,
        consent_rule=consent_rule,
        frequency=frequency,
        convener=town.coordinating_agency,
    )
    b.members.set([town.coordinating_agency, *members])
    return b


@pytest.fixture
def hokuei(town):
    """北栄町包括的支援会議: both functions in one body, decided per agenda item."""
    return body(
        town,
        "北栄町包括的支援会議",
        ["coordination", "confidential"],
        "per_item",
        "随時",
        [town.owner_agency, town.partner_agency],
    )


@pytest.fixture
def kobayashi(town):
    members = [town.owner_agency, town.partner_agency, town.department]
    return {
        "representatives": body(
            town, "重層的支援代表者会議", ["representatives", "liaison"], "n/a", "年2回", members
        ),
        "regular": body(town, "重層的支援定例会議", ["coordination"], "required", "隔月", members),
        "individual": body(
            town,
            "重層的支援個別会議",
            ["coordination", "confidential"],
            "per_item",
            "ケースごと",
            [town.owner_agency, town.partner_agency],
        ),
        "confidential": body(
            town, "支援会議", ["confidential"], "not_required", "随時", [town.owner_agency]
        ),
    }


@pytest.fixture
def household(town):
    hh = Household.objects.create(municipality=town.municipality, name="山田家")
    for given, relation, year in [("花子", "本人", 1944), ("一郎", "長男", 1974)]:
        p = Person.objects.create(
            municipality=town.municipality,
            family_name="山田",
            given_name=given,
            family_kana="ヤマダ",
            birth_date=datetime.date(year, 5, 1),
            registered_by=town.owner_agency,
        )
        HouseholdMembership.objects.create(household=hh, person=p, relation=relation)
    return hh


@pytest.fixture
def focus_person(household):
    return household.memberships.get(relation="本人").person


@pytest.fixture
def son(household):
    return household.memberships.get(relation="長男").person


@pytest.fixture
def case(town, owner, coordinator, household, focus_person):
    consultation = Consultation.objects.create(
        municipality=town.municipality,
        agency=town.owner_agency,
        staff=owner,
        received_at=timezone.now(),
        channel="visit",
        consulter="self",
        person=focus_person,
        household=household,
        urgency="medium",
        consent_status="given",
    )
    request = CoordinationRequest.objects.create(
        consultation=consultation,
        requested_by=owner,
        from_agency=town.owner_agency,
        to_agency=town.coordinating_agency,
        reason="8050世帯。長男のひきこもりと母の介護が重なっている。",
        status=CoordinationStatus.ACCEPTED,
        requested_at=timezone.now(),
        decided_by=coordinator,
        decided_at=timezone.now(),
    )
    return coordination.open_case(request=request, coordinator=coordinator, title="山田さん世帯")


def give_consent(case, coordinator, *, agencies=(), bodies=(), parts=tuple(Part.values)):
    scopes = [ScopeInput(parts=list(parts), agency=a) for a in agencies]
    scopes += [ScopeInput(parts=list(parts), meeting_body=b) for b in bodies]
    return coordination.record_consent(
        case=case,
        by=coordinator,
        given_by="person",
        given_on=TODAY - datetime.timedelta(days=30),
        method="written",
        scopes=scopes,
    )


@pytest.fixture
def member(town):
    """A second counsellor of the owner agency: same agency as ``owner``, no pledge."""
    return make_user("member2", town.owner_agency, Role.COUNSELLOR, "包括 七子")


def new_session(user, b, *, date=TODAY, status=MeetingSession.Status.HELD, **kw):
    session = actions.create_session(user=user, body=b, date=date, place="役場 会議室", **kw)
    if status != MeetingSession.Status.PLANNED:
        session = transitions.set_status(
            user=user, session=session, status=status, reason="都合により"
        )
    return session


def pledge(user, b, on=TODAY - datetime.timedelta(days=60)):
    return actions.record_pledge(user=user, body=b, signed_on=on)
