"""Every page or file that shows a person records which persons (issue 12.12): the form
pages write a view event naming the person; lists, exports and 名寄せ candidates write the
ids of the persons they showed (``person_ids``)."""

import pytest
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.access.models import AuditEvent
from tsunagu.intake import actions as intake
from tsunagu.intake.tests.factories import details


def _last(user, action, **filters):
    return AuditEvent.objects.filter(user=user, action=action, **filters).order_by("pk").last()


@pytest.fixture
def consultation(town, owner, supported):
    person = supported.focus_person
    policy.grant_involvement(person=person, agency=town.owner_agency, source="registered")
    return intake.take_consultation(
        staff=owner, agency=town.owner_agency, details=details(), person=person
    )


@pytest.mark.parametrize("url_name", ["consent_new", "monitoring_new", "close"])
def test_case_form_pages_record_the_person(client, coordinator, supported, url_name):
    client.force_login(coordinator)
    response = client.get(reverse(f"coordination:{url_name}", args=[supported.pk]))
    assert response.status_code == 200
    event = _last(coordinator, "view", object_id=str(supported.pk))
    assert event is not None and event.person_id == supported.focus_person_id


def test_the_person_page_referral_form_records_the_person(client, owner, consultation):
    client.force_login(owner)
    person = consultation.person
    response = client.get(reverse("intake:referral_create_direct", args=[person.pk]))
    assert response.status_code == 200
    event = _last(owner, "view", object_type="people.person")
    assert event.person_id == person.pk and event.purpose == "つなぐシートの作成"


def test_the_consultation_referral_form_records_the_person(client, owner, consultation):
    client.force_login(owner)
    client.get(reverse("intake:referral_create", args=[consultation.pk]))
    event = _last(owner, "view", object_id=str(consultation.pk))
    assert event.person_id == consultation.person_id


@pytest.mark.parametrize(
    ("who", "url_name", "object_type"),
    [
        ("owner", "intake:consultation_list", "intake.consultation"),
        ("owner", "intake:inbox", "intake.inbox"),
        ("owner", "intake:referral_list", "intake.referral"),
        ("coordinator", "coordination:list", "coordination.case"),
        ("partner", "coordination:my_assignments", "coordination.assignment"),
    ],
)
def test_lists_record_the_persons_they_show(
    client, consultation, supported, who, url_name, object_type, request, town
):
    user = request.getfixturevalue(who)
    intake.send_referral(
        sender=user if who == "owner" else request.getfixturevalue("owner"),
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency],
        reason="r",
        request="q",
        agreed_to_share="氏名",
    )
    client.force_login(user)
    assert client.get(reverse(url_name)).status_code == 200
    event = _last(user, "list", object_type=object_type)
    assert event.detail["person_ids"] == [supported.focus_person_id]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_ledger_export_records_the_persons_in_the_file(client, owner, consultation, fmt):
    client.force_login(owner)
    assert client.get(reverse("intake:ledger_export", args=[fmt])).status_code == 200
    event = _last(owner, "export", object_type="intake.consultation")
    assert event.detail["person_ids"] == [consultation.person_id]


def test_intake_candidates_record_the_persons_offered(client, owner, town):
    registered = intake.take_consultation(
        staff=owner,
        agency=town.owner_agency,
        details=details(),
        new_person=intake.NewPerson("髙橋", "花子", "タカハシ", "ハナコ"),
    )
    client.force_login(owner)
    query = {"family_kana": "タカハシ", "given_kana": "ハナコ", "family_name": "高橋"}
    response = client.get(reverse("intake:person_candidates"), query)
    assert "花子" in response.content.decode()
    event = _last(owner, "search", object_type="people.person")
    assert event.detail["person_ids"] == [registered.person_id]
