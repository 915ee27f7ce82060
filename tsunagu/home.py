"""ホーム (today's work): for the signed-in user, one block per kind of work their roles do.

Each block is a count (or a few counts), the first rows and one link to the full list.
Rows come only from the access policy (through the intake, coordination and outreach
selectors), so a user without a casework membership (管理者/監査/統計 only) gets no content
block and no person's name — only what their role is for: staff accounts, the audit log,
the year's figures.

The number of queries does not grow with the rows: each block is one aggregate and one
short list (``HOME_ROWS``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from tsunagu.access import policy
from tsunagu.access.policy import participation as participation_access
from tsunagu.accounts.models import Role
from tsunagu.coordination import selectors as cases
from tsunagu.coordination.models import Stage
from tsunagu.coordination.reminders import DEFAULT_DAYS_AHEAD
from tsunagu.intake import selectors as intake
from tsunagu.intake.models import CoordinationStatus, TaskStatus
from tsunagu.meetings import selectors as sessions
from tsunagu.municipality.models import Municipality
from tsunagu.outreach import selectors as outreach
from tsunagu.reports.headline import Headlines, headline

HOME_ROWS = 5  # per block; the full list is one click away


@dataclass(frozen=True)
class Referrals:
    """つなぐシート received and not answered yet; and those sent, past their deadline."""

    unanswered: int
    unopened: int
    overdue: int
    sent_overdue: int
    rows: list


@dataclass(frozen=True)
class Requests:
    """支援依頼 waiting for the coordinating agency (受理, then the case to start)."""

    pending: int
    undecided: int
    rows: list


@dataclass(frozen=True)
class Consultations:
    """The user's open consultations and their next steps."""

    open: int
    overdue: int
    due_this_week: int
    rows: list


@dataclass(frozen=True)
class Cases:
    """Cases the user coordinates, by stage, with the モニタリング falling due; the cases
    and plan roles of their agencies on other agencies' teams."""

    mine: int
    by_stage: list[tuple[str, int]]
    reviews_due: int
    reviews_overdue: int
    review_rows: list
    horizon: datetime.date
    team: int
    assignments: int
    assignments_due: int


@dataclass(frozen=True)
class Meetings:
    """Sessions planned this week (Monday to Sunday) that the user may see."""

    planned: int
    rows: list


@dataclass(frozen=True)
class Outreach:
    """The worker's outreach records needing contact (the inbox's outreach section)."""

    due: int
    quiet: int
    quiet_days: int
    rows: list


@dataclass(frozen=True)
class Participation:
    """参加支援 follow-ups due this week or overdue."""

    due: int
    overdue: int


@dataclass
class Home:
    today: datetime.date
    week_start: datetime.date
    week_end: datetime.date
    has_content: bool = False
    referrals: Referrals | None = None
    requests: Requests | None = None
    consultations: Consultations | None = None
    cases: Cases | None = None
    meetings: Meetings | None = None
    outreach: Outreach | None = None
    participation: Participation | None = None
    headline: Headlines | None = None
    staff_accounts: int | None = None
    audit_log: bool = False
    person_ids: set[int] = field(default_factory=set)


def today_work(user, *, today: datetime.date, municipality: Municipality | None) -> Home:
    week_start = today - datetime.timedelta(days=today.weekday())
    home = Home(today, week_start, week_start + datetime.timedelta(days=6))
    home.has_content = bool(policy.casework_agency_ids(user))
    if home.has_content:
        home.referrals = referrals(user, today)
        home.consultations = consultations(user, today, home.week_end)
        home.requests = requests(user)
        home.cases = coordinated_cases(user, today, days_ahead(municipality))
        home.meetings = meetings(user, week_start, home.week_end)
        if user.has_role(Role.OUTREACH):
            home.outreach = outreach_contacts(user, today, home.week_end)
        # As in the inbox: the 参加支援コーディネーター's block, not every 社協 member's.
        if user.has_role(Role.PARTICIPATION) and participation_access.staff_agency_ids(user):
            home.participation = participation(user, today, home.week_end)
        home.person_ids = listed_persons(home)
    if municipality is not None and policy.can_read_reports(user):
        home.headline = headline(municipality, today)
    if policy.can_administer_accounts(user):
        home.staff_accounts = policy.administered_users(user).count()
    home.audit_log = policy.can_read_audit_log(user)
    return home


def days_ahead(municipality: Municipality | None) -> int:
    """How far ahead a モニタリング counts as due: the profile's reminder lead time."""
    if municipality is None:
        return DEFAULT_DAYS_AHEAD
    return int(municipality.setting("reminder_days_ahead", DEFAULT_DAYS_AHEAD))


def referrals(user, today: datetime.date) -> Referrals:
    tasks = policy.unanswered_received_tasks(user)
    counts = tasks.aggregate(
        unanswered=Count("pk"),
        unopened=Count("pk", filter=Q(status=TaskStatus.SENT)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    rows = (
        tasks.select_related("referral__person", "referral__sender_agency", "agency")
        .only(
            "status",
            "due_on",
            "agency__name",
            "referral__sent_at",
            "referral__sender_agency__name",
            "referral__person__family_name",
            "referral__person__given_name",
        )
        .order_by("due_on", "pk")
    )
    return Referrals(
        sent_overdue=policy.sent_referral_tasks(user).overdue(today).count(),
        rows=list(rows[:HOME_ROWS]),
        **counts,
    )


def requests(user) -> Requests | None:
    """Shown to coordinators (CSW) of an agency that receives 支援依頼: the profile's
    coordinating agency, or any agency a request is addressed to."""
    if not user.has_role(Role.COORDINATOR):
        return None
    pending = policy.pending_coordination_requests(user)
    counts = pending.aggregate(
        pending=Count("pk"),
        undecided=Count("pk", filter=Q(status=CoordinationStatus.REQUESTED)),
    )
    if not counts["pending"] and not policy.coordinating_municipality_ids(user):
        return None
    rows = (
        pending.select_related("consultation__person", "from_agency")
        .only(
            "status",
            "requested_at",
            "from_agency__name",
            "consultation__person__family_name",
            "consultation__person__given_name",
        )
        .order_by("requested_at", "pk")
    )
    return Requests(rows=list(rows[:HOME_ROWS]), **counts)


def consultations(user, today: datetime.date, week_end: datetime.date) -> Consultations:
    mine = intake.my_open_consultations(user)
    # Counted over columns of the partial index (not the id), so PostgreSQL answers from
    # the index alone; a filtered date is never null.
    counts = mine.order_by().aggregate(
        open=Count("*"),
        overdue=Count("next_step_due", filter=Q(next_step_due__lt=today)),
        due_this_week=Count("next_step_due", filter=Q(next_step_due__range=(today, week_end))),
    )
    rows = mine.select_related("person").only(
        "received_at", "next_step", "next_step_due", "person__family_name", "person__given_name"
    )
    return Consultations(rows=list(rows[:HOME_ROWS]), **counts)


def coordinated_cases(user, today: datetime.date, days: int) -> Cases | None:
    """Shown to coordinators, and to anyone whose agency works on an open case."""
    mine = cases.my_open_cases(user)
    by_stage = dict(
        mine.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    team = cases.team_open_cases(user).count()
    roles = policy.own_assignments(user)
    horizon = today + datetime.timedelta(days=days)
    role_counts = roles.aggregate(
        assignments=Count("pk"), assignments_due=Count("pk", filter=Q(until__lte=horizon))
    )
    if not (by_stage or team or role_counts["assignments"] or user.has_role(Role.COORDINATOR)):
        return None
    due = cases.reviews_due(mine, horizon)
    review = due.aggregate(
        reviews_due=Count("pk"), reviews_overdue=Count("pk", filter=Q(review_due__lt=today))
    )
    review_rows = due.only("title", "stage", "focus_person").order_by("review_due", "pk")
    return Cases(
        mine=sum(by_stage.values()),
        by_stage=[(Stage(s).label, by_stage[s]) for s in Stage.values if s in by_stage],
        review_rows=list(review_rows[:HOME_ROWS]),
        horizon=horizon,
        team=team,
        **review,
        **role_counts,
    )


def meetings(user, week_start: datetime.date, week_end: datetime.date) -> Meetings:
    planned = sessions.planned_sessions(user, week_start, week_end)
    rows = planned.select_related("body").order_by("date", "start_time", "pk")
    return Meetings(planned=planned.count(), rows=list(rows[:HOME_ROWS]))


def outreach_contacts(user, today: datetime.date, week_end: datetime.date) -> Outreach:
    """The inbox's outreach section (next steps due by ``week_end``, records gone quiet),
    with the counts behind it."""
    section = outreach.inbox_section(user, today=today, until=week_end)
    mine = policy.visible_outreach_records(user).filter(worker=user)
    return Outreach(
        due=mine.attempts_due(week_end).count(),
        quiet=mine.quiet(today, section.quiet_days).count(),
        quiet_days=section.quiet_days,
        rows=section.due[:HOME_ROWS],
    )


def participation(user, today: datetime.date, week_end: datetime.date) -> Participation:
    counts = (
        participation_access.visible_followups(user)
        .due(week_end)
        .aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return Participation(**counts)


def listed_persons(home: Home) -> set[int]:
    """The persons whose names the page shows, for the audit log."""
    ids: set[int] = set()
    if home.referrals:
        ids |= {t.referral.person_id for t in home.referrals.rows}
    if home.requests:
        ids |= {r.consultation.person_id for r in home.requests.rows}
    if home.consultations:
        ids |= {c.person_id for c in home.consultations.rows}
    if home.cases:
        ids |= {c.focus_person_id for c in home.cases.review_rows}
    if home.outreach:
        ids |= {r.person_id for r in home.outreach.rows if r.person_id}
    return ids
