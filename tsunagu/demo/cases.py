"""Demo coordination cases (多機関協働) at every stage, built through the real workflows.

Unlike consultations (bulk inserts), cases are few — a dozen at ``small``, a few hundred at
``city``/``large`` — and their invariants (consent scope, versioned plans, team involvement,
audit) are the point, so every step calls ``tsunagu.coordination.actions`` (and the intake
action for the 支援依頼). The actions stamp the wall clock; each step then dates its rows on
the case's own timeline so the demo reads like months of work.

Plan approval goes through an ``approve`` callable: a meeting decision when the meetings
demo is wired in (``tsunagu.demo.meetings``), a recorded approval where the profile allows
it, and otherwise the case waits at 協議.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from tsunagu.accounts.models import Membership, Role
from tsunagu.coordination import actions
from tsunagu.coordination.models import (
    AssignmentStatus,
    Case,
    CaseEvent,
    ClosureReason,
    Consent,
    Isolation,
    MonitoringResult,
    Part,
    Screening,
    Stage,
    SupportPlan,
)
from tsunagu.intake import actions as intake
from tsunagu.intake.models import Consultation, CoordinationRequest
from tsunagu.lib.wareki import format_wareki
from tsunagu.municipality.models import Agency, MeetingBody, MeetingFunction, Municipality
from tsunagu.people.models import HouseholdMembership

# Where each demo case ends. Cycled in this order, so `small` holds every one of them.
SCRIPTS = [
    "received",
    "preparation",
    "assessment",
    "planning",
    "deliberation",
    "support",
    "monitoring",
    "replan",
    "closed",
    "suspended",
    "conference",
    "watching",
    "withdrawn",
    "expired",
]
CASES = {"small": len(SCRIPTS), "city": 20 * len(SCRIPTS), "large": 30 * len(SCRIPTS)}
APPROVED_SCRIPTS = {"support", "monitoring", "replan", "closed", "withdrawn"}

REASONS = [
    "世帯の中に複数の課題があり、一つの機関だけでは支援が難しいため。",
    "介護と就労、家計の課題が重なっており、関係機関で役割分担を整理したい。",
    "本人が支援につながりにくく、複数機関で見立てを共有したい。",
]
ISSUES = [
    ("家計の立て直しと滞納の整理", "家計改善支援・債務整理の相談同行"),
    ("介護負担の軽減", "介護サービスの利用調整とレスパイトの検討"),
    ("社会参加の場づくり", "参加支援の場の見学と定期的な参加の伴走"),
    ("就労に向けた準備", "就労準備支援と面接同行"),
    ("子どもの学習と生活の安定", "学習支援と家庭訪問による見守り"),
    ("通院と服薬の安定", "受診同行と服薬状況の確認"),
]
FREQUENCIES = ["週1回", "隔週", "月1回", "月2回"]
CARE_FLAG_FOR = {"8050": "8050", "子": "ヤングケアラー", "母": "ダブルケア"}

Approver = Callable[["CaseBuilder", Case, SupportPlan, datetime.date], None]
Closer = Callable[["CaseBuilder", Case, dict[str, Any]], None]


def recorded_closure(builder: CaseBuilder, case: Case, details: dict[str, Any]) -> None:
    """終結評価 recorded by the coordinator (a meeting's 終結承認 when meetings are wired)."""
    actions.close_case(case=case, by=builder.coordinator, **details)


@dataclass
class CaseBuilder:
    """State shared by the cases of one municipality: who acts, and the dates of each case."""

    municipality: Municipality
    rng: random.Random
    anchor: datetime.date
    coordinator: object
    staff: dict[int, object]
    agencies: list[Agency]
    consent_bodies: list[MeetingBody]
    approve: Approver | None = None
    on_conference: Callable[[CaseBuilder, Case, datetime.date], None] | None = None
    close: Closer = recorded_closure
    counts: dict[str, int] = field(default_factory=dict)

    # --- dating ---------------------------------------------------------------------

    def stamp(self, case: Case, day: datetime.date, since_event: int) -> None:
        """Date the stage changes made since ``since_event`` (a CaseEvent pk) on ``day``."""
        at = aware(day, self.rng.randint(9, 17))
        CaseEvent.objects.filter(case=case, pk__gt=since_event).update(at=at)
        if case.stage == Stage.CLOSED:
            Case.objects.filter(pk=case.pk).update(closed_at=at)

    def last_event(self, case: Case) -> int:
        return case.events.order_by("-pk").values_list("pk", flat=True).first() or 0

    def move(self, case: Case, to: str, day: datetime.date, reason: str = "") -> Case:
        before = self.last_event(case)
        case = actions.transition(case=case, to=to, by=self.coordinator, reason=reason)
        self.stamp(case, day, before)
        return case


def age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None or birth > day:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def coordinator_of(agency: Agency):
    """The first demo coordinator of the coordinating agency (``…-coord``)."""
    membership = (
        Membership.objects.filter(agency=agency, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _staff(municipality: Municipality) -> dict[int, object]:
    rows = (
        Membership.objects.filter(agency__municipality=municipality, role=Role.COUNSELLOR)
        .select_related("user")
        .order_by("agency_id", "user__username")
    )
    staff: dict[int, object] = {}
    for m in rows:
        staff.setdefault(m.agency_id, m.user)
    return staff


def _sources(municipality: Municipality, hub: Agency, staff, count: int, rng) -> list:
    """Consultations at counters other than the hub, on households of two or more, one per
    household, the focus person known to several agencies first (multi-issue)."""
    big = (
        HouseholdMembership.objects.filter(household__municipality=municipality)
        .values("household_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values_list("household_id", flat=True)
    )
    rows = list(
        Consultation.objects.filter(
            municipality=municipality, household_id__in=big, agency_id__in=list(staff)
        )
        .exclude(agency=hub)
        .annotate(known_to=Count("person__involvements__agency", distinct=True))
        .order_by("-known_to", "pk")
        .values_list("pk", "household_id")[: count * 20]
    )
    seen, picked = set(), []
    for pk, household in rows:
        if household not in seen:
            seen.add(household)
            picked.append(pk)
    rng.shuffle(picked)
    chosen = picked[:count]
    by_pk = Consultation.objects.select_related("person", "household", "agency").in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def make_builder(
    municipality: Municipality, *, seed: int, today: datetime.date
) -> CaseBuilder | None:
    try:
        hub = intake.coordinating_agency(municipality)
    except intake.IntakeRefused:
        return None
    coordinator = coordinator_of(hub)
    if coordinator is None:
        return None
    staff = _staff(municipality)
    agencies = [a for a in municipality.agencies.order_by("kind", "order", "pk") if a.pk in staff]
    bodies = [
        b
        for b in municipality.meeting_bodies.order_by("order", "pk")
        if b.has_function(MeetingFunction.COORDINATION)
    ]
    return CaseBuilder(
        municipality=municipality,
        rng=random.Random(seed * 104729 + 17),
        # The actions judge consent against the real date, so the timeline never runs ahead.
        anchor=min(today, timezone.localdate()),
        coordinator=coordinator,
        staff=staff,
        agencies=[a for a in agencies if a.pk != hub.pk],
        consent_bodies=bodies,
    )


def create_cases(builder: CaseBuilder, *, scale: str) -> dict[str, int]:
    sources = _sources(
        builder.municipality,
        intake.coordinating_agency(builder.municipality),
        builder.staff,
        CASES[scale],
        builder.rng,
    )
    made = 0
    for i, consultation in enumerate(sources):
        script = SCRIPTS[i % len(SCRIPTS)]
        CaseScript(builder, consultation, script).run()
        made += 1
    builder.counts["cases"] = made
    return builder.counts


def recorded_approval(builder: CaseBuilder, case: Case, plan: SupportPlan, day) -> None:
    """Where the profile allows it (plan_approval_without_meeting): a recorded approval."""
    actions.approve_plan(
        plan=plan,
        approver=builder.coordinator,
        note=f"{format_wareki(day)} 関係機関への照会を経て、所管課長の決裁により承認",
    )


class CaseScript:
    """One household's case, walked from 支援依頼 to the stage its script ends at."""

    def __init__(self, builder: CaseBuilder, consultation: Consultation, script: str):
        self.b = builder
        self.rng = builder.rng
        self.consultation = consultation
        self.script = script
        # Cases further along started earlier; a step takes one to three weeks.
        depth = SCRIPTS.index(script) + 2
        self.day = builder.anchor - datetime.timedelta(days=depth * 21 + self.rng.randint(5, 60))
        self.case: Case
        self.team: list[Agency] = []

    def later(self, low: int = 5, high: int = 20) -> datetime.date:
        self.day = min(
            self.b.anchor, self.day + datetime.timedelta(days=self.rng.randint(low, high))
        )
        return self.day

    def run(self) -> None:
        self.open()
        if self.script == "received":
            return
        if self.script in ("conference", "watching"):
            self.no_consent_track()
            return
        self.case = self.b.move(self.case, Stage.PREPARATION, self.later(), "関係機関と事前調整")
        if self.script == "expired":
            self.consent(expired=True)
            return
        self.consent()
        if self.script == "preparation":
            return
        self.assess()
        if self.script == "assessment":
            return
        self.plan()
        if self.script == "planning":
            return
        if self.script == "suspended":
            self.suspend("本人の入院により支援を一時中断")
            return
        self.case = self.b.move(self.case, Stage.DELIBERATION, self.later(), "会議で協議")
        if self.script == "deliberation" or not self.approved():
            return
        self.after_approval()

    def after_approval(self) -> None:
        self.note("phone", "支援チームの機関", "役割分担の進み具合を電話で確認した。")
        if self.script == "withdrawn":
            self.withdraw()
            return
        if self.script == "support":
            return
        if self.script == "monitoring":
            self.case = self.b.move(self.case, Stage.MONITORING, self.later(), "定期の評価")
            return
        self.monitor(MonitoringResult.CONTINUE)
        if self.script == "replan":
            self.monitor(MonitoringResult.REVISE)
            self.plan(revision=True)
            self.case = self.b.move(self.case, Stage.DELIBERATION, self.later(), "再プランの協議")
            self.approved()
            return
        self.monitor(MonitoringResult.CLOSE)
        self.close()

    # --- steps ---------------------------------------------------------------------

    def open(self) -> None:
        c = self.consultation
        requester = self.b.staff[c.agency_id]
        request = intake.request_coordination(
            requested_by=requester, consultation=c, reason=self.rng.choice(REASONS)
        )
        requested = self.day
        decided = self.later(1, 5)
        self.case = actions.accept_and_open(request=request, coordinator=self.b.coordinator)
        CoordinationRequest.objects.filter(pk=request.pk).update(
            requested_at=aware(requested), decided_at=aware(decided, 14)
        )
        Case.objects.filter(pk=self.case.pk).update(opened_at=aware(decided, 14))
        self.b.stamp(self.case, decided, 0)
        self.case.refresh_from_db()
        others = [a for a in self.b.agencies if a.pk != c.agency_id]
        self.team = [c.agency, *self.rng.sample(others, k=min(2, len(others)))]
        self.note(
            "interview", "本人", "初回面談。困りごとと、これまでに相談した機関を一緒に整理した。"
        )

    def note(self, means: str, counterpart: str, content: str) -> None:
        """支援経過: the coordinator's record of a contact on the current day."""
        data = {"date": self.day, "means": means, "counterpart": counterpart, "content": content}
        actions.add_note(case=self.case, by=self.b.coordinator, data=data)

    def no_consent_track(self) -> None:
        self.case = self.b.move(
            self.case,
            Stage.CONFERENCE,
            self.later(),
            "本人が相談に消極的で同意が得られていないため、支援会議で情報を共有する",
        )
        if self.b.on_conference is not None:
            self.b.on_conference(self.b, self.case, self.day)
        if self.script == "watching":
            self.case = self.b.move(self.case, Stage.WATCHING, self.later(), "見守りを継続")

    def consent(self, *, expired: bool = False) -> Consent:
        given = self.day - datetime.timedelta(days=400) if expired else self.later(1, 7)
        parts = [Part.BASIC, Part.ASSESSMENT, Part.PLAN, Part.NOTES]
        scopes = [actions.ScopeInput(parts=parts, agency=a) for a in self.team]
        if self.rng.random() < 0.8 or self.script in APPROVED_SCRIPTS:
            scopes += [
                actions.ScopeInput(parts=[Part.BASIC, Part.PLAN], meeting_body=body)
                for body in self.b.consent_bodies
            ]
        guardian = self.rng.random() < 0.15
        return actions.record_consent(
            case=self.case,
            by=self.b.coordinator,
            given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.PERSON,
            guardian_name="成年後見人 山本弁護士" if guardian else "",
            guardian_relation="成年後見人" if guardian else "",
            given_on=given,
            method=self.rng.choice(Consent.Method.values),
            expires_on=given + datetime.timedelta(days=365) if expired else None,
            note="有効期限切れ。更新の面談を調整中。" if expired else "",
            scopes=scopes,
        )

    def assess(self) -> None:
        self.case = self.b.move(self.case, Stage.ASSESSMENT, self.later(), "同意を得た")
        members = self.case.household.current_memberships() if self.case.household else []
        rows = [
            {
                "person": m.person,
                "name": m.person.full_name,
                "relation": m.relation,
                "age": age_on(m.person.birth_date, self.day),
                "health": self.rng.choice(["通院中", "特になし", "要介護2", "服薬中"]),
                "work": self.rng.choice(["無職", "パート", "在学中", "年金生活"]),
            }
            for m in members
        ]
        flags = sorted(
            {CARE_FLAG_FOR[m["relation"]] for m in rows if m["relation"] in CARE_FLAG_FOR}
        )
        actions.save_assessment(
            case=self.case,
            by=self.b.coordinator,
            data={
                "assessed_on": self.later(3, 10),
                "isolation": self.rng.choice(Isolation.values),
                "screening": Screening.COORDINATION,
                "care_flags": flags,
                "life_history": "市内で生まれ育つ。家族の病気を機に生活が不安定になった。",
                "income_debt": "年金と一部の就労収入。公共料金と税の滞納あり。",
                "social_ties": "近所づきあいは少なく、親族とも疎遠。",
                "person_wishes": "家族みんなが安心して暮らせるようになりたい。",
                "strengths": "本人は支援者との面談には応じている。",
            },
            members=rows,
            problems=[
                {"issue": issue, "background": what, "priority": p}
                for p, (issue, what) in enumerate(self.rng.sample(ISSUES, k=2), start=1)
            ],
        )
        self.note("visit", "本人・家族", "自宅を訪問し、家族それぞれの状況と思いを聞き取った。")

    def plan(self, *, revision: bool = False) -> None:
        if not revision:
            self.case = self.b.move(self.case, Stage.PLANNING, self.later(), "課題を整理した")
        plan = actions.start_plan(case=self.case, by=self.b.coordinator)
        issues = self.rng.sample(ISSUES, k=len(self.team))
        rows = [
            {
                "issue": issue,
                "what": what,
                "agency": agency,
                "staff": str(self.b.staff[agency.pk]),
                "frequency": self.rng.choice(FREQUENCIES),
                "until": self.day + datetime.timedelta(days=180),
                "status": AssignmentStatus.PLANNED,
            }
            for agency, (issue, what) in zip(self.team, issues, strict=True)
        ]
        actions.update_plan(
            plan=plan,
            by=self.b.coordinator,
            expected_version=plan.lock_version,
            data={
                "persons_words": "「また外に出て、人と話せるようになりたい」",
                "household_issues": "介護・家計・社会的孤立が重なっている。",
                "long_term_goal": "世帯が地域の中で安定して暮らし続けられる。",
                "short_term_goals": "家計の見通しを立てる。週1回は外出する。",
                "direction": "各機関の役割を明確にし、主担当機関を中心に伴走する。",
                "uses_participation": self.rng.random() < 0.5,
                "uses_outreach": self.rng.random() < 0.4,
                "monitoring_due": self.day + datetime.timedelta(days=90),
            },
            assignments=rows[: 3 if revision else len(rows)],
        )
        SupportPlan.objects.filter(pk=plan.pk).update(created_on=self.later(3, 10))

    def approved(self) -> bool:
        plan = self.case.latest_plan()
        if plan is None or self.b.approve is None:
            return False
        before, day = self.b.last_event(self.case), self.later(7, 20)
        self.b.approve(self.b, self.case, plan, day)
        SupportPlan.objects.filter(pk=plan.pk).update(approved_at=aware(day, 16))
        self.case.refresh_from_db()
        self.b.stamp(self.case, day, before)
        return self.case.stage == Stage.SUPPORT

    def monitor(self, result: str) -> None:
        plan = self.case.current_plan()
        assert plan is not None  # approved before any monitoring
        before = self.b.last_event(self.case)
        reviewed = self.later(30, 60)
        actions.record_monitoring(
            case=self.case,
            by=self.b.coordinator,
            data={
                "reviewed_on": reviewed,
                "goal_progress": "家計の見通しは立ちつつある。外出は月2回程度。",
                "household_changes": "本人の表情が明るくなった。",
                "new_problems": "介護者の体調不良" if result == MonitoringResult.REVISE else "",
                "result": result,
                "next_review_on": reviewed + datetime.timedelta(days=90),
            },
            reviews=[
                {
                    "assignment": a,
                    "progress": "予定どおり実施",
                    "status": AssignmentStatus.DONE
                    if result == MonitoringResult.CLOSE
                    else AssignmentStatus.ACTIVE,
                }
                for a in plan.assignments.all()
            ],
        )
        self.case.refresh_from_db()
        self.b.stamp(self.case, reviewed, before)

    def close(self) -> None:
        before = self.b.last_event(self.case)
        closed_on = self.later(7, 20)
        details = {
            "closed_on": closed_on,
            "goals_reached": "家計が安定し、本人は地域の居場所に通い続けている。",
            "reason": ClosureReason.HANDED_TO_LEAD,
            "hand_back_to": self.consultation.agency,
        }
        self.b.close(self.b, self.case, details)
        self.case.refresh_from_db()
        self.b.stamp(self.case, closed_on, before)

    def suspend(self, reason: str) -> None:
        self.case = self.b.move(self.case, Stage.SUSPENDED, self.later(), reason)

    def withdraw(self) -> None:
        consent = self.case.current_consent()
        assert consent is not None  # recorded by this script before approval
        actions.withdraw_consent(
            consent=consent,
            by=self.b.coordinator,
            reason=(
                f"{format_wareki(self.later())} 本人から電話で、"
                "関係機関との情報共有をやめてほしいと申し出"
            ),
        )
        self.suspend("本人同意の撤回により中断")
