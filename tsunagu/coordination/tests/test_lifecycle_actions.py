"""支援依頼 decided through its lifecycle (受理 / 受けない with a reason), and the case page
offering only the moves its table opens, 中断 as a danger action asking for a reason."""

import re

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.coordination import actions
from tsunagu.coordination.actions import CaseError
from tsunagu.coordination.models import Case, Stage
from tsunagu.intake.models import CoordinationRequest, CoordinationStatus


@pytest.fixture
def pending(request_accepted):
    CoordinationRequest.objects.filter(pk=request_accepted.pk).update(
        status=CoordinationStatus.REQUESTED, decided_by=None, decided_at=None
    )
    request_accepted.refresh_from_db()
    return request_accepted


def test_coordinator_declines_a_request_with_a_reason_the_requester_reads(
    client, coordinator, owner, pending
):
    client.force_login(coordinator)
    page = client.get(reverse("coordination:list")).content.decode()
    assert "受けない…" in page
    url = reverse("coordination:decline_request", args=[pending.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "「受けない」には理由の入力が必要です。" in response.content.decode()
    response = client.post(url, {"reason": "対象は既存の包括で対応可能なため"}, follow=True)
    assert "支援依頼を受けないことを記録しました" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CoordinationStatus.REJECTED
    assert (pending.decided_by, pending.decision_note) == (
        coordinator,
        "対象は既存の包括で対応可能なため",
    )
    assert AuditEvent.objects.filter(action="reject", object_id=str(pending.pk)).exists()
    client.force_login(owner)
    consultation = client.get(
        reverse("intake:consultation_detail", args=[pending.consultation_id])
    ).content.decode()
    assert "不受理(理由: 対象は既存の包括で対応可能なため)" in consultation


def test_a_declined_request_opens_no_case_and_cannot_be_declined_twice(coordinator, pending):
    actions.decline_request(request=pending, coordinator=coordinator, reason="対象外")
    with pytest.raises(CaseError, match="「不受理」の支援依頼を「受理」にはできません"):
        actions.accept_and_open(request=pending, coordinator=coordinator)
    with pytest.raises(CaseError, match="「不受理」の支援依頼"):
        actions.decline_request(request=pending, coordinator=coordinator, reason="対象外")
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["owner", "partner", "unrelated", "admin_user", "auditor"])
def test_only_the_coordinating_agency_may_decline(client, pending, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("coordination:decline_request", args=[pending.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == CoordinationStatus.REQUESTED


def test_accepting_goes_through_the_lifecycle(coordinator, pending):
    case = actions.accept_and_open(request=pending, coordinator=coordinator)
    pending.refresh_from_db()
    assert pending.status == CoordinationStatus.ACCEPTED and pending.decided_by == coordinator
    assert case.request == pending


def _action_labels(html: str) -> list[str]:
    return re.findall(
        r"<(?:button type=\"submit\"[^>]*|summary class=\"btn[^\"]*\")>([^<]+)<", html
    )


def test_case_page_offers_the_open_moves_with_suspend_as_a_danger_action(client, coordinator, case):
    client.force_login(coordinator)
    html = client.get(reverse("coordination:case", args=[case.pk])).content.decode()
    labels = _action_labels(html)
    assert "事前調整を始める(→事前調整)" in labels
    assert "中断する…" in labels and "支援会議で検討する(同意なし)…" in labels
    assert '<summary class="btn btn-danger">中断する…</summary>' in html
    assert not [label for label in labels if "終結" in label or "支援実施" in label]


def test_suspended_case_is_reopened_with_a_reason(client, coordinator, case):
    actions.transition(case=case, to=Stage.SUSPENDED, by=coordinator, reason="入院")
    client.force_login(coordinator)
    html = client.get(reverse("coordination:case", args=[case.pk])).content.decode()
    assert "再開して事前調整へ…" in _action_labels(html)
    response = client.post(
        reverse("coordination:move", args=[case.pk]),
        {"to": "preparation", "reason": "退院した"},
        follow=True,
    )
    assert "「事前調整」に進めました" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.PREPARATION
    assert case.events.last().reason == "退院した"


@pytest.mark.parametrize("who", ["partner", "admin_user", "auditor"])
def test_case_page_offers_no_moves_to_others(client, case, who, request, town, coordinator):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("coordination:case", args=[case.pk]))
    if response.status_code == 200:
        assert "中断する" not in response.content.decode()
    else:
        assert response.status_code == 404


# --- safe actions: チームから外す asks for a reason; the agency can be added again --------


@pytest.fixture
def team(case, coordinator, town):
    from .conftest import give_consent

    give_consent(case, coordinator, town)
    actions.add_member(case=case, agency=town.partner_agency, by=coordinator)
    return case


def test_removing_a_team_member_asks_a_reason_and_can_be_undone(client, coordinator, team, town):
    client.force_login(coordinator)
    page = client.get(reverse("coordination:case", args=[team.pk])).content.decode()
    assert '<summary class="btn btn-danger">チームから外す…</summary>' in page
    url = reverse("coordination:end_member", args=[team.pk, town.partner_agency.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "支援チームから外す理由を入力してください" in response.content.decode()
    assert team.members.current().filter(agency=town.partner_agency).exists()
    response = client.post(url, {"reason": "支援の役割を終えた"}, follow=True)
    assert "を支援チームから外しました" in response.content.decode()
    ended = team.members.get(agency=town.partner_agency)
    assert ended.ended_at is not None and ended.end_reason == "支援の役割を終えた"
    response = client.post(
        reverse("coordination:add_member", args=[team.pk]),
        {"agency": town.partner_agency.pk},
        follow=True,
    )
    assert "を支援チームに加えました。" in response.content.decode()
    assert team.members.current().filter(agency=town.partner_agency).exists()


@pytest.mark.parametrize("who", ["owner", "partner", "unrelated", "admin_user", "auditor"])
def test_only_the_holder_removes_team_members(client, team, town, who, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("coordination:end_member", args=[team.pk, town.partner_agency.pk])
    assert client.post(url, {"reason": "x"}).status_code in (403, 404)
    assert team.members.current().filter(agency=town.partner_agency).exists()


def test_withdrawing_consent_is_a_danger_action_asking_what_happened(client, coordinator, team):
    client.force_login(coordinator)
    page = client.get(reverse("coordination:case", args=[team.pk])).content.decode()
    assert '<summary class="btn btn-danger">同意の撤回を記録…</summary>' in page
