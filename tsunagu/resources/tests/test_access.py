"""Who reads and who edits the register: every staff page against the cast."""

import pytest
from django.urls import reverse

READ_PAGES = [
    ("resources:index", {}),
    ("resources:detail", {"pk": "salon"}),
    ("resources:organizations", {}),
    ("resources:gaps", {}),
    ("resources:figures", {}),
    ("resources:export_hsds_json", {}),
    ("resources:export_hsds_csv", {}),
    ("resources:export_xlsx", {}),
]
EDIT_PAGES = [
    ("resources:new", {}),
    ("resources:edit", {"pk": "salon"}),
    ("resources:organization_new", {}),
    ("resources:organization_edit", {"pk": "shakyo"}),
    ("resources:import", {}),
]


@pytest.fixture
def gap(town, owner):
    from tsunagu.meetings.models import ResourceGap

    return ResourceGap.objects.create(municipality=town.municipality, title="夜の居場所")


def _url(name, kwargs, salon, shakyo, gap=None):
    objects = {"salon": salon.pk, "shakyo": shakyo.pk, "gap": gap and gap.pk}
    return reverse(name, kwargs={k: objects[v] for k, v in kwargs.items()})


@pytest.mark.parametrize("who", ["admin_user", "auditor"])
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + EDIT_PAGES)
def test_admins_and_auditors_get_no_content(
    client, request, who, name, kwargs, salon, shakyo, community_programme
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(name, kwargs, salon, shakyo))
    assert response.status_code == 404
    assert "ひまわりサロン" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [p for p in READ_PAGES + EDIT_PAGES if p[1]] + [("resources:gap", {"pk": "gap"})],
)
def test_another_towns_user_gets_404_for_this_towns_records(
    client, outsider, name, kwargs, salon, shakyo, gap
):
    client.force_login(outsider)
    assert client.get(_url(name, kwargs, salon, shakyo, gap)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), [p for p in READ_PAGES if not p[1]])
def test_another_towns_user_sees_none_of_this_town_in_lists_and_exports(
    client, outsider, name, kwargs, salon, shakyo
):
    client.force_login(outsider)
    response = client.get(_url(name, kwargs, salon, shakyo))
    assert response.status_code == 200
    assert "ひまわりサロン" not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("who", ["partner", "unrelated", "owner", "coordinator"])
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_casework_staff_of_the_town_read_the_register(
    client, request, who, name, kwargs, salon, shakyo, community_programme
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, kwargs, salon, shakyo)).status_code == 200


@pytest.mark.parametrize("who", ["partner", "unrelated"])
@pytest.mark.parametrize(("name", "kwargs"), EDIT_PAGES)
def test_readers_who_do_not_run_community_work_may_not_edit(
    client, request, who, name, kwargs, salon, shakyo, community_programme
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, kwargs, salon, shakyo)).status_code == 403


@pytest.mark.parametrize("who", ["owner", "coordinator"])
@pytest.mark.parametrize(("name", "kwargs"), EDIT_PAGES)
def test_community_deliverers_and_the_coordinating_agency_edit(
    client, request, who, name, kwargs, salon, shakyo, community_programme
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, kwargs, salon, shakyo)).status_code == 200


def test_staff_pages_need_a_login(client, salon):
    response = client.get(reverse("resources:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_never_sees_another_towns_resources_in_own_register(client, outsider, salon):
    from tsunagu.resources.tests.conftest import make_resource

    class Other:
        municipality = outsider.memberships.get().agency.municipality

    make_resource(Other, "よその市のサロン")
    client.force_login(outsider)
    body = client.get(reverse("resources:index")).content.decode()
    assert "よその市のサロン" in body and "ひまわりサロン" not in body


def test_auditor_post_is_refused(client, auditor, salon):
    client.force_login(auditor)
    response = client.post(reverse("resources:activity_add", args=[salon.pk]), {})
    assert response.status_code == 404
