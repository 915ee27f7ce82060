"""A household known to the owner agency, handed to the coordinating agency as a 支援依頼."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tsunagu.coordination import actions
from tsunagu.coordination.actions import ScopeInput
from tsunagu.coordination.models import Part, Stage
from tsunagu.intake.models import Consultation, CoordinationRequest, CoordinationStatus
from tsunagu.municipality.models import MeetingBody
from tsunagu.people.models import Household, HouseholdMembership, Person

ALL_PARTS = list(Part.values)


class MeetingDecision:
    """Stands for a meetings.Decision in tests that only need approve_plan's inputs."""

    pk = 77
    session = SimpleNamespace(date=datetime.date(2026, 5, 12))

    def __str__(self):
        return "第3回重層的支援会議 プラン承認"


@pytest.fixture
def household(town):
    hh = Household.objects.create(municipality=town.municipality, name="山田家")
    for family, given, sex, relation, year in [
        ("山田", "花子", "female", "本人", 1944),
        ("山田", "一郎", "male", "長男", 1974),
    ]:
        p = Person.objects.create(
            municipality=town.municipality,
            family_name=family,
            given_name=given,
            family_kana="ヤマダ",
            sex=sex,
            birth_date=datetime.date(year, 5, 1),
            registered_by=town.owner_agency,
        )
        HouseholdMembership.objects.create(household=hh, person=p, relation=relation)
    return hh


@pytest.fixture
def focus_person(household):
    return household.memberships.get(relation="本人").person


@pytest.fixture
def request_accepted(town, owner, coordinator, household, focus_person):
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
    return CoordinationRequest.objects.create(
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


@pytest.fixture
def case(request_accepted, coordinator):
    return actions.open_case(request=request_accepted, coordinator=coordinator)


@pytest.fixture
def meeting_body(town):
    return MeetingBody.objects.create(
        municipality=town.municipality,
        name="テスト町重層的支援会議",
        functions=["coordination"],
        consent_rule="required",
    )


def give_consent(case, by, town, *, partner_parts=ALL_PARTS, owner_parts=("basic",), body=None):
    scopes = [
        ScopeInput(agency=town.partner_agency, parts=list(partner_parts)),
        ScopeInput(agency=town.owner_agency, parts=list(owner_parts)),
    ]
    if body is not None:
        scopes.append(ScopeInput(meeting_body=body, parts=["basic", "plan"]))
    return actions.record_consent(
        case=case,
        by=by,
        given_by="person",
        given_on=timezone.localdate(),
        method="written",
        scopes=scopes,
    )


ASSESSMENT_DATA = {
    "assessed_on": datetime.date(2026, 4, 10),
    "isolation": "severe",
    "screening": "coordination",
    "care_flags": ["8050"],
    "person_wishes": "息子と一緒に家で暮らしたい",
    "health": "要介護2",
}


def walk_to(case, stage, by, town):
    """Move a fresh case along the main track up to ``stage`` using the real actions."""
    order = [Stage.PREPARATION, Stage.ASSESSMENT, Stage.PLANNING, Stage.DELIBERATION]
    for step in order:
        if step == Stage.ASSESSMENT and case.current_consent() is None:
            give_consent(case, by, town)
        if step == Stage.PLANNING:
            actions.save_assessment(case=case, by=by, data=ASSESSMENT_DATA, members=[], problems=[])
        if step == Stage.DELIBERATION:
            plan = actions.start_plan(case=case, by=by)
            actions.update_plan(
                plan=plan,
                by=by,
                expected_version=plan.lock_version,
                data={"long_term_goal": "母子が地域で安心して暮らす"},
                assignments=[
                    {"issue": "長男の社会参加", "what": "訪問", "agency": town.partner_agency}
                ],
            )
        case = actions.transition(case=case, to=step, by=by)
        if step == stage:
            return case
    return case


@pytest.fixture
def supported(case, coordinator, town):
    """A case in 支援実施 with the partner agency on the team and one assignment."""
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    actions.approve_plan(plan=case.latest_plan(), approver=coordinator, decision=MeetingDecision())
    case.refresh_from_db()
    return case
