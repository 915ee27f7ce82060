"""Decision 0010: a department may convene the 重層的支援会議 (小林市: 福祉課 is 調整役 of the
重層的支援定例会議) while the coordinating agency, which holds the cases, still runs the
sessions that decide on them. Other functions stay with the convener and the members."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from tsunagu.access import policy
from tsunagu.accounts.models import Role
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Case, PlanStatus, Stage
from tsunagu.meetings import actions, transitions
from tsunagu.municipality.models import MeetingBody

from .conftest import TODAY, give_consent


def _body(town, name, functions):
    body = MeetingBody.objects.create(
        municipality=town.municipality,
        name=name,
        functions=functions,
        consent_rule="required",
        frequency="隔月",
        convener=town.department,
    )
    body.members.set([town.department, town.owner_agency])
    return body


@pytest.fixture
def regular(town):
    return _body(town, "重層的支援定例会議", ["coordination"])


@pytest.fixture
def department_staff(town):
    return make_user("fukushi", town.department, Role.COUNSELLOR, "福祉課 推進員")


def test_the_coordinating_agency_runs_a_department_convened_coordination_meeting(
    coordinator, department_staff, case, town, regular
):
    give_consent(case, coordinator, agencies=[town.owner_agency, town.department], bodies=[regular])
    Case.objects.filter(pk=case.pk).update(stage=Stage.PLANNING)
    case.refresh_from_db()
    plan = coordination.start_plan(case=case, by=coordinator)
    Case.objects.filter(pk=case.pk).update(stage=Stage.DELIBERATION)

    session = actions.create_session(user=coordinator, body=regular, date=TODAY, place="会議室")
    assert session.convener == town.department  # the plan's 調整役 stays the convener
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    actions.add_attendance(user=coordinator, session=session, attendee=department_staff)
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="事例", case=case
    )
    transitions.set_status(user=coordinator, session=session, status="held")
    actions.save_minutes(user=coordinator, session=session, text="協議した。")
    actions.record_decision(user=coordinator, agenda_item=item, kind="plan_approval", text="承認")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.approved_by == coordinator


def test_the_department_as_convener_runs_it_too(department_staff, regular):
    assert policy.can_manage_body(department_staff, regular)
    session = actions.create_session(
        user=department_staff, body=regular, date=TODAY, place="市役所"
    )
    assert policy.can_manage_session(department_staff, session)


def test_other_functions_stay_with_the_convener_and_the_members(
    coordinator, department_staff, town
):
    confidential = _body(town, "支援会議", ["confidential"])
    assert not policy.can_manage_body(coordinator, confidential)
    with pytest.raises(PermissionDenied):
        actions.create_session(user=coordinator, body=confidential, date=TODAY, place="会議室")
    assert policy.can_manage_body(department_staff, confidential)


@pytest.mark.parametrize("who", ["admin_coordinating", "auditor_coordinating", "partner"])
def test_no_one_else_at_or_beside_the_coordinating_agency_gains_the_body(who, request, regular):
    assert not policy.can_manage_body(request.getfixturevalue(who), regular)


def test_the_coordinating_agency_sees_the_sessions_it_runs(client, coordinator, regular):
    session = actions.create_session(user=coordinator, body=regular, date=TODAY, place="会議室")
    assert policy.visible_sessions(coordinator).filter(pk=session.pk).exists()
    client.force_login(coordinator)
    assert client.get(f"/meetings/sessions/{session.pk}/").status_code == 200
