import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.coordination import actions, transitions
from tsunagu.coordination.actions import CaseError, StalePlan
from tsunagu.coordination.consent import consent_covers
from tsunagu.coordination.models import CaseEvent, PlanStatus, Stage

from .conftest import ASSESSMENT_DATA, MeetingDecision, give_consent, walk_to


def test_open_case_from_accepted_request_records_first_event(case, coordinator, town):
    assert case.stage == Stage.RECEIVED
    assert case.coordinating_agency == town.coordinating_agency
    assert case.lead_agency == town.owner_agency
    event = CaseEvent.objects.get(case=case)
    assert (event.to_stage, event.by) == (Stage.RECEIVED, coordinator)
    # The coordinating agency now works with every current household member.
    assert Involvement.objects.current().filter(source="case", source_id=case.pk).count() == 2


def test_case_cannot_be_opened_from_request_not_accepted(request_accepted, coordinator):
    request_accepted.status = "requested"
    request_accepted.save()
    with pytest.raises(CaseError, match="受理されていない"):
        actions.open_case(request=request_accepted, coordinator=coordinator)


def test_case_cannot_be_opened_by_another_agency(request_accepted, partner):
    with pytest.raises(PermissionDenied):
        actions.open_case(request=request_accepted, coordinator=partner)


def test_one_request_opens_one_case(case, request_accepted, coordinator):
    with pytest.raises(CaseError, match="すでに事例"):
        actions.open_case(request=request_accepted, coordinator=coordinator)


@pytest.mark.parametrize(("frm", "to"), list(transitions.CASE.table))
def test_every_table_move_is_allowed_when_its_guards_hold(case, coordinator, town, frm, to):
    move = transitions.CASE.table[(frm, to)]
    give_consent(case, coordinator, town)
    actions.save_assessment(
        case=case, by=coordinator, data=ASSESSMENT_DATA, members=[], problems=[]
    )
    case.stage = Stage.PLANNING
    case.save()
    actions.start_plan(case=case, by=coordinator)
    case.stage = frm
    case.save()
    via = next((side for side in move.sides if side != "holder"), None)
    if via == "closure":
        actions.close_case(
            case=case,
            by=coordinator,
            closed_on=timezone.localdate(),
            goals_reached="達成",
            reason="goals_met",
            reason_note="理由",
        )
    else:
        actions.transition(case=case, to=to, by=coordinator, reason="理由", _via=via)
    case.refresh_from_db()
    assert case.stage == to
    event = case.events.last()
    assert (event.from_stage, event.to_stage, event.by) == (frm, to, coordinator)


def test_move_not_in_table_is_refused_in_japanese(case, coordinator):
    with pytest.raises(CaseError, match="「受付」の事例を「支援実施」にはできません"):
        actions.transition(case=case, to=Stage.SUPPORT, by=coordinator)


def test_assessment_stage_needs_consent(case, coordinator):
    case = actions.transition(case=case, to=Stage.PREPARATION, by=coordinator)
    with pytest.raises(CaseError, match="本人同意が記録されていません"):
        actions.transition(case=case, to=Stage.ASSESSMENT, by=coordinator)


def test_no_consent_track_joins_main_track_once_consent_is_given(case, coordinator, town):
    with pytest.raises(CaseError, match="理由の入力が必要"):
        actions.transition(case=case, to=Stage.CONFERENCE, by=coordinator)
    case = actions.transition(case=case, to=Stage.CONFERENCE, by=coordinator, reason="同意なし")
    case = actions.transition(case=case, to=Stage.WATCHING, by=coordinator)
    with pytest.raises(CaseError, match="本人同意"):
        actions.transition(case=case, to=Stage.ASSESSMENT, by=coordinator)
    give_consent(case, coordinator, town)
    case = actions.transition(case=case, to=Stage.ASSESSMENT, by=coordinator)
    assert case.stage == Stage.ASSESSMENT


def test_planning_needs_an_assessment(case, coordinator, town):
    case = walk_to(case, Stage.ASSESSMENT, coordinator, town)
    with pytest.raises(CaseError, match="アセスメントが記録されていません"):
        actions.transition(case=case, to=Stage.PLANNING, by=coordinator)


def test_deliberation_needs_a_draft_plan(case, coordinator, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    with pytest.raises(CaseError, match="プラン\\(案\\)がありません"):
        actions.transition(case=case, to=Stage.DELIBERATION, by=coordinator)


def test_support_stage_only_through_plan_approval(case, coordinator, town):
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    with pytest.raises(CaseError, match="会議の決定または記録による承認の手続きだけ"):
        actions.transition(case=case, to=Stage.SUPPORT, by=coordinator)


def test_closed_only_through_closure(case, coordinator, town):
    case = actions.transition(case=case, to=Stage.SUSPENDED, by=coordinator, reason="入院")
    with pytest.raises(CaseError, match="終結評価の手続きだけ"):
        actions.transition(case=case, to=Stage.CLOSED, by=coordinator)


def test_suspension_needs_reason(case, coordinator):
    with pytest.raises(CaseError, match="理由の入力が必要"):
        actions.transition(case=case, to=Stage.SUSPENDED, by=coordinator, reason=" ")


def test_only_the_holding_agency_moves_the_case(case, partner, auditor):
    for user in (partner, auditor):
        with pytest.raises(PermissionDenied):
            actions.transition(case=case, to=Stage.PREPARATION, by=user)


def test_transition_is_audited(case, coordinator):
    actions.transition(case=case, to=Stage.PREPARATION, by=coordinator)
    assert AuditEvent.objects.filter(action="transition", object_id=str(case.pk)).exists()


# --- consent ---------------------------------------------------------------------------


def test_consent_covers_agency_and_part_in_scope(case, coordinator, town, meeting_body):
    give_consent(case, coordinator, town, body=meeting_body)
    assert consent_covers(case, agency=town.partner_agency, part="plan")
    assert consent_covers(case, meeting_body=meeting_body, part="plan")
    assert consent_covers(case, agency=town.coordinating_agency, part="notes")


def test_consent_refuses_part_outside_scope_and_says_why(case, coordinator, town, meeting_body):
    give_consent(case, coordinator, town, body=meeting_body)
    refused = consent_covers(case, agency=town.owner_agency, part="plan")
    assert not refused
    assert "支援プランの共有は本人同意の範囲外" in refused.reason
    assert "基本情報" in refused.reason
    refused = consent_covers(case, meeting_body=meeting_body, part="notes")
    assert "支援経過" in refused.reason


def test_consent_refuses_agency_outside_scope(case, coordinator, town):
    give_consent(case, coordinator, town)
    refused = consent_covers(case, agency=town.unrelated_agency, part="basic")
    assert not refused
    assert "子育て世代包括支援センター」は本人同意の範囲" in refused.reason


def test_withdrawal_takes_effect_at_once(case, coordinator, partner, town):
    consent = give_consent(case, coordinator, town)
    actions.add_member(case=case, agency=town.partner_agency, by=coordinator)
    assert policy.case_parts(partner, case) == {"basic", "assessment", "plan", "notes"}
    assert policy.can_view_person(partner, case.focus_person)
    actions.withdraw_consent(consent=consent, by=coordinator, reason="本人から電話で撤回")
    refused = consent_covers(case, agency=town.partner_agency, part="basic")
    assert not refused and "撤回されています" in refused.reason
    assert policy.case_parts(partner, case) == set()
    assert not policy.can_view_person(partner, case.focus_person)
    assert policy.can_view_person(coordinator, case.focus_person)


def test_expired_consent_is_refused_with_date(case, coordinator, town):
    consent = give_consent(case, coordinator, town)
    consent.given_on = datetime.date(2024, 4, 1)
    consent.expires_on = datetime.date(2025, 3, 31)
    consent.save()
    refused = consent_covers(case, agency=town.partner_agency, part="basic")
    assert "有効期限(令和7年3月31日 (2025))が過ぎています" in refused.reason


def test_guardian_consent_needs_guardian_name(case, coordinator, town):
    with pytest.raises(CaseError, match="代理人の氏名"):
        actions.record_consent(
            case=case,
            by=coordinator,
            given_by="guardian",
            given_on=timezone.localdate(),
            method="oral",
            scopes=[actions.ScopeInput(agency=town.partner_agency, parts=["basic"])],
        )


def test_agency_outside_consent_cannot_join_team(case, coordinator, town):
    give_consent(case, coordinator, town)
    with pytest.raises(CaseError, match="範囲\\(共有先\\)に含まれていません"):
        actions.add_member(case=case, agency=town.unrelated_agency, by=coordinator)


# --- plan ------------------------------------------------------------------------------


def test_plan_role_for_agency_outside_plan_scope_is_refused(case, coordinator, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    plan = actions.start_plan(case=case, by=coordinator)
    with pytest.raises(CaseError, match=r"役割分担 1行目.*支援プランの共有は本人同意の範囲外"):
        actions.update_plan(
            plan=plan,
            by=coordinator,
            expected_version=plan.lock_version,
            data={},
            assignments=[{"issue": "介護", "what": "ケアプラン", "agency": town.owner_agency}],
        )


def test_second_save_with_old_version_is_refused_and_keeps_first(case, coordinator, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    plan = actions.start_plan(case=case, by=coordinator)
    loaded = plan.lock_version
    actions.update_plan(
        plan=plan,
        by=coordinator,
        expected_version=loaded,
        data={"long_term_goal": "Aの案"},
        assignments=[],
    )
    with pytest.raises(StalePlan) as refused:
        actions.update_plan(
            plan=plan,
            by=coordinator,
            expected_version=loaded,
            data={"long_term_goal": "Bの案"},
            assignments=[],
        )
    assert refused.value.current.long_term_goal == "Aの案"
    plan.refresh_from_db()
    assert plan.long_term_goal == "Aの案"


def test_recorded_approval_refused_unless_profile_allows(case, coordinator, town):
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    plan = case.latest_plan()
    with pytest.raises(CaseError, match=r"会議.*の決定が必要"):
        actions.approve_plan(plan=plan, approver=coordinator, note="課長決裁")
    town.municipality.settings["plan_approval_without_meeting"] = True
    town.municipality.save()
    case.refresh_from_db()
    plan = actions.approve_plan(plan=case.latest_plan(), approver=coordinator, note="課長決裁")
    case.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.approval == "recorded"
    assert case.stage == Stage.SUPPORT
    # The assigned agency joined the team.
    assert case.members.current().filter(agency=town.partner_agency).exists()


def test_meeting_decision_confirms_plan_and_supersedes_previous(case, coordinator, town):
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    first = actions.approve_plan(
        plan=case.latest_plan(), approver=coordinator, decision=MeetingDecision()
    )
    assert first.decision_pk == 77
    case.refresh_from_db()
    case = actions.transition(case=case, to=Stage.MONITORING, by=coordinator)
    case = actions.transition(case=case, to=Stage.PLANNING, by=coordinator)
    second = actions.start_plan(case=case, by=coordinator)
    assert second.kind_label == "再プラン" and second.assignments.count() == 1
    case = actions.transition(case=case, to=Stage.DELIBERATION, by=coordinator)
    actions.approve_plan(plan=second, approver=coordinator, decision=MeetingDecision())
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert case.current_plan() == second


def test_approval_refused_outside_deliberation(case, coordinator, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    plan = actions.start_plan(case=case, by=coordinator)
    with pytest.raises(CaseError, match="「協議」の段階にない"):
        actions.approve_plan(plan=plan, approver=coordinator, decision=MeetingDecision())


def _supported(case, coordinator, town):
    case = walk_to(case, Stage.DELIBERATION, coordinator, town)
    actions.approve_plan(plan=case.latest_plan(), approver=coordinator, decision=MeetingDecision())
    case.refresh_from_db()
    return case


def test_assigned_agency_updates_its_own_assignment_only(case, coordinator, partner, owner, town):
    case = _supported(case, coordinator, town)
    assignment = case.current_plan().assignments.get()
    actions.set_assignment_status(assignment=assignment, by=partner, status="active")
    with pytest.raises(PermissionDenied):
        actions.set_assignment_status(assignment=assignment, by=owner, status="done")


def test_monitoring_result_moves_case(case, coordinator, town):
    case = _supported(case, coordinator, town)
    assignment = case.current_plan().assignments.get()
    actions.record_monitoring(
        case=case,
        by=coordinator,
        data={"reviewed_on": timezone.localdate(), "goal_progress": "概ね順調", "result": "revise"},
        reviews=[{"assignment": assignment, "progress": "月2回訪問", "status": "active"}],
    )
    case.refresh_from_db()
    assert case.stage == Stage.PLANNING
    assert [e.to_stage for e in case.events.all()][-2:] == [Stage.MONITORING, Stage.PLANNING]


def test_close_case_ends_team_involvement(case, coordinator, partner, town):
    case = _supported(case, coordinator, town)
    actions.transition(case=case, to=Stage.MONITORING, by=coordinator)
    with pytest.raises(CaseError, match="目標の達成状況"):
        actions.close_case(
            case=case,
            by=coordinator,
            closed_on=timezone.localdate(),
            goals_reached="",
            reason="goals_met",
        )
    actions.close_case(
        case=case,
        by=coordinator,
        closed_on=timezone.localdate(),
        goals_reached="達成",
        reason="handed_to_lead",
        hand_back_to=town.owner_agency,
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closed_at is not None
    assert not policy.can_view_case(partner, case)
    assert not Involvement.objects.current().filter(source="case", source_id=case.pk).exists()


def test_close_refused_from_support_stage(case, coordinator, town):
    case = _supported(case, coordinator, town)
    with pytest.raises(CaseError, match="「支援実施」の事例を「終結」にはできません"):
        actions.close_case(
            case=case,
            by=coordinator,
            closed_on=timezone.localdate(),
            goals_reached="x",
            reason="other",
        )
