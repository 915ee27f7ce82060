"""Who administers which accounts (issue 12 item 1; docs/decisions/0012-account-administration.md).

- A システム管理者 administers every account of its municipality (except superusers, which
  exist only through ``manage.py createsuperuser`` and are never made from the UI) and may
  grant every role, including the municipality-wide システム管理者 and 全庁監査, at any agency.
  Only a システム管理者 resets another user's two-factor authentication.
- An agency's 管理者 administers the staff of its own agency only: users all of whose active
  memberships are at agencies it administers, and who hold no municipality-wide role. It
  grants the agency roles (相談員 … 管理者, 監査) at its own agency and nothing elsewhere.
  統計 is granted by the システム管理者 only: it reads the whole municipality's figures,
  small counts included, so no single agency hands it out.
- Everyone else administers nobody; an account outside one's reach is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tsunagu.accounts.models import MUNICIPAL_ROLES, Membership, Role, User
from tsunagu.municipality.models import Agency

__all__ = [
    "AGENCY_ROLES",
    "administered_agencies",
    "administered_users",
    "can_administer_accounts",
    "can_grant",
    "can_reset_two_factor",
    "get_administered_user_or_404",
    "grantable_roles",
    "is_system_admin",
]

# Roles an agency's 管理者 grants at its own agency (統計 reads municipality-wide figures).
AGENCY_ROLES: list[str] = [
    role for role in Role if role not in MUNICIPAL_ROLES and role != Role.STATISTICS
]


def _active_memberships(user, role: str) -> list[Membership]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [m for m in user.active_memberships() if m.role == role]


def is_system_admin(user) -> bool:
    return bool(_active_memberships(user, Role.SYSTEM_ADMIN))


def administered_agencies(user) -> QuerySet[Agency]:
    """Agencies at which ``user`` may grant roles and whose staff it administers."""
    sysadmin = _active_memberships(user, Role.SYSTEM_ADMIN)
    if sysadmin:
        return Agency.objects.filter(
            municipality_id__in={m.agency.municipality_id for m in sysadmin}
        )
    own = {m.agency_id for m in _active_memberships(user, Role.ADMIN)}
    return Agency.objects.filter(pk__in=own)


def can_administer_accounts(user) -> bool:
    return is_system_admin(user) or bool(_active_memberships(user, Role.ADMIN))


def grantable_roles(user) -> list[str]:
    if is_system_admin(user):
        return list(Role.values)
    if _active_memberships(user, Role.ADMIN):
        return AGENCY_ROLES
    return []


def can_grant(user, *, agency: Agency, role: str) -> bool:
    return (
        role in grantable_roles(user) and administered_agencies(user).filter(pk=agency.pk).exists()
    )


def administered_users(user) -> QuerySet[User]:
    """Accounts ``user`` may administer (never a superuser)."""
    agencies = administered_agencies(user)
    if not can_administer_accounts(user):
        return User.objects.none()
    accounts = User.objects.filter(is_superuser=False)
    if is_system_admin(user):
        # Accounts not yet (or no longer) placed anywhere are the システム管理者's to place.
        elsewhere = Membership.objects.exclude(agency__in=agencies).values("user_id")
        return accounts.exclude(pk__in=elsewhere)
    outside = Membership.objects.filter(active=True).exclude(agency__in=agencies)
    municipal = Membership.objects.filter(active=True, role__in=MUNICIPAL_ROLES)
    return (
        accounts.filter(memberships__agency__in=agencies)
        .exclude(pk__in=outside.values("user_id"))
        .exclude(pk__in=municipal.values("user_id"))
        .distinct()
    )


def get_administered_user_or_404(user, pk) -> User:
    target = administered_users(user).filter(pk=pk).first()
    if target is None:
        raise Http404("指定された利用者は見つからないか、管理する権限がありません。")
    return target


def can_reset_two_factor(user, target: User) -> bool:
    return is_system_admin(user) and administered_users(user).filter(pk=target.pk).exists()
