"""Who reads which audit events (issue 12 item 4; docs/decisions/0012-account-administration.md).

- An agency's 監査 reads the events of its own agency's staff (anyone who has held a
  membership there), the events recorded as done for that agency, the events about the
  persons the agency works or worked with, and account changes made to its staff by anyone.
  Other agencies' searches, lists and reads of other persons stay out of sight.
- A 全庁監査 reads every event of the municipality.
- Nobody else reads the audit log: not the agency 管理者 nor the システム管理者, whose own
  account changes are what the auditors check.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tsunagu.access.models import AuditEvent, Involvement
from tsunagu.accounts.models import Membership, Role, User

__all__ = [
    "audit_log_users",
    "audited_agency_ids",
    "can_read_audit_log",
    "is_municipal_auditor",
    "visible_audit_events",
]


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_municipal_auditor(user) -> bool:
    return _active(user) and user.has_role(Role.MUNICIPAL_AUDITOR)


def audited_agency_ids(user) -> set[int]:
    """Agencies whose audit events ``user`` reads as their 監査."""
    if not _active(user):
        return set()
    return {m.agency_id for m in user.active_memberships() if m.role == Role.AUDITOR}


def can_read_audit_log(user) -> bool:
    return is_municipal_auditor(user) or bool(audited_agency_ids(user))


def visible_audit_events(user) -> QuerySet[AuditEvent]:
    if is_municipal_auditor(user):
        return AuditEvent.objects.all()
    agencies = audited_agency_ids(user)
    if not agencies:
        return AuditEvent.objects.none()
    staff = Membership.objects.filter(agency_id__in=agencies).values("user_id")
    staff_ids = [str(pk) for pk in staff.values_list("user_id", flat=True).distinct()]
    persons = Involvement.objects.filter(agency_id__in=agencies).values("person_id")
    return AuditEvent.objects.filter(
        Q(user_id__in=staff)
        | Q(agency_id__in=agencies)
        | Q(person_id__in=persons)
        | Q(object_type="accounts.user", object_id__in=staff_ids)
    )


def audit_log_users(user) -> QuerySet[User]:
    """The users ``user`` may pick in the audit log's search form."""
    if is_municipal_auditor(user):
        return User.objects.all()
    staff = Membership.objects.filter(agency_id__in=audited_agency_ids(user)).values("user_id")
    return User.objects.filter(pk__in=staff)
