"""Consent at the counter (issue 15.4): 相談受付 asks for an explicit answer, and the
つなぐシート form marks, before sending, which recipients the person's consent covers."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST
from tsunagu.intake import actions
from tsunagu.intake.models import ConsentStatus, Consultation, Referral
from tsunagu.intake.tests.factories import details
from tsunagu.people.actions import register_person

NO_ANSWER = "関係機関への情報提供について、本人の同意を「同意あり」「同意なし(拒否)」「未確認」から選んでください。"


def consultation_post(town, **overrides):
    data = {
        "agency": town.owner_agency.pk,
        "received_at": "2026-04-20T10:00",
        "channel": "phone",
        "consulter": "self",
        "family_name": "斉藤",
        "given_name": "一",
        "urgency": "low",
    }
    return {**data, **overrides}


def options(body: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the select ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None
    return [
        (value, label, " selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select.group(1)
        )
    ]


def test_consent_answer_starts_empty(client, owner):
    client.force_login(owner)
    body = client.get(reverse("intake:consultation_create")).content.decode()
    found = options(body, "consent_status")
    assert found[0] == ("", "選択してください", True)
    assert [label for _, label, selected in found if selected] == ["選択してください"]
    assert [label for _, label, _ in found[1:]] == [label for _, label in ConsentStatus.choices]


def test_a_missing_consent_answer_is_refused_with_a_message(client, owner, town):
    client.force_login(owner)
    response = client.post(reverse("intake:consultation_create"), consultation_post(town))
    assert response.status_code == 200
    body = response.content.decode()
    assert NO_ANSWER in body and "このフィールドは必須です" not in body
    assert not Consultation.objects.exists()


def test_an_explicit_answer_is_recorded(client, owner, town):
    client.force_login(owner)
    data = consultation_post(town, consent_status="not_asked")
    assert client.post(reverse("intake:consultation_create"), data).status_code == 302
    assert Consultation.objects.get().consent_status == ConsentStatus.NOT_ASKED


@pytest.mark.parametrize("who", NO_CONTENT_CAST)
def test_no_content_roles_take_no_consultation(client, town, who, request):
    client.force_login(request.getfixturevalue(who))
    data = consultation_post(
        town, consent_status="given", consent_agencies=[town.partner_agency.pk]
    )
    response = client.post(reverse("intake:consultation_create"), data)
    assert response.status_code in (200, 403)
    assert not Consultation.objects.exists()


# --- the つなぐシート form ------------------------------------------------------------------


def marks(body: str) -> dict[str, str]:
    """Recipient name → its badge (「同意の範囲内」/「同意の範囲外」, '' when unmarked)."""
    found = {}
    for label in re.findall(r'<label for="id_recipients_\d+">(.*?)</label>', body, re.S):
        name = re.sub(r"<[^>]+>", "", label.split("<span")[0]).strip()
        badge = re.search(r'<span class="badge[^"]*">([^<]+)</span>', label)
        found[name] = badge.group(1) if badge else ""
    return found


def referral_page(client, user, consultation) -> str:
    client.force_login(user)
    response = client.get(reverse("intake:referral_create", args=[consultation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_recipient_shows_whether_the_consent_covers_it(client, owner, town, consultation):
    consultation.consent_agencies.set([town.partner_agency])
    found = marks(referral_page(client, owner, consultation))
    assert found[town.partner_agency.name] == "同意の範囲内"
    assert found[town.unrelated_agency.name] == "同意の範囲外"
    assert found[town.coordinating_agency.name] == "同意の範囲外"
    assert town.owner_agency.name not in found  # the sender itself


def test_the_marks_agree_with_the_refusal_on_sending(client, owner, town, consultation):
    consultation.consent_agencies.set([town.partner_agency])
    client.force_login(owner)
    url = reverse("intake:referral_create", args=[consultation.pk])
    data = {"reason": "r", "request": "q", "agreed_to_share": "氏名"}
    response = client.post(url, {**data, "recipients": [town.unrelated_agency.pk]})
    body = response.content.decode()
    assert "同意の範囲に含まれない機関があります" in body
    assert marks(body)[town.unrelated_agency.name] == "同意の範囲外"
    assert not Referral.objects.exists()
    response = client.post(url, {**data, "recipients": [town.partner_agency.pk]})
    assert response.status_code == 302


def test_consent_naming_no_agency_covers_every_recipient(client, owner, town, consultation):
    found = marks(referral_page(client, owner, consultation))
    assert set(found.values()) == {"同意の範囲内"}


def test_a_consultation_without_consent_marks_every_recipient_outside(
    client, owner, town, consultation
):
    consultation.consent_status = ConsentStatus.NOT_ASKED
    consultation.save()
    body = referral_page(client, owner, consultation)
    assert set(marks(body).values()) == {"同意の範囲外"}
    assert "本人の同意を確認してから送付してください" in body


def test_a_later_refusal_marks_every_recipient_outside(client, owner, town, consultation):
    later = details(
        consent_status=ConsentStatus.REFUSED,
        received_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    actions.take_consultation(
        staff=owner, agency=town.owner_agency, details=later, person=consultation.person
    )
    body = referral_page(client, owner, consultation)
    assert set(marks(body).values()) == {"同意の範囲外"}
    assert "同意していない" in body


def test_direct_referral_marks_recipients_from_the_latest_decision(
    client, owner, town, consultation
):
    consultation.consent_agencies.set([town.partner_agency])
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[consultation.person.pk])
    found = marks(client.get(url).content.decode())
    assert found[town.partner_agency.name] == "同意の範囲内"
    assert found[town.unrelated_agency.name] == "同意の範囲外"


def test_direct_referral_without_any_decision_marks_nothing(client, owner, town):
    person = register_person(
        user=owner, agency=town.owner_agency, data={"family_name": "佐藤", "given_name": "三郎"}
    )
    client.force_login(owner)
    url = reverse("intake:referral_create_direct", args=[person.pk])
    body = client.get(url).content.decode()
    assert set(marks(body).values()) == {""}
    assert "本人の同意の記録(相談受付・本人同意)がありません" in body


@pytest.mark.parametrize("who", ["unrelated", *NO_CONTENT_CAST])
def test_the_referral_forms_are_404_outside_the_person(client, consultation, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("intake:referral_create", args=[consultation.pk]),
        reverse("intake:referral_create_direct", args=[consultation.person.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "花子" not in response.content.decode()
