"""A person's refusal to share holds on every page a つなぐシート can start from (issue 12.3).

The latest consent decision counts, wherever it was recorded (a consultation at any
counter, a case's 本人同意 or its withdrawal). Without consent only the routes the law
allows remain: 支援依頼 to the coordinating agency and the 支援会議 (法第106条の6).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from tsunagu.access import policy
from tsunagu.coordination import actions as coordination
from tsunagu.coordination.actions import ScopeInput
from tsunagu.intake import actions
from tsunagu.intake.models import ConsentStatus, CoordinationRequest, Referral
from tsunagu.intake.tests.factories import details


def direct_form(town, recipient):
    return {
        "sender_agency": town.owner_agency.pk,
        "recipients": [recipient.pk],
        "reason": "長男のひきこもり",
        "request": "訪問をお願いしたい",
        "agreed_to_share": "氏名・連絡先",
    }


def consultation_form(recipient):
    return {
        "recipients": [recipient.pk],
        "reason": "長男のひきこもり",
        "request": "訪問をお願いしたい",
        "agreed_to_share": "氏名・連絡先",
    }


@pytest.fixture
def refused(town, owner, consultation):
    """A second consultation, later, where the person refused sharing (同意なし(拒否))."""
    later = details(
        consent_status=ConsentStatus.REFUSED,
        received_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    return actions.take_consultation(
        staff=owner, agency=town.owner_agency, details=later, person=consultation.person
    )


def test_direct_referral_from_the_person_page_is_refused_after_a_refusal(
    client, town, owner, partner, refused
):
    person = refused.person
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[person.pk])
    response = client.post(url, direct_form(town, town.unrelated_agency))
    body = response.content.decode()
    assert response.status_code == 200
    assert "同意していない" in body and "支援依頼" in body
    assert not Referral.objects.filter(person=person, consultation__isnull=True).exists()
    # The recipient learns nothing: the person stays closed to it.
    unrelated_user = make_user("kosodate2", town.unrelated_agency, "counsellor")
    assert not policy.can_view_person(unrelated_user, person)


def test_referral_from_an_earlier_consenting_consultation_is_refused_too(
    client, town, owner, consultation, refused
):
    """The older consultation said 同意あり; the person's latest answer is the refusal."""
    client.force_login(owner)
    url = reverse("intake:referral_create", args=[consultation.pk])
    response = client.post(url, consultation_form(town.unrelated_agency))
    assert response.status_code == 200
    assert "同意していない" in response.content.decode()
    assert not Referral.objects.filter(consultation=consultation).exists()


def test_the_routes_the_law_allows_stay_open_after_a_refusal(client, town, owner, refused):
    """支援依頼 to the coordinating agency (which may take the case to a 支援会議)."""
    client.force_login(owner)
    response = client.post(
        reverse("intake:coordination_request", args=[refused.pk]),
        {"reason": "本人は拒否。支援会議での検討を依頼したい。"},
    )
    assert response.status_code == 302
    request = CoordinationRequest.objects.get(consultation=refused)
    assert request.to_agency == town.coordinating_agency


def test_a_later_consent_reopens_the_direct_route(client, town, owner, refused):
    again = details(
        consent_status=ConsentStatus.GIVEN,
        received_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    actions.take_consultation(
        staff=owner, agency=town.owner_agency, details=again, person=refused.person
    )
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[refused.person.pk])
    assert client.post(url, direct_form(town, town.unrelated_agency)).status_code == 302


def test_a_direct_referral_outside_the_consented_agencies_is_refused(
    client, town, owner, consultation
):
    consultation.consent_agencies.set([town.partner_agency])
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[consultation.person.pk])
    response = client.post(url, direct_form(town, town.unrelated_agency))
    assert response.status_code == 200
    assert "同意の範囲に含まれない機関" in response.content.decode()
    assert client.post(url, direct_form(town, town.partner_agency)).status_code == 302


def test_a_withdrawn_case_consent_stops_a_direct_referral(
    client, town, owner, coordinator, consultation
):
    """The consultation said 同意あり; later the person consented on a case and withdrew."""
    request = actions.request_coordination(
        requested_by=owner, consultation=consultation, reason="8050世帯"
    )
    case = coordination.accept_and_open(request=request, coordinator=coordinator)
    consent = coordination.record_consent(
        case=case,
        by=coordinator,
        given_by="person",
        given_on=timezone.localdate(),
        method="written",
        scopes=[ScopeInput(agency=town.unrelated_agency, parts=["basic"])],
    )
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[consultation.person.pk])
    coordination.withdraw_consent(consent=consent, by=coordinator, reason="本人の申し出")
    response = client.post(url, direct_form(town, town.unrelated_agency))
    assert response.status_code == 200
    assert "撤回" in response.content.decode()
    assert not Referral.objects.filter(consultation__isnull=True).exists()
