"""Which intake rows a user's daily pages list (home, inbox): built on the access policy.

Every function starts from a policy answer (``visible_consultations``,
``received_referral_tasks``, ``sent_referral_tasks``) or from the user's casework agencies
(``content_agency_ids``, the policy's content-role rule): nothing here widens access, and
管理者/監査/統計-only users get empty querysets.
"""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet

from tsunagu.access import policy

from .models import (
    Consultation,
    RecipientTask,
)


def overdue_sent_tasks(user, today: datetime.date) -> QuerySet[RecipientTask]:
    """Tasks of the user's agencies' つなぐシート still unanswered after their 回答期限."""
    return policy.sent_referral_tasks(user).overdue(today)


def my_open_consultations(user) -> QuerySet[Consultation]:
    """The user's own open consultations, the next step due soonest first (none last)."""
    return (
        policy.visible_consultations(user)
        .open()
        .filter(staff=user)
        .order_by(F("next_step_due").asc(nulls_last=True), "-received_at", "-pk")
    )
