"""The 受付機関 choice on 相談受付の新規登録, as the counsellor sees it."""

import re

from django.urls import reverse

from conftest import make_user
from tsunagu.accounts.models import Membership, Role


def agency_options(client) -> list[tuple[str, bool]]:
    """(label, selected) of each option of the 受付機関 select."""
    body = client.get(reverse("intake:consultation_create")).content.decode()
    select = re.search(r'<select name="agency"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None
    return [
        (label, " selected" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    ]


def test_the_only_agency_is_preselected(client, owner, town):
    # An admin membership elsewhere is no agency to take consultations for.
    Membership.objects.create(user=owner, agency=town.department, role=Role.ADMIN)
    client.force_login(owner)
    assert [label for label, selected in agency_options(client) if selected] == [
        town.owner_agency.name
    ]


def test_several_agencies_are_offered_by_name_with_none_chosen(client, town):
    user = make_user("kenmu", town.partner_agency, Role.COUNSELLOR)
    Membership.objects.create(user=user, agency=town.owner_agency, role=Role.COUNSELLOR)
    Membership.objects.create(user=user, agency=town.unrelated_agency, role=Role.COUNSELLOR)
    client.force_login(user)
    options = agency_options(client)
    names = [label for label, _ in options[1:]]
    assert options[0] == ("---------", True)
    assert names == sorted(
        [town.partner_agency.name, town.owner_agency.name, town.unrelated_agency.name]
    )


def test_a_receipt_in_the_future_is_refused_with_the_field_named(client, owner, town):
    client.force_login(owner)
    response = client.post(
        reverse("intake:consultation_create"),
        {"received_at": "2999-01-01T10:00", "family_name": "髙橋"},
    )
    body = response.content.decode()
    assert "受付日時に未来の日付は入力できません" in body
    assert "相談経路を選んでください。" in body and "このフィールドは必須です" not in body
