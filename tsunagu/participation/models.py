"""参加支援 (2号): hosts' offers, a participation record per person, placements, follow-ups.

A host (受入先) is a ``resources.Organization`` (one register shared with 地域づくり);
what only 参加支援 knows about it lives in ``HostProfile``. An ``Offer`` is one way the
host takes people in (就労体験, 居場所…) with its days, hours and conditions as structured
fields, so matching (``matching.py``) can compare them with a person's needs.

A ``ParticipationRecord`` follows one person from 相談 to 定着/中断/終結 (table in
``transitions.py``); each offer tried on the way is a ``Placement`` with its dates
(提案, 見学, 体験, 参加開始, 定着, 終了), which is what the host's history and the figures
count. ``FollowUp`` rows are the scheduled follow-ups of the person and of the host.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tsunagu.municipality.models import Agency, Area, Municipality
from tsunagu.resources.models import Organization

from .matching import bands_words, days_words

# Days and time bands are small bit masks (matching.WEEKDAYS, matching.BANDS), so matching
# compares them with one AND.


class OfferKind(models.TextChoices):
    WORK_EXPERIENCE = "work_experience", "就労体験"
    INTERMEDIATE = "intermediate", "中間的就労"
    VOLUNTEER = "volunteer", "ボランティア"
    PLACE = "place", "居場所"
    LEARNING = "learning", "学習支援"
    HOBBY = "hobby", "趣味・交流"
    OTHER = "other", "その他"


class Load(models.IntegerChoices):
    """Physical load of an offer, and what a person can manage (same scale)."""

    LIGHT = 1, "軽い(座ってできる)"
    MODERATE = 2, "普通(立ち仕事・軽い運搬)"
    HEAVY = 3, "重い(屋外作業・力仕事)"


class HostProfile(models.Model):
    """What 参加支援 records about a host beyond the shared Organization row."""

    organization = models.OneToOneField(
        Organization, models.CASCADE, related_name="host_profile", verbose_name="受入先"
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name="担当機関(参加支援)"
    )
    opened_on = models.DateField("新規開拓日", null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="開拓した職員",
    )
    notes = models.TextField("受入先についてのメモ", blank=True)
    accepting = models.BooleanField("受入中", default=True)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "受入先(参加支援)"
        indexes = [models.Index(fields=["agency", "opened_on"], name="host_agency_opened")]

    def __str__(self) -> str:
        return str(self.organization)


class OfferQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Offer(models.Model):
    """One way a host takes people in, with the conditions matching compares."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="offers", verbose_name="受入先"
    )
    title = models.CharField("内容", max_length=200)
    kind = models.CharField("種類", max_length=20, choices=OfferKind.choices)
    description = models.TextField("説明", blank=True)
    area = models.ForeignKey(
        Area, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="圏域"
    )
    days = models.PositiveSmallIntegerField("曜日", default=0)  # WEEKDAYS mask
    bands = models.PositiveSmallIntegerField("時間帯", default=0)  # BANDS mask
    hours_note = models.CharField("時間(表記)", max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField("定員", default=1)
    age_min = models.PositiveSmallIntegerField("対象年齢(下限)", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("対象年齢(上限)", null=True, blank=True)
    load = models.PositiveSmallIntegerField("体力の負担", choices=Load.choices, default=Load.LIGHT)
    transport = models.BooleanField("送迎あり", default=False)
    care = models.BooleanField("服薬・障がいへの配慮", default=False)
    short_hours = models.BooleanField("短時間可", default=False)
    remote = models.BooleanField("在宅可", default=False)
    host_asks = models.TextField("受入先からの希望", blank=True)
    active = models.BooleanField("募集中", default=True)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "受入メニュー"
        ordering = ["organization__name", "title", "pk"]
        indexes = [
            models.Index(fields=["municipality", "active", "kind"], name="offer_muni_kind"),
            models.Index(fields=["municipality", "active", "area"], name="offer_muni_area"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.title}"

    @property
    def days_label(self) -> str:
        return days_words(self.days) or "未設定"

    @property
    def bands_label(self) -> str:
        return bands_words(self.bands) or "未設定"

    @property
    def conditions(self) -> list[str]:
        labels = [
            (self.transport, "送迎あり"),
            (self.care, "服薬・障がいへの配慮"),
            (self.short_hours, "短時間可"),
            (self.remote, "在宅可"),
        ]
        return [label for on, label in labels if on]

    @property
    def age_label(self) -> str:
        if self.age_min is None and self.age_max is None:
            return "年齢不問"
        low = f"{self.age_min}歳" if self.age_min is not None else ""
        high = f"{self.age_max}歳" if self.age_max is not None else ""
        return f"{low}〜{high}"


class Stage(models.TextChoices):
    CONSULTATION = "consultation", "相談"
    MATCHING = "matching", "マッチング"
    VISIT = "visit", "見学"
    TRIAL = "trial", "体験"
    ACTIVE = "active", "参加中"
    SETTLED = "settled", "定着"
    INTERRUPTED = "interrupted", "中断"
    CLOSED = "closed", "終結"


class Source(models.TextChoices):
    CONSULTATION = "consultation", "相談受付"
    PLAN = "plan", "支援プラン(参加支援)"
    OUTREACH = "outreach", "アウトリーチ"


class InterruptionReason(models.TextChoices):
    HEALTH = "health", "本人の体調"
    MOTIVATION = "motivation", "本人の意欲・気持ち"
    RELATIONS = "relations", "受入先での人間関係"
    HOST = "host", "受入先の都合"
    TRAVEL = "travel", "通う手段"
    FAMILY = "family", "家族の事情"
    OTHER_ACTIVITY = "other_activity", "就職・他の活動へ"
    UNREACHABLE = "unreachable", "連絡が取れない"
    OTHER = "other", "その他"


class ParticipationQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=Stage.CLOSED)


class ParticipationRecord(models.Model):
    """One person's 参加支援: needs and wishes, then matching and placements."""

    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", models.PROTECT, related_name="participations", verbose_name="本人"
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="participations", verbose_name="担当機関"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当コーディネーター",
    )
    source = models.CharField("きっかけ", max_length=20, choices=Source.choices)
    consultation = models.ForeignKey(
        "intake.Consultation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        "coordination.SupportPlan", models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "coordination.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    outreach_record = models.ForeignKey(
        "outreach.OutreachRecord",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name="アウトリーチ記録",
    )
    stage = models.CharField(
        "段階", max_length=20, choices=Stage.choices, default=Stage.CONSULTATION
    )
    interruption_reason = models.CharField(
        "中断の理由", max_length=20, choices=InterruptionReason.choices, blank=True
    )
    opened_on = models.DateField("開始日")
    closed_on = models.DateField("終結日", null=True, blank=True)
    # --- needs and wishes (ニーズ・希望) ---
    wishes = models.TextField("やってみたいこと・希望", blank=True)
    cannot = models.TextField("できないこと・苦手なこと", blank=True)
    support_needed = models.TextField("必要な支援・配慮", blank=True)
    travel_note = models.CharField("移動手段", max_length=200, blank=True)
    kinds = models.JSONField("希望する活動の種類", default=list, blank=True)
    area = models.ForeignKey(
        Area, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="希望の圏域"
    )
    days = models.PositiveSmallIntegerField("参加できる曜日", default=0)
    bands = models.PositiveSmallIntegerField("参加できる時間帯", default=0)
    load = models.PositiveSmallIntegerField(
        "体力(できる作業)", choices=Load.choices, default=Load.MODERATE
    )
    needs_transport = models.BooleanField("送迎が必要", default=False)
    needs_care = models.BooleanField("服薬・障がいへの配慮が必要", default=False)
    short_hours = models.BooleanField("短時間を希望", default=False)
    remote = models.BooleanField("在宅を希望", default=False)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "参加支援の記録"
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["agency", "stage"], name="participation_agency_stage"),
            models.Index(fields=["municipality", "opened_on"], name="participation_muni_opened"),
        ]

    def __str__(self) -> str:
        return f"参加支援 {self.person}"

    def current_placement(self) -> Placement | None:
        return self.placements.filter(ended_on__isnull=True).select_related("offer").first()


NEEDS_FIELDS = [
    "wishes",
    "cannot",
    "support_needed",
    "travel_note",
    "kinds",
    "area",
    "days",
    "bands",
    "load",
    "needs_transport",
    "needs_care",
    "short_hours",
    "remote",
]


class ParticipationEvent(models.Model):
    """One stage change: who moved the record, when, why, and with which offer."""

    record = models.ForeignKey(ParticipationRecord, models.CASCADE, related_name="events")
    from_stage = models.CharField("変更前", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("変更後", max_length=20, choices=Stage.choices)
    offer = models.ForeignKey(Offer, models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField("日時")
    on = models.DateField("実施日")
    reason = models.TextField("理由・内容", blank=True)
    interruption_reason = models.CharField(
        "中断の理由", max_length=20, choices=InterruptionReason.choices, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "参加支援の経過"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_stage", "on"], name="participation_event_to_on")]


class PlacementOutcome(models.TextChoices):
    NOT_CHOSEN = "not_chosen", "見送り(別の受入先へ)"
    SETTLED_END = "ended", "終了"
    INTERRUPTED = "interrupted", "中断"


class Placement(models.Model):
    """One offer tried by one person: proposed, visited, tried, started, settled, ended."""

    record = models.ForeignKey(ParticipationRecord, models.CASCADE, related_name="placements")
    offer = models.ForeignKey(Offer, models.PROTECT, related_name="placements")
    proposed_on = models.DateField("提案日")
    visited_on = models.DateField("見学日", null=True, blank=True)
    trial_on = models.DateField("体験開始日", null=True, blank=True)
    started_on = models.DateField("参加開始日", null=True, blank=True)
    settled_on = models.DateField("定着日", null=True, blank=True)
    ended_on = models.DateField("終了日", null=True, blank=True)
    outcome = models.CharField("結果", max_length=20, choices=PlacementOutcome.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "受入(マッチング)"
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(ended_on__isnull=True),
                name="placement_one_current",
            )
        ]
        indexes = [models.Index(fields=["offer", "ended_on"], name="placement_offer_open")]

    @property
    def milestone(self) -> str:
        for value, label in [
            (self.ended_on, self.get_outcome_display() or "終了"),
            (self.settled_on, "定着"),
            (self.started_on, "参加中"),
            (self.trial_on, "体験"),
            (self.visited_on, "見学"),
        ]:
            if value:
                return label
        return "提案"


class FollowUpQuerySet(models.QuerySet):
    def due(self, until):
        return self.filter(done_on__isnull=True, due_on__lte=until)


class FollowUp(models.Model):
    """A scheduled follow-up of the person (``record`` set) or of the host (support to the
    host: 受入先の悩み, what went well, adjustments)."""

    class Kind(models.TextChoices):
        PERSON = "person", "本人へのフォローアップ"
        HOST = "host", "受入先へのフォローアップ"

    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    record = models.ForeignKey(
        ParticipationRecord, models.CASCADE, null=True, blank=True, related_name="followups"
    )
    organization = models.ForeignKey(
        Organization, models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField("予定日")
    purpose = models.CharField("目的", max_length=200, blank=True)
    done_on = models.DateField("実施日", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="実施者",
    )
    went_well = models.TextField("うまくいっていること", blank=True)
    concerns = models.TextField("悩み・課題", blank=True)
    adjustments = models.TextField("調整したこと・今後の対応", blank=True)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "フォローアップ"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["agency", "due_on"],
                name="followup_agency_due_open",
                condition=Q(done_on__isnull=True),
            ),
            models.Index(fields=["organization", "due_on"], name="followup_org_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False) | Q(organization__isnull=False),
                name="followup_has_subject",
            )
        ]

    @property
    def person_id(self):
        return self.record.person_id if self.record_id else None
