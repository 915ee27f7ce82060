"""たらい回し made visible: referral hops per person, loop-closed rates per agency and year.

Loop closed = the task reached 完了, 辞退 or 不成立 (a terminal state with an outcome or a
reason code). 取下げ and 期限切れ do not close the loop. Got help = 完了 with the outcome
支援につながった. Rates are over every task sent in the fiscal year (April–March, JST).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from tsunagu.intake.models import LOOP_CLOSED, Outcome, RecipientTask, TaskStatus
from tsunagu.lib.wareki import fiscal_year_range

JST = ZoneInfo("Asia/Tokyo")


def fiscal_year_bounds(fy: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The 年度 as a half-open span of JST moments (for DateTimeField filters)."""
    first, last = fiscal_year_range(fy)
    after = last + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(first, datetime.time(), JST),
        datetime.datetime.combine(after, datetime.time(), JST),
    )


@dataclass(frozen=True)
class LoopRate:
    agency_id: int
    agency_name: str
    sent: int
    loop_closed: int
    got_help: int

    @property
    def loop_closed_rate(self) -> float | None:
        return self.loop_closed / self.sent if self.sent else None

    @property
    def got_help_rate(self) -> float | None:
        return self.got_help / self.sent if self.sent else None


def loop_rates(*, municipality_id: int, fiscal_year: int, by: str = "sender") -> list[LoopRate]:
    """Per agency (as ``by`` = "sender" or "recipient"), one aggregate query."""
    start, end = fiscal_year_bounds(fiscal_year)
    prefix = "referral__sender_agency" if by == "sender" else "agency"
    rows = (
        RecipientTask.objects.filter(
            referral__municipality_id=municipality_id,
            referral__sent_at__gte=start,
            referral__sent_at__lt=end,
        )
        .values(f"{prefix}_id", f"{prefix}__name")
        .annotate(
            sent=Count("pk"),
            loop_closed=Count("pk", filter=Q(status__in=LOOP_CLOSED)),
            got_help=Count("pk", filter=Q(status=TaskStatus.COMPLETED, outcome=Outcome.GOT_HELP)),
        )
        .order_by(f"{prefix}__name")
    )
    return [
        LoopRate(
            r[f"{prefix}_id"], r[f"{prefix}__name"], r["sent"], r["loop_closed"], r["got_help"]
        )
        for r in rows
    ]


def referral_hops(person_id: int):
    """Every hop (one recipient task) of every referral about the person, oldest first."""
    return (
        RecipientTask.objects.filter(referral__person_id=person_id)
        .select_related("referral__sender_agency", "agency")
        .order_by("referral__sent_at", "pk")
    )
