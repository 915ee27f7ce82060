"""Demo meetings (会議体) through the meetings workflows.

- Every body of the profile meets at its planned frequency over the last fiscal year
  (随時/ケースごと: four times), with attendance, minutes, and a 資源開発の検討 decision now
  and then; a 支援会議 body's attendees record their confidentiality pledge first.
- Cases are decided in meetings: プラン承認 (the plan becomes 確定) and 終結承認 (the case
  closes with its hand-back) at a session of a consent-based body the coordinator runs, and
  cases without consent are shared at a 支援会議 with a 支援方針 decision.
"""

from __future__ import annotations

import datetime
from typing import Any

from tsunagu.access import policy
from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination.models import Case, SupportPlan
from tsunagu.demo.cases import CaseBuilder
from tsunagu.lib.wareki import fiscal_year
from tsunagu.meetings import actions, transitions
from tsunagu.meetings.frequency import expected_per_year
from tsunagu.meetings.models import AgendaItem, Decision, MeetingSession, Minutes
from tsunagu.municipality.models import ConsentRule, MeetingBody, MeetingFunction

PLACES = ["市役所 第1会議室", "総合福祉センター 研修室", "社会福祉協議会 会議室"]
TOPICS = [
    ("各機関の取組状況の共有", "ひきこもり状態の方の居場所が市内に不足している"),
    ("相談支援の連携上の課題", "夜間・休日に相談できる窓口が不足している"),
    ("実施計画の進捗確認", "ヤングケアラーの学習支援の場が不足している"),
]
CASE_BODY_RULES: dict[str, tuple[str, str]] = {
    MeetingFunction.COORDINATION: (ConsentRule.REQUIRED, ConsentRule.PER_ITEM),
    MeetingFunction.CONFIDENTIAL: (ConsentRule.NOT_REQUIRED, ConsentRule.PER_ITEM),
}


class MeetingDemo:
    def __init__(self, builder: CaseBuilder):
        self.b = builder
        self.m = builder.municipality
        self.bodies = list(self.m.meeting_bodies.order_by("order", "pk"))
        self.pledged: set[tuple[int, int]] = set()
        self.sessions = 0
        self.decisions = 0

    def wire(self) -> bool:
        """Route the cases' approvals and closures through meetings, if a body can take them."""
        if self._case_body(MeetingFunction.COORDINATION) is None:
            return False
        self.b.approve = self.approve_plan
        self.b.close = self.approve_closure
        if self._case_body(MeetingFunction.CONFIDENTIAL) is not None:
            self.b.on_conference = self.share_at_support_meeting
        return True

    # --- who runs a body ---------------------------------------------------------------

    def _manager(self, body: MeetingBody):
        if policy.can_manage_body(self.b.coordinator, body):
            return self.b.coordinator
        if body.convener_id is None:
            return None
        memberships = (
            Membership.objects.filter(agency_id=body.convener_id)
            .exclude(role=Role.AUDITOR)
            .select_related("user")
            .order_by("role", "user__username")
        )
        return next((m.user for m in memberships if policy.can_manage_body(m.user, body)), None)

    def _case_body(self, function: str) -> MeetingBody | None:
        """A body the coordinator runs that takes cases under ``function``; bodies met case
        by case (no planned frequency) first."""
        usable = [
            b
            for b in self.bodies
            if b.has_function(function)
            and b.consent_rule in CASE_BODY_RULES[function]
            and policy.can_manage_body(self.b.coordinator, b)
        ]
        usable.sort(key=lambda b: expected_per_year(b.frequency) is not None)
        return usable[0] if usable else None

    # --- sessions ------------------------------------------------------------------------

    def _session(self, body: MeetingBody, user, day: datetime.date, attendees) -> MeetingSession:
        session = actions.create_session(
            user=user,
            body=body,
            date=day,
            start_time=datetime.time(14, 0),
            end_time=datetime.time(15, 30),
            place=self.b.rng.choice(PLACES),
        )
        for person in dict.fromkeys([user, *attendees]):
            if body.has_function(MeetingFunction.CONFIDENTIAL):
                self._pledge(person, body)
            actions.add_attendance(user=user, session=session, attendee=person)
        if day <= self.b.anchor:
            session = transitions.set_status(
                user=user, session=session, status=MeetingSession.Status.HELD
            )
        self.sessions += 1
        return session

    def _pledge(self, person, body: MeetingBody) -> None:
        if (person.pk, body.pk) in self.pledged:
            return
        signed = self.b.anchor - datetime.timedelta(days=3 * 365)
        actions.record_pledge(user=person, body=body, signed_on=signed)
        self.pledged.add((person.pk, body.pk))

    def _decide(self, user, item: AgendaItem, kind: str, text: str, **extra) -> Decision:
        saved = Minutes.objects.filter(session=item.session).first()
        actions.save_minutes(
            user=user,
            session=item.session,
            text=f"{item.title}について協議した。{text}",
            expected_version=saved.lock_version if saved else None,
        )
        decision = actions.record_decision(
            user=user, agenda_item=item, kind=kind, text=text, **extra
        )
        self.decisions += 1
        return decision

    def hold_planned_sessions(self) -> None:
        """Each body's sessions of the last fiscal year at its planned frequency."""
        fy = fiscal_year(self.b.anchor) - 1
        start = datetime.date(fy, 4, 1)
        for body in self.bodies:
            manager = self._manager(body)
            if manager is None:
                continue
            count = expected_per_year(body.frequency) or 4
            members = [
                self.b.staff[a.pk] for a in body.members.order_by("pk") if a.pk in self.b.staff
            ][:3]
            for i in range(count):
                day = start + datetime.timedelta(days=i * 365 // count + self.b.rng.randint(7, 20))
                self._planned_session(body, manager, day, members)

    def plan_coming_sessions(self) -> None:
        """The next session of each body that meets regularly, still 開催予定: the first
        later this week, the others over the coming weeks, so home's 今週の会議, 今後の会議
        and the calendar show what is coming."""
        anchor = self.b.anchor
        week_end = anchor + datetime.timedelta(days=6 - anchor.weekday())
        regular = [b for b in self.bodies if expected_per_year(b.frequency)]
        for n, body in enumerate(regular):
            manager = self._manager(body)
            if manager is None:
                continue
            members = [
                self.b.staff[a.pk] for a in body.members.order_by("pk") if a.pk in self.b.staff
            ][:3]
            soon = min(anchor + datetime.timedelta(days=1), week_end)
            day = soon if n == 0 else anchor + datetime.timedelta(days=7 * n + 2)
            session = self._session(body, manager, day, members)
            title, _ = self.b.rng.choice(TOPICS)
            actions.add_agenda_item(
                user=manager, session=session, kind=AgendaItem.Kind.FREE, title=title
            )

    def _planned_session(self, body: MeetingBody, manager, day, members) -> None:
        session = self._session(body, manager, day, members)
        title, gap = self.b.rng.choice(TOPICS)
        item = actions.add_agenda_item(
            user=manager, session=session, kind=AgendaItem.Kind.FREE, title=title
        )
        if self.b.rng.random() < 0.4:
            self._decide(
                manager,
                item,
                Decision.Kind.RESOURCE_DEVELOPMENT,
                f"{gap}ため、資源開発を検討する。",
                gap_title=gap,
            )
        else:
            actions.save_minutes(
                user=manager, session=session, text=f"{title}を行い、各機関の状況を共有した。"
            )

    # --- case decisions --------------------------------------------------------------

    def _case_session(self, function: str, case: Case, day, agencies) -> tuple[Any, AgendaItem]:
        body = self._case_body(function)
        assert body is not None  # wire() checked
        user = self.b.coordinator
        attendees = [self.b.staff[a.pk] for a in agencies if a.pk in self.b.staff]
        session = self._session(body, user, day, attendees)
        item = actions.add_agenda_item(
            user=user,
            session=session,
            kind=AgendaItem.Kind.CASE,
            title=f"{case}について",
            function=function,
            case=case,
        )
        return user, item

    def approve_plan(self, builder: CaseBuilder, case: Case, plan: SupportPlan, day) -> None:
        agencies = [a.agency for a in plan.assignments.select_related("agency")]
        user, item = self._case_session(MeetingFunction.COORDINATION, case, day, agencies)
        self._decide(
            user,
            item,
            Decision.Kind.PLAN_APPROVAL,
            f"{plan}を原案のとおり承認する。各機関は役割分担表に沿って支援を開始する。",
        )

    def approve_closure(self, builder: CaseBuilder, case: Case, details: dict[str, Any]) -> None:
        agencies = [m.agency for m in case.members.current().select_related("agency")]
        user, item = self._case_session(
            MeetingFunction.COORDINATION, case, details["closed_on"], agencies
        )
        self._decide(
            user,
            item,
            Decision.Kind.CLOSURE_APPROVAL,
            "目標が達成されたため終結とし、主担当機関へつなぎ戻す。",
            closure=details,
        )

    def share_at_support_meeting(self, builder: CaseBuilder, case: Case, day) -> None:
        """支援会議 (法第106条の6): the case without consent is shared under confidentiality."""
        assert case.request is not None
        lead = case.request.from_agency
        user, item = self._case_session(MeetingFunction.CONFIDENTIAL, case, day, [lead])
        self._decide(
            user,
            item,
            Decision.Kind.SUPPORT_POLICY,
            "主担当機関が定期的に訪問し、民生委員と連携して見守る。同意が得られ次第、多機関協働へ移行する。",
        )
