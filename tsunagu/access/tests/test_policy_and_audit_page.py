import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from tsunagu.access import audit, policy
from tsunagu.access.models import AuditEvent
from tsunagu.accounts.models import Membership, Role
from tsunagu.people.models import Person


@pytest.fixture
def person(town, owner):
    hanako = Person.objects.create(
        municipality=town.municipality,
        family_name="髙橋",
        given_name="花子",
        registered_by=town.owner_agency,
    )
    policy.grant_involvement(person=hanako, agency=town.owner_agency, source="registered")
    return hanako


def test_admin_membership_at_an_involved_agency_grants_no_content(town, person):
    admin = make_user("admin2", town.owner_agency, Role.ADMIN)
    assert not policy.can_view_person(admin, person)
    assert not policy.visible_persons(admin).exists()
    Membership.objects.create(user=admin, agency=town.owner_agency, role=Role.COUNSELLOR)
    admin = type(admin).objects.get(pk=admin.pk)
    assert policy.can_view_person(admin, person)


def test_auditor_reads_no_case_content_and_may_change_nothing(town, auditor, owner, person):
    assert not policy.can_view_person(auditor, person)
    assert not policy.can_change_person(auditor, person)
    assert policy.can_change_person(owner, person)
    assert not policy.writable_agencies(auditor).exists()


def test_nobody_is_allowed_by_default(town, person, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x")
    assert not policy.can_view_person(loner, person)
    assert not policy.can_read_audit_log(loner)


def test_audit_log_page_is_for_auditors_only(
    client, town, owner, unrelated, coordinator, admin_user
):
    for user in (owner, unrelated, coordinator, admin_user):
        client.force_login(user)
        assert client.get(reverse("access:audit_log")).status_code == 403


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MUNICIPAL_AUDITOR])
def test_audit_log_searches_by_person_and_by_user_and_is_itself_audited(
    client, town, owner, person, role
):
    # The owner agency's own 監査, or the 全庁監査 (whose membership sits at the department).
    agency = town.owner_agency if role == Role.AUDITOR else town.department
    reader = make_user("reader", agency, role)
    audit.log(owner, "view", person, person=person)
    audit.log(owner, "view", "people.person", person=999)
    client.force_login(reader)
    response = client.get(reverse("access:audit_log"), {"person_id": person.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    today = timezone.localdate()
    response = client.get(
        reverse("access:audit_log"),
        {"user": owner.pk, "date_from": "2020-01-01", "date_to": today.isoformat()},
    )
    assert response.context["page"].paginator.count == 2
    response = client.get(
        reverse("access:audit_log"),
        {"user": owner.pk, "date_to": (today - datetime.timedelta(days=2)).isoformat()},
    )
    assert response.context["page"].paginator.count == 0
    seen = AuditEvent.objects.filter(user=reader, object_type="access.auditevent")
    assert seen.count() == 3
    assert seen.filter(person_id=person.pk).exists()


def test_audit_log_page_is_paginated_with_bounded_queries(
    client, town, owner, django_assert_max_num_queries
):
    for i in range(60):
        audit.log(owner, "view", "people.person", person=i)
    client.force_login(make_user("reader", town.owner_agency, Role.AUDITOR))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("access:audit_log"))
    assert len(response.context["page"].object_list) == 50
    assert client.get(reverse("access:audit_log"), {"page": 2}).context["page"].number == 2
