"""Read-only questions other pages ask about outreach records (inbox, case page, lists).

Every answer starts from ``policy.visible_outreach_records``: nothing here widens access.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from tsunagu.access import policy
from tsunagu.coordination.models import Stage as CaseStage
from tsunagu.lib.lists import head

from .models import DEFAULT_QUIET_DAYS, OPEN_STAGES, Stage, quiet_days

INBOX_ROWS = 10
ROW = ("stage", "next_step", "next_due", "last_activity_on", "informed_on", "age_band", "sex")


def list_rows(qs):
    return qs.select_related("area", "person", "agency").only(
        *ROW,
        "area__name",
        "agency__name",
        "person__family_name",
        "person__given_name",
        "municipality_id",
    )


@dataclass
class InboxSection:
    due: list
    more_due: bool
    quiet: list
    more_quiet: bool
    quiet_days: int
    today: datetime.date


def inbox_section(user, *, today: datetime.date, until: datetime.date) -> InboxSection:
    """The worker's open records whose next step falls due by ``until``, and those quiet
    for longer than the profile's ``outreach_quiet_days``."""
    mine = policy.visible_outreach_records(user).filter(worker=user)
    due, more_due = head(list_rows(mine.attempts_due(until)).order_by("next_due", "pk"), INBOX_ROWS)
    days = user_quiet_days(user)
    quiet, more_quiet = head(
        list_rows(mine.quiet(today, days)).order_by("last_activity_on", "pk"), INBOX_ROWS
    )
    return InboxSection(due, more_due, quiet, more_quiet, days, today)


def user_quiet_days(user) -> int:
    municipality = policy.home_municipality(user)
    return quiet_days(municipality) if municipality else DEFAULT_QUIET_DAYS


@dataclass
class CaseOutreach:
    records: list
    agencies: list  # 4号 agencies the case holder may ask (見守り・アウトリーチ only)


def for_case(user, case) -> CaseOutreach:
    """The outreach records of a case: those it was asked for in 見守り・アウトリーチ and
    the one it came from (via its 支援依頼); and whom the holder may ask for outreach."""
    rule = Q(case=case)
    if case.request_id is not None:
        rule |= Q(coordination_request_id=case.request_id)
    records = list(
        policy.visible_outreach_records(user).filter(rule).select_related("agency", "worker")
    )
    asking = case.stage == CaseStage.WATCHING and policy.can_change_case(user, case)
    agencies = list(policy.outreach_agencies(case.municipality)) if asking else []
    return CaseOutreach(records, agencies)


@dataclass
class TeamOverview:
    by_stage: list[tuple[str, int]]
    overdue: list
    more_overdue: bool
    by_area: list[tuple[str, int]]
    quiet_days: int


def team_overview(records, *, today: datetime.date, quiet_days: int) -> TeamOverview:
    """For the outreach team: open records by stage, overdue next steps, open by area."""
    open_records = records.open()
    counts = dict(
        open_records.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    by_stage = [(Stage(s).label, counts.get(s, 0)) for s in OPEN_STAGES]
    overdue, more = head(
        list_rows(open_records.filter(next_due__lt=today)).order_by("next_due", "pk"), 50
    )
    areas = Counter(
        dict(
            open_records.values_list("area__name")
            .annotate(n=Count("pk"))
            .values_list("area__name", "n")
        )
    )
    by_area = sorted(((name or "圏域未設定", n) for name, n in areas.items()), key=lambda r: -r[1])
    return TeamOverview(by_stage, overdue, more, by_area, quiet_days)
