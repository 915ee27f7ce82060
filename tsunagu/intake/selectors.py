"""Which intake rows the home page lists, built on the access policy: every function starts
from a policy answer (``visible_consultations``), so nothing here widens access and
管理者/監査/統計-only users get empty querysets."""

from __future__ import annotations

from django.db.models import F, QuerySet

from tsunagu.access import policy

from .models import Consultation


def my_open_consultations(user) -> QuerySet[Consultation]:
    """The user's own open consultations, the next step due soonest first (none last)."""
    return (
        policy.visible_consultations(user)
        .open()
        .filter(staff=user)
        .order_by(F("next_step_due").asc(nulls_last=True), "-received_at", "-pk")
    )
