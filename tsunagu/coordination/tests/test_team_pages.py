"""The case page's team, eco-map and plan-start actions, through HTTP (issue 13 item 3)."""

import pytest
from django.urls import reverse

from tsunagu.coordination import actions
from tsunagu.coordination.models import CaseMember, Stage, SupportPlan, Tie

from .conftest import give_consent, walk_to


@pytest.fixture(autouse=True)
def consented(case, coordinator, town):
    return give_consent(case, coordinator, town)


def _post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(f"coordination:{name}", args=args), data or {})


def test_holder_adds_and_ends_a_team_member(client, coordinator, case, town):
    response = _post(
        client, coordinator, "add_member", case.pk, data={"agency": town.partner_agency.pk}
    )
    assert response.status_code == 302
    assert case.members.current().filter(agency=town.partner_agency).exists()
    response = _post(
        client,
        coordinator,
        "end_member",
        case.pk,
        town.partner_agency.pk,
        data={"reason": "支援終了"},
    )
    assert response.status_code == 302
    assert not case.members.current().filter(agency=town.partner_agency).exists()
    assert CaseMember.objects.filter(agency=town.partner_agency, ended_at__isnull=False).exists()


def test_adding_without_an_agency_says_what_is_missing(client, coordinator, case):
    response = _post(client, coordinator, "add_member", case.pk, data={"agency": "²"})
    page = client.get(response["Location"]).content.decode()
    assert "支援チームに加える機関を選んでください。" in page


def test_ending_an_agency_not_on_the_team_is_404(client, coordinator, case, town):
    response = _post(client, coordinator, "end_member", case.pk, town.unrelated_agency.pk)
    assert response.status_code == 404


def test_holder_adds_an_eco_map_tie(client, coordinator, case):
    data = {"label": "民生委員 佐藤さん", "kind": Tie.Kind.STRONG}
    assert _post(client, coordinator, "add_tie", case.pk, data=data).status_code == 302
    assert Tie.objects.filter(case=case, label="民生委員 佐藤さん").exists()
    response = _post(client, coordinator, "add_tie", case.pk, data={"label": "", "kind": "x"})
    page = client.get(response["Location"]).content.decode()
    assert "関係の種類を入力してください" in page


def test_plan_start_opens_a_draft_once(client, coordinator, case, town):
    case = walk_to(case, Stage.PLANNING, coordinator, town)
    response = _post(client, coordinator, "plan_start", case.pk)
    plan = SupportPlan.objects.get(case=case)
    assert response["Location"] == reverse("coordination:plan_edit", args=[plan.pk])
    response = _post(client, coordinator, "plan_start", case.pk)
    assert "作成中のプラン(案)があります" in client.get(response["Location"]).content.decode()
    assert SupportPlan.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor", "owner"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("add_member", {"agency": "partner"}),
        ("end_member", None),
        ("add_tie", {"label": "家族会", "kind": "weak"}),
        ("plan_start", None),
    ],
)
def test_users_outside_the_case_get_404(client, request, case, town, coordinator, who, name, data):
    actions.add_member(case=case, agency=town.partner_agency, by=coordinator)
    args = [case.pk, town.partner_agency.pk] if name == "end_member" else [case.pk]
    if data and data.get("agency"):
        data = {"agency": town.partner_agency.pk}
    response = _post(client, request.getfixturevalue(who), name, *args, data=data)
    assert response.status_code == 404
    assert case.members.current().filter(agency=town.partner_agency).exists()
    assert not Tie.objects.filter(case=case).exists()


def test_a_team_member_that_does_not_hold_the_case_gets_403(
    client, case, town, coordinator, partner
):
    actions.add_member(case=case, agency=town.partner_agency, by=coordinator)
    for name, args in [
        ("add_member", [case.pk]),
        ("end_member", [case.pk, town.partner_agency.pk]),
        ("add_tie", [case.pk]),
        ("plan_start", [case.pk]),
    ]:
        assert _post(client, partner, name, *args).status_code == 403, name
