"""Issue 12 item 4: an agency's 監査 reads its own agency's events only; the 全庁監査 reads
all; 管理者 and システム管理者 read none. The cast has a 管理者 and a 監査 at every kind."""

import pytest
from django.urls import reverse

from tsunagu.access import audit, policy
from tsunagu.accounts.tests.cast import KINDS, build_cast
from tsunagu.people.models import Person


@pytest.fixture
def cast(town):
    return build_cast(town)


@pytest.fixture
def searches(cast):
    """Each agency's worker searched for a name and saw a result: the events of the probe."""
    return {
        kind: audit.log(
            cast.staff[kind], "search", "people.person", q=f"検索語-{kind}", person_ids=[1000 + i]
        )
        for i, kind in enumerate(KINDS)
    }


def _shown(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("access:audit_log"), params)
    assert response.status_code == 200
    return response, {e.pk for e in response.context["page"].paginator.object_list}


@pytest.mark.parametrize("kind", KINDS)
def test_agency_auditor_sees_only_its_own_agency_events(client, cast, searches, kind):
    response, shown = _shown(client, cast.auditors[kind])
    assert searches[kind].pk in shown
    html = response.content.decode()
    for other in KINDS:
        if other != kind:
            assert searches[other].pk not in shown
            assert f"検索語-{other}" not in html
    # Nor can the other agencies' users be picked in the search form.
    users = set(response.context["form"].fields["user"].queryset)
    assert cast.staff[kind] in users
    assert not users & {cast.staff[k] for k in KINDS if k != kind}


def test_agency_auditor_sees_events_about_its_persons_and_its_staff_accounts(client, town, cast):
    person = Person.objects.create(
        municipality=town.municipality,
        family_name="山田",
        given_name="花子",
        registered_by=cast.agencies["counter"],
    )
    policy.grant_involvement(person=person, agency=cast.agencies["counter"], source="registered")
    read = audit.log(cast.staff["coordinating"], "view", person, person=person)
    account = audit.log(cast.system_admin, "password_reset", cast.staff["counter"])
    _, shown = _shown(client, cast.auditors["counter"])
    assert {read.pk, account.pk} <= shown
    _, shown = _shown(client, cast.auditors["partner"])
    assert not {read.pk, account.pk} & shown


def test_municipal_auditor_sees_every_event(client, cast, searches):
    _, shown = _shown(client, cast.municipal_auditor)
    assert {e.pk for e in searches.values()} <= shown


@pytest.mark.parametrize("kind", KINDS)
def test_admins_read_no_audit_log(client, cast, kind):
    for user in (cast.admins[kind], cast.system_admin, cast.staff[kind]):
        client.force_login(user)
        assert client.get(reverse("access:audit_log")).status_code == 403


def test_huge_person_id_is_a_form_error_not_a_500(client, cast):
    client.force_login(cast.municipal_auditor)
    response = client.get(reverse("access:audit_log"), {"person_id": "9" * 30})
    assert response.status_code == 200
    assert response.context["form"].errors["person_id"]
