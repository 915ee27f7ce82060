"""Every URL of 参加支援 against the cast: who reads, who changes, who gets 404.

Person data (records, matching, follow-ups, a host's history, figures): participation staff
of the responsible agency, and — read only — the case team within the consent. The offers
directory and host pages hold no personal data: every staff member of the municipality.
"""

import datetime

import pytest
from django.urls import reverse

from conftest import make_user
from tsunagu.access.models import AuditEvent
from tsunagu.accounts.models import Role
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.participation import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(record, staff):
    return actions.schedule_followup(by=staff, record=record, due_on=datetime.date(2026, 6, 1))


@pytest.fixture
def elsewhere(db):
    """A 社協 participation coordinator of another municipality."""
    m = Municipality.objects.create(slug="other", name="よその市")
    agency = Agency.objects.create(municipality=m, kind="organisation", name="よその市社協")
    return make_user("yoso", agency, Role.PARTICIPATION)


@pytest.fixture
def urls(record, followup, farm, farm_offer, plan, request_accepted):
    consultation = request_accepted.consultation
    return {
        "person": [
            ("get", reverse("participation:list")),
            ("get", reverse("participation:detail", args=[record.pk])),
            ("get", reverse("participation:needs", args=[record.pk])),
            ("get", reverse("participation:match", args=[record.pk])),
            ("post", reverse("participation:move", args=[record.pk])),
            ("post", reverse("participation:schedule_followup", args=[record.pk])),
            ("get", reverse("participation:followup", args=[followup.pk])),
            ("get", reverse("participation:inbox")),
            ("get", reverse("participation:host_history", args=[farm.pk])),
            ("post", reverse("participation:schedule_host_followup", args=[farm.pk])),
            ("get", reverse("participation:figures")),
            ("get", reverse("participation:open_from_plan", args=[plan.pk])),
        ],
        "consultation": [
            ("get", reverse("participation:open_from_consultation", args=[consultation.pk])),
        ],
        "directory": [
            ("get", reverse("participation:offers")),
            ("get", reverse("participation:hosts")),
            ("get", reverse("participation:host", args=[farm.pk])),
        ],
        "manage": [
            ("get", reverse("participation:host_new")),
            ("get", reverse("participation:host_edit", args=[farm.pk])),
            ("get", reverse("participation:offer_new", args=[farm.pk])),
            ("get", reverse("participation:offer_edit", args=[farm_offer.pk])),
        ],
    }


def fetch(client, user, method, url):
    client.force_login(user)
    return getattr(client, method)(url)


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor", "elsewhere"])
def test_no_person_data_for_users_outside_participation(client, urls, who, request):
    user = request.getfixturevalue(who)
    for method, url in urls["person"] + urls["consultation"]:
        assert fetch(client, user, method, url).status_code == 404, url


def test_staff_reach_every_page(client, urls, staff):
    for method, url in urls["person"] + urls["directory"] + urls["manage"]:
        response = fetch(client, staff, method, url)
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor", "owner", "partner"])
def test_directory_is_open_to_all_staff_of_the_municipality(client, urls, who, request):
    user = request.getfixturevalue(who)
    for method, url in urls["directory"]:
        assert fetch(client, user, method, url).status_code == 200, url


def test_directory_is_closed_to_other_municipalities(client, urls, elsewhere):
    listing = fetch(client, elsewhere, "get", reverse("participation:offers"))
    assert "北川ファーム" not in listing.content.decode()
    for method, url in urls["directory"][2:] + urls["manage"][1:]:
        assert fetch(client, elsewhere, method, url).status_code == 404, url


def test_a_consultation_is_passed_on_by_the_agency_that_took_it(client, urls, owner, staff):
    _, url = urls["consultation"][0]
    assert fetch(client, owner, "get", url).status_code == 200
    assert fetch(client, staff, "get", url).status_code == 404


@pytest.mark.parametrize("who", ["unrelated", "admin_user", "auditor", "partner"])
def test_only_participation_staff_manage_hosts(client, urls, who, request):
    user = request.getfixturevalue(who)
    for method, url in urls["manage"]:
        assert fetch(client, user, method, url).status_code == 403, url


def test_case_team_with_the_plan_part_reads_but_does_not_change(client, record, partner):
    client.force_login(partner)
    page = client.get(reverse("participation:detail", args=[record.pk]))
    assert page.status_code == 200
    assert "本人同意の範囲内で閲覧" in page.content.decode()
    assert "ニーズ・希望を編集" not in page.content.decode()
    assert client.get(reverse("participation:needs", args=[record.pk])).status_code == 403
    assert client.get(reverse("participation:match", args=[record.pk])).status_code == 403
    response = client.post(reverse("participation:move", args=[record.pk]), {"to": "closed"})
    assert response.status_code == 403


def test_case_team_without_the_plan_part_gets_404(client, record, owner):
    client.force_login(owner)
    assert client.get(reverse("participation:detail", args=[record.pk])).status_code == 404


def test_withdrawn_consent_closes_the_record_to_the_team(client, record, partner, coordinator):
    consent = record.case.current_consent()
    from tsunagu.coordination import actions as case_actions

    case_actions.withdraw_consent(consent=consent, by=coordinator, reason="本人の申し出")
    client.force_login(partner)
    assert client.get(reverse("participation:detail", args=[record.pk])).status_code == 404


def test_every_read_of_a_record_is_audited(client, record, staff):
    client.force_login(staff)
    client.get(reverse("participation:detail", args=[record.pk]))
    client.get(reverse("participation:match", args=[record.pk]))
    client.get(reverse("participation:list"))
    views = AuditEvent.objects.filter(object_type="participation.participationrecord")
    assert set(views.values_list("action", flat=True)) >= {"view", "create", "update"}
    assert views.filter(action="view", person_id=record.person_id).count() == 2
    listing = AuditEvent.objects.get(action="list", object_type="participation.participationrecord")
    assert listing.detail["person_ids"] == [record.person_id]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.STATISTICS])
@pytest.mark.parametrize(
    "agency_of", ["coordinating_agency", "department", "owner_agency", "partner_kind"]
)
def test_admin_and_auditor_get_no_person_data_at_any_kind_of_agency(
    client, urls, town, role, agency_of
):
    """Even at the responsible 社協 itself, 管理者 and 監査 memberships open no record."""
    if agency_of == "partner_kind":
        agency = Agency.objects.create(
            municipality=town.municipality, kind=Agency.Kind.PARTNER, name="テスト警察署"
        )
    else:
        agency = getattr(town, agency_of)
    user = make_user(f"{role}-{agency_of}", agency, role)
    for method, url in urls["person"] + urls["consultation"]:
        assert fetch(client, user, method, url).status_code == 404, url
