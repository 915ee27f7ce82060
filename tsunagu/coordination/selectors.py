"""Which cases a user's daily pages list (home), built on ``policy.visible_cases``.

Nothing here widens access: every function takes a queryset the policy already filtered,
or asks the policy for one.
"""

from __future__ import annotations

import datetime

from django.db.models import Case as Cond
from django.db.models import DateField, Exists, OuterRef, QuerySet, Subquery, When

from tsunagu.access import policy

from .models import Case, Monitoring, PlanStatus, Stage, SupportPlan

# Stages in which a confirmed plan is being carried out and reviewed (reminders.find_due).
REVIEW_STAGES = (Stage.SUPPORT, Stage.MONITORING)


def reviews_due(cases: QuerySet[Case], by: datetime.date) -> QuerySet[Case]:
    """The cases in 支援実施/モニタリング whose next モニタリング falls due on or before ``by``,
    annotated ``review_due``: the current plan's latest review's 次回評価予定日, or the
    plan's モニタリング予定日 before any review. The rule of ``reminders._review_due``,
    for many cases in one query."""
    plan_due = SupportPlan.objects.filter(
        case=OuterRef("pk"), status=PlanStatus.CONFIRMED
    ).order_by("-number")
    reviews = Monitoring.objects.filter(
        case=OuterRef("pk"), plan__status=PlanStatus.CONFIRMED
    ).order_by("-reviewed_on", "-pk")
    return (
        cases.filter(stage__in=REVIEW_STAGES)
        .annotate(
            review_due=Cond(
                When(Exists(reviews), then=Subquery(reviews.values("next_review_on")[:1])),
                default=Subquery(plan_due.values("monitoring_due")[:1]),
                output_field=DateField(),
            )
        )
        .filter(review_due__lte=by)
    )


def my_open_cases(user) -> QuerySet[Case]:
    """Open cases the user coordinates (担当コーディネーター)."""
    return policy.visible_cases(user).open().filter(coordinator=user)


def team_open_cases(user) -> QuerySet[Case]:
    """Open cases the user's agencies work on as team members, held by another agency."""
    return (
        policy.visible_cases(user)
        .open()
        .exclude(coordinating_agency_id__in=policy.casework_agency_ids(user))
    )
