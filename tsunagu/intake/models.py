"""相談受付, 支援経過記録, つなぐシート (Referral) with one task per recipient, 支援依頼.

The lifecycles (a recipient's task, a 支援依頼) are tables in ``intake/transitions.py``;
the functions there are the only code that changes those statuses.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tsunagu.municipality.models import Agency, Municipality

# 主訴: the national list (MHLW 相談受付票 family); a municipality adds its own tags in
# ``Municipality.settings["issue_tags_extra"]``.
NATIONAL_ISSUE_TAGS = [
    "健康・病気",
    "障害",
    "介護",
    "子育て",
    "不登校・ひきこもり",
    "就労",
    "収入・生活費",
    "債務・滞納",
    "住まい",
    "家族関係",
    "地域との関係",
    "DV・虐待",
    "セルフネグレクト",
    "権利擁護",
    "8050",
    "ダブルケア",
    "ヤングケアラー",
    "その他",
]


def issue_tags_for(municipality: Municipality | None) -> list[str]:
    extra = list(municipality.setting("issue_tags_extra", []) or []) if municipality else []
    return NATIONAL_ISSUE_TAGS + [t for t in extra if t not in NATIONAL_ISSUE_TAGS]


class Channel(models.TextChoices):
    VISIT = "visit", "来所"
    PHONE = "phone", "電話"
    HOME_VISIT = "home_visit", "訪問"
    EMAIL = "email", "メール"
    AGENCY = "agency", "関係機関から"
    COMMISSIONER = "commissioner", "民生委員から"
    MEETING = "meeting", "支援会議から"
    OTHER = "other", "その他"


class Consulter(models.TextChoices):
    SELF = "self", "本人"
    FAMILY = "family", "家族"
    AGENCY = "agency", "関係機関"
    NEIGHBOUR = "neighbour", "近隣"
    COMMISSIONER = "commissioner", "民生委員"
    ANONYMOUS = "anonymous", "匿名"


class Urgency(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "同意あり"
    REFUSED = "refused", "同意なし(拒否)"
    NOT_ASKED = "not_asked", "未確認"


class ConsultationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def for_agencies(self, agency_ids):
        return self.filter(agency_id__in=agency_ids)


class Consultation(models.Model):
    """相談受付: one consultation taken at one counter, whatever its attribute."""

    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="consultations")
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="consultations", verbose_name="受付機関"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="consultations",
        verbose_name="受付者",
    )
    received_at = models.DateTimeField("受付日時", db_index=True)
    channel = models.CharField("相談経路", max_length=20, choices=Channel.choices)
    channel_note = models.CharField("経路の詳細", max_length=200, blank=True)
    consulter = models.CharField("相談者", max_length=20, choices=Consulter.choices)
    consulter_relation = models.CharField("続柄・関係", max_length=50, blank=True)
    person = models.ForeignKey(
        "people.Person", models.PROTECT, related_name="consultations", verbose_name="本人"
    )
    household = models.ForeignKey(
        "people.Household",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="世帯",
    )
    issue_tags = models.JSONField("主訴", default=list)
    narrative = models.TextField("相談内容", blank=True)
    urgency = models.CharField("緊急性", max_length=10, choices=Urgency.choices)
    urgency_reason = models.CharField("緊急性の理由", max_length=300, blank=True)
    consent_status = models.CharField(
        "関係機関への情報提供の同意", max_length=20, choices=ConsentStatus.choices
    )
    consent_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name="同意の範囲(機関)"
    )
    consent_note = models.CharField("同意に関する備考", max_length=300, blank=True)
    action_taken = models.TextField("対応内容", blank=True)
    next_step = models.CharField("次の対応", max_length=300, blank=True)
    next_step_due = models.DateField("次の対応の期日", null=True, blank=True)
    closed_at = models.DateTimeField("終了日時", null=True, blank=True)
    close_reason = models.TextField("終了の理由", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "相談受付"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "closed_at"], name="consultation_agency_open"),
            models.Index(fields=["household", "closed_at"], name="consultation_household"),
            # The inbox's 「担当中の相談」 and 「次の対応の期日」 lists read open consultations only.
            models.Index(
                fields=["staff", "-received_at"],
                name="consultation_staff_open",
                condition=Q(closed_at__isnull=True),
            ),
            # With the staff member, home's counts of 「担当している相談」 (open, overdue, due
            # this week) are an index-only scan (PostgreSQL): 206 → 12 ms for a counsellor
            # with 72,000 open consultations at `large`.
            models.Index(
                fields=["agency", "next_step_due"],
                include=["staff"],
                name="consultation_step_due_open",
                condition=Q(closed_at__isnull=True),
            ),
            # 年度実績 (reports.indicators): a year's consultations are spread over the whole
            # table, so counting them from the heap reads every page; this covering index
            # answers 延べ, 実人数, months, 相談経路, 受付機関 and 主訴 by an index-only scan
            # of the year's range (PostgreSQL; other databases ignore ``include``).
            models.Index(
                fields=["municipality", "received_at"],
                include=["person", "agency", "channel", "issue_tags"],
                name="consultation_report_year",
            ),
            # 新規 (no earlier consultation of the person): one index-only probe per row.
            models.Index(fields=["person", "received_at"], name="consultation_person_received"),
        ]

    def __str__(self) -> str:
        return f"相談受付 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def state(self) -> str:
        """受付中 ("open") or 終了 ("closed"): the status its lifecycle moves
        (intake/transitions.py), kept as ``closed_at`` which the lists filter on."""
        return "open" if self.closed_at is None else "closed"

    @state.setter
    def state(self, value: str) -> None:
        if value == "open":
            self.closed_at = None
        elif self.closed_at is None:
            self.closed_at = timezone.now()


class Means(models.TextChoices):
    INTERVIEW = "interview", "面談"
    VISIT = "visit", "訪問"
    PHONE = "phone", "電話"
    ACCOMPANY = "accompany", "同行"
    MEETING = "meeting", "会議"
    EMAIL = "email", "メール"


class ContactNote(models.Model):
    """One entry of a 支援経過記録: when, how, with whom, what, and who wrote it. Kept on a
    consultation (ProgressNote) and on a coordinated case (coordination.CaseNote)."""

    date = models.DateField("日付")
    means = models.CharField("手段", max_length=20, choices=Means.choices)
    counterpart = models.CharField("相手方", max_length=200, blank=True)
    content = models.TextField("内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="記録者"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.date} {self.get_means_display()}"


class ProgressNote(ContactNote):
    """支援経過記録 of a consultation."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="notes")
    next_date = models.DateField("次回予定", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "支援経過記録"
        ordering = ["date", "pk"]


class Referral(models.Model):
    """つなぐシート: what one agency asks of one or more others, about one person."""

    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="referrals")
    person = models.ForeignKey(
        "people.Person", models.PROTECT, related_name="referrals", verbose_name="本人"
    )
    consultation = models.ForeignKey(
        Consultation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="元の相談",
    )
    sender_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="sent_referrals", verbose_name="送付元"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="送付者"
    )
    sent_at = models.DateTimeField("送付日時", db_index=True)
    reason = models.TextField("つなぐ理由")
    request = models.TextField("依頼したいこと")
    agreed_to_share = models.TextField("本人が共有に同意した内容")
    notes = models.ManyToManyField(
        ProgressNote, blank=True, related_name="referrals", verbose_name="添付する経過記録"
    )

    class Meta:
        verbose_name = verbose_name_plural = "つなぐシート"
        ordering = ["-sent_at", "-pk"]
        # つなぐシート一覧's 送付した list: an agency's referrals, newest first.
        # (sender, id) lets the 対応中 count join index-only with task_active_referral.
        indexes = [
            models.Index(fields=["sender_agency", "-sent_at"], name="referral_sender_sent"),
            models.Index(fields=["sender_agency", "id"], name="referral_sender_id"),
        ]

    def __str__(self) -> str:
        return f"つなぐシート {self.pk}"


class TaskStatus(models.TextChoices):
    SENT = "sent", "送付"
    RECEIVED = "received", "受領"
    ACCEPTED = "accepted", "受理"
    IN_PROGRESS = "in_progress", "対応中"
    ON_HOLD = "on_hold", "保留"
    COMPLETED = "completed", "完了"
    DECLINED = "declined", "辞退"
    FAILED = "failed", "不成立"
    WITHDRAWN = "withdrawn", "取下げ"
    EXPIRED = "expired", "期限切れ"


class Outcome(models.TextChoices):
    GOT_HELP = "got_help", "支援につながった"
    PARTIAL = "partial", "一部"
    REFERRED_ELSEWHERE = "referred_elsewhere", "他機関へ"


class FailureReason(models.TextChoices):
    NOT_REACHED = "not_reached", "連絡つかず"
    DECLINED_BY_PERSON = "declined_by_person", "本人辞退"
    NOT_ELIGIBLE = "not_eligible", "対象外"
    OTHER = "other", "その他"


class Side(models.TextChoices):
    SENDER = "sender", "送付元"
    RECIPIENT = "recipient", "受け手"
    SYSTEM = "system", "システム"


S = TaskStatus
TERMINAL = frozenset({S.COMPLETED, S.DECLINED, S.FAILED, S.WITHDRAWN, S.EXPIRED})
ACTIVE = frozenset(set(S.values) - TERMINAL)
# Not yet answered (accepted or declined): these count for the response deadline.
UNANSWERED = frozenset({S.SENT, S.RECEIVED})
# Terminal states that close the loop with an outcome (the loop-closed rate).
LOOP_CLOSED = frozenset({S.COMPLETED, S.DECLINED, S.FAILED})


class RecipientTaskQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def overdue(self, today: datetime.date):
        return self.filter(status__in=UNANSWERED, due_on__lt=today)


class RecipientTask(models.Model):
    """One recipient's own task on a つなぐシート, with its own status."""

    referral = models.ForeignKey(Referral, models.CASCADE, related_name="tasks")
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="referral_tasks", verbose_name="つなぎ先"
    )
    status = models.CharField(
        "状態", max_length=20, choices=TaskStatus.choices, default=TaskStatus.SENT
    )
    due_on = models.DateField("回答期限", db_index=True)
    outcome = models.CharField("結果", max_length=30, choices=Outcome.choices, blank=True)
    failure_reason = models.CharField(
        "不成立の理由", max_length=30, choices=FailureReason.choices, blank=True
    )
    reason = models.TextField("理由", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当者",
    )
    status_changed_at = models.DateTimeField("状態の更新日時")
    closed_at = models.DateTimeField("終了日時", null=True, blank=True)

    objects = RecipientTaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "つなぎ先の対応"
        ordering = ["referral", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "agency"], name="task_unique_recipient"),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""), name="task_completed_outcome"
            ),
        ]
        # The inbox lists unanswered tasks by due date: received by the user's agency, and
        # overdue among those the agency sent.
        indexes = [
            models.Index(fields=["agency", "status"], name="task_agency_status"),
            models.Index(
                fields=["agency", "due_on"],
                name="task_agency_unanswered",
                condition=Q(status__in=sorted(UNANSWERED)),
            ),
            models.Index(
                fields=["due_on"],
                name="task_unanswered_due",
                condition=Q(status__in=sorted(UNANSWERED)),
            ),
            # つなぐシート一覧 counts the open tasks of an agency's sent referrals.
            models.Index(
                fields=["referral"],
                name="task_active_referral",
                condition=Q(status__in=sorted(ACTIVE)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_status_display()})"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


class RecipientTaskEvent(models.Model):
    """Who moved a task from which status to which, when and why (append-only)."""

    task = models.ForeignKey(RecipientTask, models.CASCADE, related_name="events")
    from_status = models.CharField("変更前", max_length=20, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField("変更後", max_length=20, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作者",
    )
    side = models.CharField("立場", max_length=20, choices=Side.choices)
    at = models.DateTimeField("日時")
    reason = models.TextField("理由", blank=True)
    outcome = models.CharField("結果", max_length=30, choices=Outcome.choices, blank=True)
    failure_reason = models.CharField(
        "不成立の理由", max_length=30, choices=FailureReason.choices, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "つなぎ先の対応履歴"
        ordering = ["at", "pk"]


class CoordinationStatus(models.TextChoices):
    REQUESTED = "requested", "依頼中"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不受理"


class CoordinationRequest(models.Model):
    """支援依頼: a consultation handed to the coordinating body for 多機関協働.

    The coordination app opens a Case from an accepted request.
    """

    consultation = models.ForeignKey(
        Consultation, models.PROTECT, related_name="coordination_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="依頼者"
    )
    from_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name="依頼元")
    to_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="coordination_requests", verbose_name="依頼先"
    )
    reason = models.TextField("依頼理由")
    status = models.CharField(
        "状態",
        max_length=20,
        choices=CoordinationStatus.choices,
        default=CoordinationStatus.REQUESTED,
    )
    requested_at = models.DateTimeField("依頼日時")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="判断者",
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    decision_note = models.TextField("判断の理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "支援依頼(多機関協働)"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["to_agency", "status"], name="coordreq_to_status")]

    def __str__(self) -> str:
        return f"支援依頼 {self.pk}"
