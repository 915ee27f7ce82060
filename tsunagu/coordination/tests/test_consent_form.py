"""本人同意 in one glance (issue 15.4): the scope is one table — agencies grouped by 分野,
the meeting bodies apart, a column per part and 「すべて」 per row — and it starts from
what the person already said: the agencies named at intake, or the consent being renewed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import NO_CONTENT_CAST
from tsunagu.coordination import actions
from tsunagu.coordination.models import Consent, Part
from tsunagu.municipality.models import Agency, ConsentRule, Delivery, MeetingBody, Programme

from .conftest import ALL_PARTS, give_consent


def consent_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("coordination:consent_new", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def ticked(body: str, name: str) -> set[str]:
    """The parts ticked in one recipient's row (``agency_<pk>`` / ``body_<pk>``)."""
    return set(
        re.findall(rf'<input type="checkbox" name="{name}" value="(\w+)"[^>]*\bchecked', body)
    )


def row_of(body: str, recipient) -> str:
    """The table row whose header is ``recipient``."""
    found = re.search(rf'<tr data-scope-row>\s*<th scope="row">{recipient}.*?</tr>', body, re.S)
    assert found, recipient
    return found.group(0)


def field_of(town, agency, field, project=1):
    programme = Programme.objects.create(
        municipality=town.municipality, project=project, field=field, name=f"{field}の相談"
    )
    Delivery.objects.create(programme=programme, agency=agency)


def post(client, case, **scope):
    data = {"given_by": "person", "given_on": timezone.localdate().isoformat(), "method": "oral"}
    return client.post(reverse("coordination:consent_new", args=[case.pk]), {**data, **scope})


def test_agencies_are_grouped_by_field_and_the_bodies_listed_apart(
    client, coordinator, case, town, meeting_body
):
    field_of(town, town.owner_agency, "介護")
    field_of(town, town.partner_agency, "障がい")
    town.unrelated_agency.department = town.department  # no field stated: under its 課
    town.unrelated_agency.save()
    for name, rule in [
        ("研修会", ConsentRule.NOT_APPLICABLE),
        ("支援会議", ConsentRule.NOT_REQUIRED),
    ]:
        MeetingBody.objects.create(municipality=town.municipality, name=name, consent_rule=rule)
    body = consent_page(client, coordinator, case)
    agencies, bodies = body.split('<table class="scope-table">')[1:]
    assert "<caption>機関(分野ごと)</caption>" in agencies
    assert "<caption>会議体</caption>" in bodies
    order = [
        "介護分野",
        town.owner_agency.name,
        "障がい分野",
        town.partner_agency.name,
        "福祉課の所管",
        town.unrelated_agency.name,
        "所管課・部署",
        '<th scope="row">福祉課',
    ]
    positions = [agencies.index(text) for text in order]
    assert positions == sorted(positions)
    assert town.coordinating_agency.name not in agencies  # it holds the case
    assert meeting_body.name in bodies and meeting_body.name not in agencies
    # A body that takes no individual case, and a 支援会議 (no consent needed), ask for none.
    assert "研修会" not in body and '<th scope="row">支援会議</th>' not in body
    head = re.search(r"<thead>(.*?)</thead>", agencies, re.S).group(1)
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head) == [
        "機関",
        "すべて",
        *Part.labels,
    ]
    row = row_of(body, town.partner_agency.name)
    assert f"{town.partner_agency.name}: すべて" in row
    for label in Part.labels:
        assert f"{town.partner_agency.name}: {label}" in row  # each box has a label


def test_all_parts_ticks_every_part_without_javascript(client, coordinator, case, town):
    client.force_login(coordinator)
    response = post(
        client,
        case,
        **{
            f"agency_{town.partner_agency.pk}_all": "on",
            f"agency_{town.partner_agency.pk}": ["basic"],
            f"agency_{town.owner_agency.pk}": ["basic"],
        },
    )
    assert response.status_code == 302
    scopes = {s.agency: s.parts for s in case.current_consent().scopes.all()}
    assert sorted(scopes[town.partner_agency]) == sorted(ALL_PARTS)
    assert scopes[town.owner_agency] == ["basic"]


def test_all_parts_of_a_meeting_body(client, coordinator, case, meeting_body):
    client.force_login(coordinator)
    assert post(client, case, **{f"body_{meeting_body.pk}_all": "on"}).status_code == 302
    scope = case.current_consent().scopes.get()
    assert scope.meeting_body == meeting_body and sorted(scope.parts) == sorted(ALL_PARTS)


def test_the_first_consent_starts_from_the_agencies_named_at_intake(
    client, coordinator, case, town
):
    consultation = case.request.consultation
    consultation.consent_agencies.set([town.partner_agency, town.coordinating_agency])
    body = consent_page(client, coordinator, case)
    assert ticked(body, f"agency_{town.partner_agency.pk}") == {"basic"}
    assert ticked(body, f"agency_{town.owner_agency.pk}") == set()
    assert "相談受付(" in body and "基本情報で選んであります" in body
    # 「すべて」 is never ticked by the server: clearing a part must not be overruled.
    assert not re.search(r'name="agency_\d+_all"[^>]*checked', body)


def test_no_intake_consent_proposes_nothing(client, coordinator, case, town):
    consultation = case.request.consultation
    consultation.consent_agencies.set([town.partner_agency])
    consultation.consent_status = "refused"
    consultation.save()
    body = consent_page(client, coordinator, case)
    assert not re.search(r"\bchecked\b", body)
    assert "選んであります" not in body


def test_a_renewal_starts_from_the_consent_being_renewed(
    client, coordinator, case, town, meeting_body
):
    consent = give_consent(case, coordinator, town, body=meeting_body)
    body = consent_page(client, coordinator, case)
    assert ticked(body, f"agency_{town.partner_agency.pk}") == set(ALL_PARTS)
    assert ticked(body, f"agency_{town.owner_agency.pk}") == {"basic"}
    assert ticked(body, f"body_{meeting_body.pk}") == {"basic", "plan"}
    assert "の本人同意の範囲を選んであります" in body
    actions.withdraw_consent(consent=consent, by=coordinator, reason="電話で撤回")
    body = consent_page(client, coordinator, case)
    assert not re.search(r"\bchecked\b", body)  # after a withdrawal, everything is asked afresh


def test_a_renewal_keeps_a_body_no_longer_listed(client, coordinator, case, town, meeting_body):
    give_consent(case, coordinator, town, body=meeting_body)
    meeting_body.consent_rule = ConsentRule.NOT_APPLICABLE
    meeting_body.save()
    body = consent_page(client, coordinator, case)
    assert ticked(body, f"body_{meeting_body.pk}") == {"basic", "plan"}


def test_more_agencies_and_bodies_add_rows_not_queries(
    client, coordinator, case, town, meeting_body
):
    give_consent(case, coordinator, town, body=meeting_body)
    client.force_login(coordinator)
    url = reverse("coordination:consent_new", args=[case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    before = queries()
    for n, field in enumerate(["介護", "子ども", "生活困窮"]):
        agency = Agency.objects.create(
            municipality=town.municipality, kind=Agency.Kind.AGENCY, name=f"センター{n}"
        )
        field_of(town, agency, field, project=3)
        MeetingBody.objects.create(
            municipality=town.municipality, name=f"会議{n}", consent_rule=ConsentRule.REQUIRED
        )
    assert queries() == before


@pytest.mark.parametrize("who", ["unrelated", "owner", "partner", *NO_CONTENT_CAST])
def test_outside_the_holder_the_consent_page_is_404(client, request, case, town, who):
    """Only the holder records consent: the requesting counter, an agency outside the team,
    and 管理者/監査 at any agency (the coordinating one included) get the 404 page."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("coordination:consent_new", args=[case.pk]))
    assert response.status_code == 404
    assert "山田" not in response.content.decode()
    response = post(client, case, **{f"agency_{town.partner_agency.pk}_all": "on"})
    assert response.status_code == 404
    assert not Consent.objects.exists()
