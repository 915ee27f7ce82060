"""Decisions move cases, link to the minutes, and are audited."""

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Case, PlanStatus, Stage
from tsunagu.meetings import actions
from tsunagu.meetings.actions import MeetingRefused
from tsunagu.meetings.models import Decision, ResourceGap

from .conftest import give_consent, new_session


@pytest.fixture
def regular_item(coordinator, owner, town, kobayashi, case):
    """The case on the agenda of a 小林市 定例会議 with consent, minutes recorded."""
    body = kobayashi["regular"]
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[body])
    session = new_session(coordinator, body)
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="山田さん世帯", case=case
    )
    actions.save_minutes(user=coordinator, session=session, text="プランの適切性を協議した。")
    return item


def _set_stage(case, stage):
    Case.objects.filter(pk=case.pk).update(stage=stage)
    case.refresh_from_db()


def test_plan_approval_confirms_the_plan_through_coordination(
    client, coordinator, case, regular_item
):
    _set_stage(case, Stage.PLANNING)
    plan = coordination.start_plan(case=case, by=coordinator)
    _set_stage(case, Stage.DELIBERATION)
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:decision_add", args=[regular_item.pk]),
        {"kind": "plan_approval", "text": "プランを承認する。"},
        follow=True,
    )
    assert "決定を記録しました" in response.content.decode()
    decision = Decision.objects.get(agenda_item=regular_item)
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.decision_pk == decision.pk
    assert case.stage == Stage.SUPPORT
    assert decision.minutes == regular_item.session.minutes
    assert AuditEvent.objects.filter(
        object_type="meetings.decision", object_id=str(decision.pk), action="create"
    ).exists()


def test_plan_approval_refused_when_case_is_not_in_deliberation(coordinator, case, regular_item):
    _set_stage(case, Stage.PLANNING)
    coordination.start_plan(case=case, by=coordinator)
    with pytest.raises(MeetingRefused, match="協議"):
        actions.record_decision(
            user=coordinator, agenda_item=regular_item, kind="plan_approval", text="承認"
        )
    assert not Decision.objects.exists()  # the whole decision rolled back


def test_closure_approval_closes_the_case(coordinator, town, case, regular_item):
    _set_stage(case, Stage.MONITORING)
    decision = actions.record_decision(
        user=coordinator,
        agenda_item=regular_item,
        kind="closure_approval",
        text="終結を承認する。",
        closure={"reason": "goals_met", "hand_back_to": town.owner_agency},
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.closure.decision_pk == decision.pk
    assert case.closure.hand_back_to == town.owner_agency


def test_closure_approval_needs_a_reason(coordinator, case, regular_item):
    _set_stage(case, Stage.MONITORING)
    with pytest.raises(MeetingRefused, match="終結理由"):
        actions.record_decision(
            user=coordinator, agenda_item=regular_item, kind="closure_approval", text="終結"
        )


def test_support_policy_is_recorded_on_the_case(coordinator, case, regular_item):
    actions.record_decision(
        user=coordinator,
        agenda_item=regular_item,
        kind="support_policy",
        text="長男の居場所づくりを優先する。",
    )
    case.refresh_from_db()
    assert case.support_policy == "長男の居場所づくりを優先する。"


def test_resource_development_adds_a_resource_gap(client, coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["representatives"])
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="free", title="社会資源の充足状況"
    )
    actions.save_minutes(user=coordinator, session=session, text="居場所の不足を確認。")
    decision = actions.record_decision(
        user=coordinator,
        agenda_item=item,
        kind="resource_development",
        text="ひきこもりの方の居場所が市内にない。",
        gap_title="ひきこもりの方の居場所",
    )
    gap = ResourceGap.objects.get()
    assert decision.resource_gap == gap and gap.title == "ひきこもりの方の居場所"
    client.force_login(coordinator)
    response = client.get(reverse("meetings:resource_gaps"))
    assert "ひきこもりの方の居場所" in response.content.decode()


def test_decision_needs_minutes_first(coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["representatives"])
    item = actions.add_agenda_item(user=coordinator, session=session, kind="free", title="報告")
    with pytest.raises(MeetingRefused, match="議事録を記録して"):
        actions.record_decision(
            user=coordinator, agenda_item=item, kind="resource_development", text="x"
        )


def test_case_decision_needs_a_case_item(coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["representatives"])
    item = actions.add_agenda_item(user=coordinator, session=session, kind="free", title="報告")
    actions.save_minutes(user=coordinator, session=session, text="報告のみ")
    with pytest.raises(MeetingRefused, match="事例の議題"):
        actions.record_decision(user=coordinator, agenda_item=item, kind="support_policy", text="x")


def test_plan_cannot_be_approved_at_a_confidential_item(coordinator, hokuei, case):
    from .conftest import pledge

    pledge(coordinator, hokuei)
    session = new_session(coordinator, hokuei)
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    item = actions.add_agenda_item(
        user=coordinator,
        session=session,
        kind="case",
        title="見守り",
        function="confidential",
        case=case,
    )
    actions.save_minutes(user=coordinator, session=session, text="共有した。")
    with pytest.raises(MeetingRefused, match="プラン承認は"):
        actions.record_decision(user=coordinator, agenda_item=item, kind="plan_approval", text="x")


def test_minutes_pdf_is_japanese_pdf(client, coordinator, regular_item):
    client.force_login(coordinator)
    response = client.get(reverse("meetings:minutes_pdf", args=[regular_item.session_id]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
