import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tsunagu.access.models import Involvement
from tsunagu.accounts.models import Membership, Role, User
from tsunagu.municipality.models import Delivery, Programme
from tsunagu.people.models import HouseholdMembership, Person


@pytest.fixture
def structured_town(town):
    for field, agency in [
        ("介護", town.owner_agency),
        ("障がい", town.partner_agency),
        ("子ども", town.unrelated_agency),
    ]:
        programme = Programme.objects.create(
            municipality=town.municipality, project=1, field=field, name=f"{field}相談"
        )
        Delivery.objects.create(programme=programme, agency=agency)
    return town


def seed(**kwargs) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo", profile="testtown", scale="small", today="2026-04-01", stdout=out, **kwargs
    )
    return out.getvalue()


def people_snapshot():
    return list(
        Person.objects.order_by("pk").values_list(
            "family_name", "given_kana", "birth_date", "address"
        )
    )


def test_every_agency_gets_a_user_per_role_who_can_log_in(structured_town, client):
    output = seed()
    municipal = {Role.SYSTEM_ADMIN, Role.MUNICIPAL_AUDITOR}
    for agency in structured_town.municipality.agencies.all():
        roles = set(Membership.objects.filter(agency=agency).values_list("role", flat=True))
        expected = set(Role.values) - municipal
        if agency == structured_town.department:  # the 主管課 (first department)
            expected |= municipal
        assert roles == expected
    user = User.objects.filter(memberships__agency=structured_town.owner_agency).first()
    assert user.username in output and "tsunagu-demo" in output
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "tsunagu-demo"}
    )
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_printed_logins_start_with_the_first_visit_users_and_explain_roles(structured_town):
    output = seed()
    first, _, rest = output.partition("役割の説明")
    assert "まずこの利用者で試してください" in first
    for role in (Role.COUNSELLOR, Role.COORDINATOR):
        user = User.objects.filter(memberships__role=role).order_by("username").first()
        assert user.username.split("-")[0] in first
    # The 主管課 is tried as its 統計 member: the year's figures on home, no records.
    statistics = User.objects.get(
        memberships__role=Role.STATISTICS, memberships__agency=structured_town.department
    )
    assert f"{statistics.username} " in first and "主管課の統計担当" in first
    assert "管理者" in rest and "自機関の職員アカウント" in rest
    assert f"■ {structured_town.coordinating_agency.name}" in output
    # Display names are the agency's full name, never cut to 12 characters.
    assert User.objects.filter(
        display_name__startswith=structured_town.unrelated_agency.name
    ).exists()
    assert (
        not User.objects.filter(is_staff=True).exclude(memberships__role=Role.SYSTEM_ADMIN).exists()
    )


def test_households_are_known_in_pieces_with_registration_variants(structured_town):
    seed()
    assert Person.objects.count() > 100
    assert HouseholdMembership.objects.count() < Person.objects.count()  # second registrations
    # A focus person registered twice sits with two different agencies.
    agencies_per_name = {}
    for person_id, agency_id in Involvement.objects.values_list("person_id", "agency_id"):
        person = Person.objects.get(pk=person_id)
        agencies_per_name.setdefault((person.given_name, person.address), set()).add(agency_id)
    assert any(len(a) > 1 for a in agencies_per_name.values())


def test_foreign_residents_are_registered_in_katakana_and_alphabet_and_found_as_one(
    structured_town,
):
    from tsunagu.people.matching import LINK, REVIEW, find_candidates

    seed()
    typed_in_alphabet = Person.objects.filter(family_name__regex=r"^[A-Z]")
    assert typed_in_alphabet.exists()
    for person in typed_in_alphabet[:5]:
        found = find_candidates(
            municipality_id=person.municipality_id,
            family_name=person.family_name,
            given_name=person.given_name,
            birth_date=person.birth_date,
            address=person.address,
            exclude_person_id=person.pk,
        )
        assert found and found[0].band in (LINK, REVIEW)
        assert found[0].person.family_kana  # the katakana registration at the other counter


def test_same_seed_gives_the_same_population_and_rerun_adds_nothing(structured_town):
    with transaction.atomic():
        seed(seed=7)
        first = people_snapshot()
        seed(seed=7)
        assert people_snapshot() == first
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    seed(seed=7)
    assert people_snapshot() == first


def test_unknown_profile_says_to_load_it_first(db):
    with pytest.raises(CommandError, match="load_profile nowhere"):
        call_command("seed_demo", profile="nowhere")


def test_referrals_cover_every_state_and_recipients_hold_access_only_while_open(structured_town):
    from tsunagu.intake.models import TERMINAL, Consultation, RecipientTask, TaskStatus

    call_command(
        "seed_demo",
        profile="testtown",
        scale="small",
        today="2026-04-01",
        seed=3,
        stdout=io.StringIO(),
    )
    assert Consultation.objects.count() == 150
    seen = set(RecipientTask.objects.values_list("status", flat=True))
    assert len(seen) >= 5
    for task in RecipientTask.objects.select_related("referral"):
        holds = Involvement.objects.filter(
            person_id=task.referral.person_id,
            agency=task.agency,
            source="referral",
            source_id=task.referral_id,
        ).exists()
        assert holds == (task.status not in TERMINAL)
        assert task.events.first().to_status == TaskStatus.SENT
        assert task.events.last().to_status == task.status


def test_every_consultation_is_taken_by_an_agency_involved_with_the_person(structured_town):
    from tsunagu.intake.models import Consultation

    seed()
    for c in Consultation.objects.all():
        assert Involvement.objects.filter(person_id=c.person_id, agency_id=c.agency_id).exists()


def test_second_registrations_are_found_by_name_matching(structured_town):
    from tsunagu.people.matching import find_candidates

    seed()
    found = 0
    for person in Person.objects.filter(household_memberships__isnull=True)[:10]:
        # A counter registering the same person again, as first written, finds the other record.
        candidates = find_candidates(
            municipality_id=person.municipality_id,
            family_name=person.family_name,
            given_name=person.given_name,
            family_kana=person.family_kana,
            given_kana=person.given_kana,
            birth_date=person.birth_date,
            address=person.address,
            exclude_person_id=person.pk,
        )
        found += any(c.person.given_name == person.given_name for c in candidates)
    assert found >= 8
