"""Issue 12 item 1: the account-takeover probes through /admin/, and the staff pages that
replace it. Each agency kind has its 管理者 (cast.py); every change is in the audit chain."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import make_user
from tsunagu.access import audit
from tsunagu.access.models import AuditEvent
from tsunagu.accounts.models import Membership, Role, User
from tsunagu.accounts.tests.cast import KINDS, build_cast

NEW_PASSWORD = "kawa-sakura-9517"


@pytest.fixture
def cast(town):
    return build_cast(town)


def _events(user, action):
    return AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), action=action
    )


def test_staff_with_every_account_permission_finds_no_user_or_group_admin(client, cast):
    """The probe: a 管理者 made staff with add/change/delete on users and memberships (as the
    demo did) listed every user, granted memberships anywhere and set is_superuser."""
    admin = cast.admins["counter"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["accounts", "auth"])
    )
    client.force_login(admin)
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{cast.staff['partner'].pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/",
        f"/admin/accounts/user/{cast.staff['partner'].pk}/password/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post("/admin/accounts/user/add/", {"username": "evil", "is_superuser": "on"})
    assert response.status_code == 404
    assert not User.objects.filter(username="evil").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_agency_admin_lists_and_opens_only_its_own_staff(client, cast, kind):
    admin = cast.admins[kind]
    client.force_login(admin)
    response = client.get(reverse("accounts:staff_list"))
    listed = {u.username for u in response.context["page"].object_list}
    assert cast.staff[kind].username in listed
    for other in KINDS:
        if other != kind:
            assert cast.staff[other].username not in listed
            assert cast.admins[other].username not in listed
            url = reverse("accounts:staff_detail", args=[cast.staff[other].pk])
            assert client.get(url).status_code == 404
    assert cast.system_admin.username not in listed
    assert cast.municipal_auditor.username not in listed


@pytest.mark.parametrize("kind", KINDS)
def test_agency_admin_cannot_grant_roles_elsewhere_or_municipal_roles(client, cast, kind):
    admin = cast.admins[kind]
    client.force_login(admin)
    other = next(a for k, a in cast.agencies.items() if k != kind)
    own = cast.agencies[kind]
    url = reverse("accounts:staff_grant", args=[admin.pk])
    attempts = [
        (other, Role.COORDINATOR),  # itself into another agency
        (own, Role.SYSTEM_ADMIN),
        (own, Role.MUNICIPAL_AUDITOR),
        (own, Role.STATISTICS),  # the municipality's figures: the システム管理者 grants it
    ]
    for agency, role in attempts:
        assert client.post(url, {"agency": agency.pk, "role": role}).status_code == 400
    assert not Membership.objects.filter(user=admin).exclude(agency=own).exists()
    assert not Membership.objects.filter(
        user=admin, role__in=[Role.SYSTEM_ADMIN, Role.MUNICIPAL_AUDITOR]
    ).exists()
    # Someone else's staff: not even visible.
    target = cast.staff["partner" if kind != "partner" else "counter"]
    response = client.post(
        reverse("accounts:staff_grant", args=[target.pk]),
        {"agency": own.pk, "role": Role.COUNSELLOR},
    )
    assert response.status_code == 404
    admin.refresh_from_db()
    assert not admin.is_superuser and not admin.is_staff


def test_agency_admin_cannot_touch_its_staff_who_also_work_elsewhere(client, cast):
    shared = cast.staff["counter"]
    Membership.objects.create(user=shared, agency=cast.agencies["partner"], role=Role.COUNSELLOR)
    client.force_login(cast.admins["counter"])
    url = reverse("accounts:staff_password", args=[shared.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    shared.refresh_from_db()
    assert not shared.check_password(NEW_PASSWORD)


def test_agency_admin_manages_own_staff_and_every_change_is_audited(client, cast):
    admin = cast.admins["coordinating"]
    agency = cast.agencies["coordinating"]
    client.force_login(admin)
    response = client.post(
        reverse("accounts:staff_new"),
        {
            "username": "new-csw",
            "display_name": "新任 協働",
            "agency": agency.pk,
            "role": Role.COORDINATOR,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="new-csw")
    assert new.check_password(NEW_PASSWORD) and not new.is_staff and not new.is_superuser
    assert _events(new, "create").get().user == admin
    assert _events(new, "grant").get().detail["role"] == Role.COORDINATOR

    client.post(
        reverse("accounts:staff_grant", args=[new.pk]), {"agency": agency.pk, "role": Role.AUDITOR}
    )
    membership = Membership.objects.get(user=new, role=Role.AUDITOR)
    client.post(reverse("accounts:staff_end_role", args=[new.pk, membership.pk]))
    membership.refresh_from_db()
    assert not membership.active
    client.post(
        reverse("accounts:staff_password", args=[new.pk]),
        {"password1": "another-Pass-2468", "password2": "another-Pass-2468"},
    )
    client.post(reverse("accounts:staff_active", args=[new.pk]), {"active": "0"})
    new.refresh_from_db()
    assert new.check_password("another-Pass-2468") and not new.is_active
    for action in ("grant", "revoke", "password_reset", "deactivate"):
        assert _events(new, action).filter(user=admin).exists(), action
    _count, problem = audit.verify_chain()
    assert problem is None


def test_password_reset_refuses_the_username_and_common_passwords(client, cast):
    target = cast.staff["counter"]
    client.force_login(cast.admins["counter"])
    url = reverse("accounts:staff_password", args=[target.pk])
    for bad in (target.username + "1", "password123", "1234567890"):
        response = client.post(url, {"password1": bad, "password2": bad})
        assert response.status_code == 400, bad
        assert response.context["password_form"].errors["password1"]
    target.refresh_from_db()
    assert not _events(target, "password_reset").exists()


def test_system_admin_grants_municipal_roles_but_never_superuser(client, cast, django_user_model):
    sysadmin = cast.system_admin
    client.force_login(sysadmin)
    target = cast.staff["partner"]
    listed = {
        u.username for u in client.get(reverse("accounts:staff_list")).context["page"].object_list
    }
    assert {cast.staff[k].username for k in KINDS} <= listed
    client.post(
        reverse("accounts:staff_grant", args=[target.pk]),
        {"agency": cast.agencies["department"].pk, "role": Role.SYSTEM_ADMIN},
    )
    target.refresh_from_db()
    assert target.is_staff and not target.is_superuser
    assert target.has_perm("municipality.change_agency") and not target.has_perm(
        "accounts.change_user"
    )
    client.post(
        reverse("accounts:staff_grant", args=[target.pk]),
        {"agency": cast.agencies["department"].pk, "role": Role.STATISTICS},
    )
    assert Membership.objects.filter(user=target, role=Role.STATISTICS).exists()
    membership = Membership.objects.get(user=target, role=Role.SYSTEM_ADMIN)
    client.post(reverse("accounts:staff_end_role", args=[target.pk, membership.pk]))
    target.refresh_from_db()
    assert not target.is_staff
    root = django_user_model.objects.create_superuser("root", password="x")
    assert client.get(reverse("accounts:staff_detail", args=[root.pk])).status_code == 404
    page = client.get(reverse("accounts:staff_detail", args=[target.pk])).content.decode()
    assert "superuser" not in page and "スーパーユーザー" not in page


@pytest.mark.parametrize("who", ["counsellor", "auditor"])
def test_users_without_an_admin_role_administer_nobody(client, cast, who):
    user = cast.staff["counter"] if who == "counsellor" else cast.auditors["counter"]
    client.force_login(user)
    assert client.get(reverse("accounts:staff_list")).status_code == 403
    assert client.get(reverse("accounts:staff_new")).status_code == 403
    other = cast.staff["partner"]
    assert client.get(reverse("accounts:staff_detail", args=[other.pk])).status_code == 404


def test_staff_list_queries_are_bounded(client, cast, django_assert_max_num_queries):
    for i in range(30):
        make_user(f"extra{i}", cast.agencies["counter"], Role.COUNSELLOR)
    client.force_login(cast.system_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:staff_list"))
    assert response.context["page"].paginator.count >= 30


def test_first_system_admin_is_granted_from_the_server_and_audited(town, django_user_model):
    from django.core.management import call_command

    user = django_user_model.objects.create_user("first-admin", password="x")
    call_command("grant_system_admin", "first-admin", agency=town.department.name)
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    event = _events(user, "grant").get()
    assert event.user is None and event.detail["role"] == Role.SYSTEM_ADMIN
