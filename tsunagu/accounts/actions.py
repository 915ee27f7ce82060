"""Every change to an account, a membership, a role or a password, and the two-factor steps.

Each function checks the access policy, writes, and records a hash-chained audit event in
one transaction (Django's editable admin log is not the audit log). Views, the management
commands and tests all call these.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.access import audit, policy
from tsunagu.accounts import two_factor
from tsunagu.accounts.models import Membership, Role, User
from tsunagu.municipality.models import Agency

PURPOSE = "利用者管理"


def _require(allowed: bool, reason: str) -> None:
    if not allowed:
        raise PermissionDenied(reason)


def _require_target(actor, user: User) -> None:
    _require(
        policy.administered_users(actor).filter(pk=user.pk).exists(),
        "この利用者を管理する権限がありません。",
    )


def _require_grant(actor, agency: Agency, role: str) -> None:
    _require(
        policy.can_grant(actor, agency=agency, role=role),
        f"{agency.name}に「{Role(role).label}」の役割を付与する権限がありません。",
    )


# What a システム管理者 edits in /admin/: the municipality's configuration, never accounts.
CONFIG_APPS = ("municipality",)


def _sync_staff_flag(user: User) -> None:
    """Only a システム管理者 reaches /admin/ (configuration); superuser is never set here."""
    is_staff = user.memberships.filter(active=True, role=Role.SYSTEM_ADMIN).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
        config = Permission.objects.filter(content_type__app_label__in=CONFIG_APPS)
        user.user_permissions.set(config if is_staff else [])


@transaction.atomic
def create_account(
    *, actor, username: str, display_name: str, password: str, agency: Agency, role: str
) -> User:
    _require_grant(actor, agency, role)
    user = User(username=username, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, agency=agency, role=role)
    _sync_staff_flag(user)
    audit.log(actor, "create", user, purpose=PURPOSE, username=username)
    audit.log(
        actor,
        "grant",
        user,
        purpose=PURPOSE,
        agency_id=agency.pk,
        role=role,
        membership=membership.pk,
    )
    return user


@transaction.atomic
def grant_role(*, actor, user: User, agency: Agency, role: str) -> Membership:
    _require_target(actor, user)
    _require_grant(actor, agency, role)
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
    _sync_staff_flag(user)
    audit.log(
        actor,
        "grant",
        user,
        purpose=PURPOSE,
        agency_id=agency.pk,
        role=role,
        membership=membership.pk,
    )
    return membership


@transaction.atomic
def end_role(*, actor, membership: Membership) -> None:
    user = membership.user
    _require_target(actor, user)
    _require_grant(actor, membership.agency, membership.role)
    Membership.objects.filter(pk=membership.pk).update(active=False)
    _sync_staff_flag(user)
    audit.log(
        actor,
        "revoke",
        user,
        purpose=PURPOSE,
        agency_id=membership.agency_id,
        role=membership.role,
        membership=membership.pk,
    )


@transaction.atomic
def reset_password(*, actor, user: User, password: str) -> None:
    """Set a new password (the user's sessions end: Django checks the password hash)."""
    _require_target(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.log(actor, "password_reset", user, purpose=PURPOSE)


@transaction.atomic
def set_active(*, actor, user: User, active: bool) -> None:
    _require_target(actor, user)
    _require(actor.pk != user.pk, "自分自身のアカウントは無効にできません。")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.log(actor, "activate" if active else "deactivate", user, purpose=PURPOSE)


@transaction.atomic
def reset_two_factor(*, actor, user: User) -> None:
    """Remove the user's authenticator and recovery codes: they enrol again at next login."""
    _require(
        policy.can_reset_two_factor(actor, user),
        "二段階認証のリセットはシステム管理者のみ行えます。",
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.log(actor, "2fa_reset", user, purpose=PURPOSE)


@transaction.atomic
def enrol_two_factor(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns the new recovery
    codes (shown once), or None when the code is wrong."""
    if (
        device.user_id != user.pk
        or device.confirmed
        or not device.verify_token("".join(token.split()))
    ):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit.log(user, "2fa_enrol", user, purpose="二段階認証")
    return codes


@transaction.atomic
def renew_recovery_codes(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.log(user, "2fa_recovery_renew", user, purpose="二段階認証")
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="リカバリーコード", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def record_second_factor(*, user: User, device) -> None:
    """A recovery code was used: worth an event (the user may have lost the phone)."""
    if isinstance(device, StaticDevice):
        remaining = StaticToken.objects.filter(device=device).count()
        audit.log(user, "2fa_recovery_used", user, purpose="二段階認証", remaining=remaining)


@transaction.atomic
def grant_system_admin_from_server(*, user: User, agency: Agency) -> Membership:
    """The first システム管理者 of an installation, from the server's shell (whoever runs
    manage.py there already holds the database): audited with no acting user."""
    membership, _ = Membership.objects.get_or_create(
        user=user, agency=agency, role=Role.SYSTEM_ADMIN
    )
    if not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
    _sync_staff_flag(user)
    audit.log(
        None,
        "grant",
        user,
        purpose=f"{PURPOSE} (manage.py)",
        agency=agency,
        agency_id=agency.pk,
        role=Role.SYSTEM_ADMIN,
        membership=membership.pk,
    )
    return membership
