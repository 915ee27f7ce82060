"""Issue 12.2: a meeting decision on a case needs the case's owner. The probe: a coordinator
of a member agency creates a session with nobody attending, puts a case on it, writes
minutes and records 支援方針 or プラン承認 — it must be refused, and nothing change."""

import datetime

import pytest
from django.urls import reverse

from conftest import make_user
from tsunagu.accounts.models import Role
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.models import Case, PlanStatus, Stage
from tsunagu.meetings import actions, transitions
from tsunagu.meetings.actions import MeetingRefused
from tsunagu.meetings.models import Decision, MeetingSession

from .conftest import TODAY, give_consent, new_session


@pytest.fixture
def rogue(town):
    """A coordinator at a member agency of the body (not the agency holding the case)."""
    return make_user("rogue", town.owner_agency, Role.COORDINATOR, "包括 協働")


@pytest.fixture
def team_case(case, coordinator, town, kobayashi):
    give_consent(case, coordinator, agencies=[town.owner_agency], bodies=[kobayashi["regular"]])
    coordination.add_member(case=case, agency=town.owner_agency, by=coordinator)
    return case


def _probe(client, user, body, case, kind):
    """The probe through the pages: new session, case on the agenda, minutes, decision."""
    client.force_login(user)
    client.post(
        reverse("meetings:session_new", args=[body.pk]),
        {"date": TODAY.isoformat(), "place": "会議室"},
    )
    session = MeetingSession.objects.latest("pk")
    client.post(
        reverse("meetings:agenda_add", args=[session.pk]),
        {"kind": "case", "title": "事例", "case": case.pk},
    )
    client.post(reverse("meetings:minutes_save", args=[session.pk]), {"text": "協議した。"})
    item = session.agenda_items.get()
    return client.post(
        reverse("meetings:decision_add", args=[item.pk]),
        {"kind": kind, "text": "長男の居場所づくりを優先する。"},
        follow=True,
    )


def test_probe_support_policy_by_a_member_coordinator_is_refused(
    client, rogue, team_case, kobayashi
):
    response = _probe(client, rogue, kobayashi["regular"], team_case, "support_policy")
    assert response.status_code in (403, 200)
    assert "開催済の会議にのみ記録できます" in response.content.decode()
    team_case.refresh_from_db()
    assert team_case.support_policy == "" and not Decision.objects.exists()


def test_probe_on_a_held_session_without_the_case_owner_is_refused_with_403(
    client, rogue, team_case, kobayashi
):
    session = new_session(rogue, kobayashi["regular"])
    item = actions.add_agenda_item(
        user=rogue, session=session, kind="case", title="事例", case=team_case
    )
    actions.save_minutes(user=rogue, session=session, text="協議した。")
    client.force_login(rogue)
    response = client.post(
        reverse("meetings:decision_add", args=[item.pk]),
        {"kind": "support_policy", "text": "方針"},
    )
    assert response.status_code == 403
    team_case.refresh_from_db()
    assert team_case.support_policy == "" and not Decision.objects.exists()


def test_plan_approval_without_the_coordinating_agency_attending_is_refused(
    coordinator, owner, team_case, kobayashi
):
    Case.objects.filter(pk=team_case.pk).update(stage=Stage.PLANNING)
    team_case.refresh_from_db()
    plan = coordination.start_plan(case=team_case, by=coordinator)
    Case.objects.filter(pk=team_case.pk).update(stage=Stage.DELIBERATION)
    session = new_session(coordinator, kobayashi["regular"])
    actions.add_attendance(user=coordinator, session=session, attendee=owner)
    item = actions.add_agenda_item(
        user=coordinator, session=session, kind="case", title="事例", case=team_case
    )
    actions.save_minutes(user=coordinator, session=session, text="協議した。")
    with pytest.raises(MeetingRefused, match=r"多機関協働事業者.*の出席の記録が必要です"):
        actions.record_decision(
            user=coordinator, agenda_item=item, kind="plan_approval", text="承認"
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    actions.add_attendance(user=coordinator, session=session, attendee=coordinator)
    actions.record_decision(user=coordinator, agenda_item=item, kind="plan_approval", text="承認")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.approved_by == coordinator


def test_decisions_need_a_held_session(coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["representatives"], status="planned")
    item = actions.add_agenda_item(user=coordinator, session=session, kind="free", title="報告")
    actions.save_minutes(user=coordinator, session=session, text="報告")
    with pytest.raises(MeetingRefused, match="開催済の会議にのみ"):
        actions.record_decision(
            user=coordinator, agenda_item=item, kind="resource_development", text="x"
        )
    transitions.set_status(user=coordinator, session=session, status="held")
    actions.record_decision(
        user=coordinator, agenda_item=item, kind="resource_development", text="x"
    )


# --- the session lifecycle ----------------------------------------------------------------


def test_marking_held_records_who_and_when_and_shows_on_the_page(client, coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["regular"], status="planned")
    client.force_login(coordinator)
    page = client.get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert ">開催済にする<" in page and "中止にする…" in page
    response = client.post(
        reverse("meetings:session_status", args=[session.pk]), {"status": "held"}, follow=True
    )
    assert "会議を「開催済」にしました。" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "held" and session.status_changed_by == coordinator
    assert session.status_changed_at is not None
    assert "協働 四郎さんが記録" in response.content.decode()
    assert "開催済にする" not in response.content.decode()  # no move leaves 開催済


def test_a_future_session_cannot_be_marked_held(client, coordinator, kobayashi):
    future = TODAY + datetime.timedelta(days=10)
    session = new_session(coordinator, kobayashi["regular"], date=future, status="planned")
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:session_status", args=[session.pk]), {"status": "held"}, follow=True
    )
    assert "より前に「開催済」にはできません" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "planned"


def test_cancelling_needs_a_reason_and_can_be_undone(client, coordinator, kobayashi):
    session = new_session(coordinator, kobayashi["regular"], status="planned")
    client.force_login(coordinator)
    url = reverse("meetings:session_status", args=[session.pk])
    response = client.post(url, {"status": "cancelled"}, follow=True)
    assert "「中止にする」には理由の入力が必要です。" in response.content.decode()
    client.post(url, {"status": "cancelled", "reason": "台風のため"})
    session.refresh_from_db()
    assert (session.status, session.status_reason) == ("cancelled", "台風のため")
    response = client.post(url, {"status": "held"}, follow=True)
    assert "「中止」の会議を「開催済」にはできません" in response.content.decode()
    client.post(url, {"status": "planned", "reason": "日程を再調整"})
    session.refresh_from_db()
    assert session.status == "planned"


@pytest.mark.parametrize("who", ["owner", "partner", "admin_user", "auditor"])
def test_only_those_running_the_session_change_its_status(
    client, coordinator, kobayashi, who, request
):
    session = new_session(coordinator, kobayashi["regular"], status="planned")
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("meetings:session_status", args=[session.pk]), {"status": "held"}
    )
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.status == "planned"
