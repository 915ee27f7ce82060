"""Reminders of due reviews (モニタリング) and assignments (役割分担の期限).

``find_due`` is run daily by the django-tasks task ``tasks.run_reminders`` or by cron with
``manage.py run_reminders``. It writes one Reminder row per due item and agency (idempotent:
the same item, date and agency is written once) and closes reminders whose item is done.
The rows are shown in each agency's inbox (/coordination/my-assignments/).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tsunagu.lib.wareki import format_wareki

from .models import Assignment, AssignmentStatus, Case, Reminder, Stage

DEFAULT_DAYS_AHEAD = 7


def _days_ahead(case: Case) -> int:
    return int(case.municipality.setting("reminder_days_ahead", DEFAULT_DAYS_AHEAD))


def _review_due(case: Case) -> datetime.date | None:
    plan = case.current_plan()
    if plan is None:
        return None
    last = case.monitorings.filter(plan=plan).aggregate(on=Max("reviewed_on"))["on"]
    if last is None:
        return plan.monitoring_due
    latest = case.monitorings.filter(plan=plan, reviewed_on=last).order_by("-pk").first()
    return latest.next_review_on if latest else None


def _remind(kind, case, agency_id, object_id, due_on, message) -> bool:
    _, created = Reminder.objects.get_or_create(
        kind=kind,
        object_id=object_id,
        due_on=due_on,
        agency_id=agency_id,
        defaults={"case": case, "message": message},
    )
    return created


@transaction.atomic
def find_due(*, today: datetime.date | None = None) -> int:
    """Write reminders for reviews and assignments due within the profile's lead time."""
    today = today or timezone.localdate()
    created = 0
    cases = Case.objects.filter(stage__in=[Stage.SUPPORT, Stage.MONITORING]).select_related(
        "municipality"
    )
    for case in cases:
        due = _review_due(case)
        if due is not None and due <= today + datetime.timedelta(days=_days_ahead(case)):
            message = f"モニタリング予定日 {format_wareki(due)}"
            created += _remind(
                Reminder.Kind.REVIEW, case, case.coordinating_agency_id, case.pk, due, message
            )
    rows = (
        Assignment.objects.in_force()
        .filter(until__isnull=False)
        .select_related("plan__case__municipality")
    )
    for a in rows:
        case = a.plan.case
        if a.until <= today + datetime.timedelta(days=_days_ahead(case)):
            message = f"「{a.issue}」の期限 {format_wareki(a.until)}"
            created += _remind(Reminder.Kind.ASSIGNMENT, case, a.agency_id, a.pk, a.until, message)
    _close_finished()
    return created


def _close_finished() -> None:
    now = timezone.now()
    finished = Assignment.objects.filter(
        status__in=[AssignmentStatus.DONE, AssignmentStatus.STOPPED]
    ).values("pk")
    open_rows = Reminder.objects.filter(done_at__isnull=True)
    open_rows.filter(kind=Reminder.Kind.ASSIGNMENT, object_id__in=finished).update(done_at=now)
    open_rows.exclude(case__stage__in=[Stage.SUPPORT, Stage.MONITORING]).update(done_at=now)
    for reminder in open_rows.filter(kind=Reminder.Kind.REVIEW).select_related("case"):
        if reminder.case.monitorings.filter(reviewed_on__gte=reminder.due_on).exists():
            reminder.done_at = now
            reminder.save(update_fields=["done_at"])
