"""Which sessions a user's daily pages list (home), built on ``policy.visible_sessions``."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from tsunagu.access import policy

from .models import Attendance, MeetingSession


def planned_sessions(user, start: datetime.date, end: datetime.date) -> QuerySet[MeetingSession]:
    """Sessions still 開催予定 between ``start`` and ``end`` that the user may see (bodies
    their agencies convene or belong to, sessions they attend), each with ``attending``."""
    mine = Attendance.objects.filter(session=OuterRef("pk"), user=user)
    return (
        policy.visible_sessions(user)
        .filter(status=MeetingSession.Status.PLANNED, date__range=(start, end))
        .annotate(attending=Exists(mine))
    )
