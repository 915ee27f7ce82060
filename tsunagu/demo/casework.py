"""Demo consultations, progress notes and referrals (つなぐシート) in every state.

Written with bulk inserts (the `large` scale holds a million consultations), so it keeps the
invariants the intake actions keep: the consulting agency and every recipient whose task is
not yet terminal hold an Involvement with the person; every task has its event trail.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from tsunagu.access.models import Involvement
from tsunagu.accounts.models import Membership, Role
from tsunagu.intake.models import (
    TERMINAL,
    Channel,
    ConsentStatus,
    Consultation,
    Consulter,
    FailureReason,
    Means,
    Outcome,
    ProgressNote,
    RecipientTask,
    RecipientTaskEvent,
    Referral,
    Side,
    TaskStatus,
    Urgency,
)
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.people.models import HouseholdMembership

BATCH = 5000
YEARS = 5
CONSULTATIONS = {"small": 150, "city": 250_000, "large": 1_000_000}
REFERRAL_SHARE = 0.12

TAGS_BY_FIELD = {
    "介護": ["介護", "健康・病気", "8050", "権利擁護"],
    "障がい": ["障害", "就労", "家族関係"],
    "子ども": ["子育て", "ヤングケアラー", "ダブルケア", "不登校・ひきこもり"],
    "生活困窮": ["収入・生活費", "債務・滞納", "住まい", "就労"],
    "その他": ["不登校・ひきこもり", "地域との関係", "セルフネグレクト", "その他"],
}
NARRATIVES = [
    "本人の生活状況について家族から相談。今後の見通しについて不安を訴える。",
    "公共料金の滞納が続き、生活費のやりくりに困っているとの相談。",
    "親の介護と子育てが重なり、心身ともに疲れているとの訴え。",
    "長期間外出していない家族がいる。本人は相談に消極的。",
    "近隣住民より、最近姿を見かけないと民生委員経由で連絡あり。",
    "通院が途絶えており、服薬状況の確認が必要。",
]
# Paths through the referral lifecycle: each ends in a different state, so the demo shows them all.
PATHS = [
    [TaskStatus.SENT],
    [TaskStatus.SENT, TaskStatus.RECEIVED],
    [TaskStatus.SENT, TaskStatus.RECEIVED, TaskStatus.ACCEPTED],
    [TaskStatus.SENT, TaskStatus.RECEIVED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS],
    [
        TaskStatus.SENT,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.ON_HOLD,
    ],
    [
        TaskStatus.SENT,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
    ],
    [
        TaskStatus.SENT,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
    ],
    [TaskStatus.SENT, TaskStatus.RECEIVED, TaskStatus.DECLINED],
    [TaskStatus.SENT, TaskStatus.RECEIVED, TaskStatus.ACCEPTED, TaskStatus.FAILED],
    [TaskStatus.SENT, TaskStatus.WITHDRAWN],
    [TaskStatus.SENT, TaskStatus.EXPIRED],
]
SIDE_FOR = {TaskStatus.WITHDRAWN: Side.SENDER, TaskStatus.EXPIRED: Side.SYSTEM}


class CaseworkGenerator:
    def __init__(self, municipality: Municipality, *, seed: int, today: datetime.date):
        self.m = municipality
        self.rng = random.Random(seed * 7919 + 1)
        self.today = today
        self.staff = self._staff_by_agency()
        self.recipients = [
            a for a in municipality.agencies.filter(kind=Agency.Kind.AGENCY) if a.pk in self.staff
        ]
        self.fields = self._field_by_agency()

    def _staff_by_agency(self) -> dict[int, int]:
        rows = Membership.objects.filter(
            agency__municipality=self.m, role=Role.COUNSELLOR
        ).values_list("agency_id", "user_id")
        return dict(rows)

    def _field_by_agency(self) -> dict[int, str]:
        rows = self.m.programmes.filter(project=1, deliveries__agency__isnull=False).values_list(
            "deliveries__agency_id", "field"
        )
        return {agency_id: field or "その他" for agency_id, field in rows}

    def moment(self) -> datetime.datetime:
        days = self.rng.randint(0, YEARS * 365)
        day = self.today - datetime.timedelta(days=days)
        hour = self.rng.randint(9, 16)
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, self.rng.choice([0, 15, 30, 45])))
        )


def create_casework(
    municipality: Municipality, *, scale: str, seed: int, today: datetime.date
) -> dict[str, int]:
    gen = CaseworkGenerator(municipality, seed=seed, today=today)
    pairs = list(
        Involvement.objects.filter(person__municipality=municipality, agency_id__in=gen.staff)
        .order_by("pk")
        .values_list("person_id", "agency_id")
    )
    if not pairs:
        return {"consultations": 0, "referrals": 0}
    households = dict(
        HouseholdMembership.objects.filter(person__municipality=municipality).values_list(
            "person_id", "household_id"
        )
    )
    totals: dict[str, int] = defaultdict(int)
    target = CONSULTATIONS[scale]
    for start in range(0, target, BATCH):
        picks = [gen.rng.choice(pairs) for _ in range(min(BATCH, target - start))]
        for key, count in _insert_batch(gen, picks, households).items():
            totals[key] += count
    return dict(totals)


def _insert_batch(gen: CaseworkGenerator, picks, households) -> dict[str, int]:
    rng = gen.rng
    consultations = []
    for person_id, agency_id in picks:
        received = gen.moment()
        field = gen.fields.get(agency_id, "その他")
        closed = (
            received + datetime.timedelta(days=rng.randint(7, 180)) if rng.random() < 0.7 else None
        )
        if closed and closed.date() > gen.today:
            closed = None
        consultations.append(
            Consultation(
                municipality=gen.m,
                agency_id=agency_id,
                staff_id=gen.staff[agency_id],
                received_at=received,
                channel=rng.choice(Channel.values),
                consulter=rng.choice(Consulter.values),
                person_id=person_id,
                household_id=households.get(person_id),
                issue_tags=rng.sample(TAGS_BY_FIELD[field], k=rng.randint(1, 2)),
                narrative=rng.choice(NARRATIVES),
                urgency=rng.choice([Urgency.LOW, Urgency.MEDIUM, Urgency.MEDIUM, Urgency.HIGH]),
                consent_status=rng.choice(ConsentStatus.values),
                action_taken="傾聴し、利用できる制度について情報提供した。",
                next_step="" if closed else "状況確認のため再度連絡する",
                next_step_due=None if closed else (received + datetime.timedelta(days=14)).date(),
                closed_at=closed,
            )
        )
    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    notes = [
        ProgressNote(
            consultation=c,
            date=(c.received_at + datetime.timedelta(days=rng.randint(1, 30))).date(),
            means=rng.choice(Means.values),
            counterpart="本人",
            content="状況を確認した。引き続き見守る。",
            next_date=None
            if c.closed_at
            else gen.today + datetime.timedelta(days=rng.randint(-3, 10)),
            recorded_by_id=c.staff_id,
        )
        for c in consultations
        if rng.random() < 0.5
    ]
    ProgressNote.objects.bulk_create(notes, batch_size=BATCH)
    referrals = _insert_referrals(gen, [c for c in consultations if rng.random() < REFERRAL_SHARE])
    return {"consultations": len(consultations), "notes": len(notes), "referrals": referrals}


def _insert_referrals(gen: CaseworkGenerator, sources: list[Consultation]) -> int:
    rng = gen.rng
    plans = []
    for c in sources:
        others = [a for a in gen.recipients if a.pk != c.agency_id]
        if others:
            plans.append((c, rng.choice(others), rng.choice(PATHS)))
    referrals = [
        Referral(
            municipality=gen.m,
            person_id=c.person_id,
            consultation=c,
            sender_agency_id=c.agency_id,
            sent_by_id=c.staff_id,
            sent_at=c.received_at + datetime.timedelta(days=1),
            reason="他分野の専門的な支援が必要なため。",
            request="状況の確認と、利用できる支援の検討をお願いします。",
            agreed_to_share="基本情報と相談内容",
        )
        for c, _, _ in plans
    ]
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    tasks = [
        _task(gen, r, agency, path) for r, (_, agency, path) in zip(referrals, plans, strict=True)
    ]
    RecipientTask.objects.bulk_create(tasks, batch_size=BATCH)
    events, involved = [], []
    for task, (c, agency, path) in zip(tasks, plans, strict=True):
        events += _events(gen, task, path, c)
        if task.status not in TERMINAL:
            involved.append(
                Involvement(
                    person_id=c.person_id,
                    agency=agency,
                    source=Involvement.Source.REFERRAL,
                    source_id=task.referral_id,
                )
            )
    RecipientTaskEvent.objects.bulk_create(events, batch_size=BATCH)
    Involvement.objects.bulk_create(involved, batch_size=BATCH)
    return len(referrals)


def _task(gen: CaseworkGenerator, referral: Referral, agency: Agency, path) -> RecipientTask:
    status = path[-1]
    changed = referral.sent_at + datetime.timedelta(days=len(path) * 2)
    task = RecipientTask(
        referral=referral,
        agency=agency,
        status=status,
        due_on=(referral.sent_at + datetime.timedelta(days=7)).date(),
        status_changed_at=changed,
        closed_at=changed if status in TERMINAL else None,
        owner_id=gen.staff.get(agency.pk) if TaskStatus.ACCEPTED in path else None,
    )
    if status == TaskStatus.COMPLETED:
        task.outcome = gen.rng.choice(Outcome.values)
    if status == TaskStatus.FAILED:
        task.failure_reason = gen.rng.choice(FailureReason.values)
        task.reason = "何度か連絡したが、つながらなかった。"
    if status == TaskStatus.DECLINED:
        task.reason = "当機関の対象外のため。"
    return task


def _events(
    gen: CaseworkGenerator, task: RecipientTask, path, consultation: Consultation
) -> list[RecipientTaskEvent]:
    events, previous = [], ""
    for step, status in enumerate(path):
        side = SIDE_FOR.get(status, Side.RECIPIENT if step else Side.SENDER)
        actor = {
            Side.SENDER: consultation.staff_id,
            Side.RECIPIENT: gen.staff.get(task.agency_id),
        }.get(side)
        events.append(
            RecipientTaskEvent(
                task=task,
                from_status=previous,
                to_status=status,
                actor_id=actor,
                side=side,
                at=task.referral.sent_at + datetime.timedelta(days=step * 2),
                reason=task.reason if status == path[-1] else "",
                outcome=task.outcome if status == TaskStatus.COMPLETED else "",
                failure_reason=task.failure_reason if status == TaskStatus.FAILED else "",
            )
        )
        previous = status
    return events
