"""管理者 and 監査 grant no case content, at whatever kind of agency they sit (issue 12.5).

The cast holds both roles at the department, the counter that owns the records, the
coordinating agency and the partner (``NO_CONTENT_CAST``). Every list and the case page is
asked as each of them, with records present at their agency.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST
from tsunagu.access import policy
from tsunagu.coordination import actions
from tsunagu.intake import actions as intake
from tsunagu.intake.models import Consultation, CoordinationRequest
from tsunagu.intake.tests.factories import details

NAME = "山田"  # the household's family name: no list may show it to these roles
GIVEN = "花子"  # the focus person's given name (the search page echoes the family name)


@pytest.fixture
def records(town, owner, coordinator, supported):
    """Something at every agency: the owner's open consultation with a referral to the
    partner and a pending 支援依頼 to the coordinating agency; the held case with the
    partner's assignment (``supported``)."""
    person = supported.focus_person
    policy.grant_involvement(person=person, agency=town.owner_agency, source="registered")
    consultation = intake.take_consultation(
        staff=owner,
        agency=town.owner_agency,
        details=details(next_step_due=timezone.localdate()),
        person=person,
    )
    intake.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=person,
        consultation=consultation,
        recipients=[town.partner_agency],
        reason="長男の就労",
        request="相談",
        agreed_to_share="氏名",
    )
    pending = intake.request_coordination(
        requested_by=owner, consultation=consultation, reason="8050世帯"
    )
    return {"case": supported, "consultation": consultation, "pending": pending}


LISTS = [
    ("intake:inbox", {}),
    ("intake:consultation_list", {}),
    ("intake:referral_list", {}),
    ("coordination:list", {}),
    ("coordination:my_assignments", {}),
    ("coordination:my_assignments", {"HX-Request": "true"}),
    ("people:search", {}),
]


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
@pytest.mark.parametrize(("url_name", "headers"), LISTS)
def test_no_content_roles_see_no_names_in_lists(client, records, who, url_name, headers, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name)
    if url_name == "people:search":
        url += f"?q={NAME}"
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert GIVEN not in body
    assert url_name == "people:search" or NAME not in body
    assert "8050世帯" not in body  # the pending 支援依頼's reason


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
def test_no_content_roles_cannot_open_or_take_up_a_case(client, records, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    case, pending = records["case"], records["pending"]
    assert client.get(reverse("coordination:case", args=[case.pk])).status_code == 404
    plan = case.current_plan()
    assert client.get(reverse("coordination:plan", args=[plan.pk])).status_code == 404
    response = client.post(reverse("coordination:open_from_request", args=[pending.pk]))
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "requested"
    with pytest.raises(actions.PermissionDenied):
        actions.accept_and_open(request=pending, coordinator=user)
    assert not CoordinationRequest.objects.filter(pk=pending.pk, case__isnull=False).exists()


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
def test_no_content_roles_export_nothing(client, records, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("intake:ledger_export", args=["csv"]))
    assert response.status_code == 200
    assert NAME not in response.content.decode("utf-8")


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
def test_no_content_roles_cannot_record_for_their_agency(records, who, request, town):
    user = request.getfixturevalue(who)
    agency = {m.agency for m in user.active_memberships()}.pop()
    with pytest.raises(intake.PermissionDenied):
        intake.take_consultation(
            staff=user, agency=agency, details=details(), new_person=intake.NewPerson("試験")
        )
    assert not Consultation.objects.filter(staff=user).exists()
    assert not policy.writable_agencies(user).exists()


def test_the_casework_members_of_the_same_agencies_do_see_their_lists(
    client, records, owner, coordinator, partner
):
    """The same pages are not simply empty: the casework roles at those agencies read them."""
    for user, url_name in [
        (owner, "intake:inbox"),
        (coordinator, "coordination:list"),
        (partner, "coordination:my_assignments"),
    ]:
        client.force_login(user)
        assert NAME in client.get(reverse(url_name)).content.decode(), (user, url_name)
