"""Sessions of the meeting bodies (会議体) loaded from the profile.

A ``MeetingBody`` (municipality app) says what a body is for: its functions, consent rule,
frequency, members and convener. This app records what happens in it: sessions, who
attended, the confidentiality pledges 支援会議 members sign, the agenda, the minutes and
the decisions that move cases. Who may see what is decided in ``tsunagu/access/policy/``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tsunagu.lib.wareki import fiscal_year, fiscal_year_range, format_wareki
from tsunagu.municipality.models import (
    Agency,
    ConsentRule,
    MeetingBody,
    MeetingFunction,
    Municipality,
)

PLEDGE_TEXT = (
    "私は、社会福祉法第106条の6第5項の規定により、支援会議の事務に関して知り得た秘密を"
    "漏らさないことを確認します。会議の資料及び記録は非公開とし、会議の目的以外に使用しません。"
)


class MeetingSessionQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=MeetingSession.Status.HELD)

    def in_fiscal_year(self, fy: int):
        return self.filter(date__range=fiscal_year_range(fy))


class MeetingSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "開催予定"
        HELD = "held", "開催済"
        CANCELLED = "cancelled", "中止"

    body = models.ForeignKey(
        MeetingBody, models.PROTECT, related_name="sessions", verbose_name="会議体"
    )
    title = models.CharField("回次・件名", max_length=200, blank=True)
    date = models.DateField("開催日")
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    online = models.BooleanField("オンライン開催", default=False)
    convener = models.ForeignKey(
        Agency, models.PROTECT, related_name="convened_sessions", verbose_name="主催"
    )
    status = models.CharField("状態", max_length=20, choices=Status, default=Status.PLANNED)
    # Who marked the session held, cancelled or planned again, when, and why (transitions.py).
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="状態の記録者",
    )
    status_changed_at = models.DateTimeField("状態の記録日時", null=True, blank=True)
    status_reason = models.TextField("中止・変更の理由", blank=True)
    # Set once a 支援会議 (confidential) item is on the agenda, or the body only runs
    # confidential business; never cleared, so papers once 非公開 stay 非公開.
    confidential = models.BooleanField("非公開(支援会議)", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登録者"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    objects = MeetingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [models.Index(fields=["body", "date"], name="session_body_date")]
        verbose_name = verbose_name_plural = "会議の開催"

    def __str__(self) -> str:
        return f"{self.body.name} {format_wareki(self.date)} {self.title}".strip()

    @property
    def display_title(self) -> str:
        """The session's name on every page and paper: its body and its 回次・件名
        (「重層的支援定例会議 第3回」). A session recorded without one is named by its body
        and date (「支援会議 令和7年6月10日 (2025)」), never 「件名なし」: the date, unlike a
        counted 第N回, does not change when another session is added or cancelled."""
        name = self.body.name
        if not self.title:
            return f"{name} {format_wareki(self.date)}"
        return self.title if name in self.title else f"{name} {self.title}"

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.date)

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    def default_item_function(self) -> str:
        """The function a case item is taken under when the body leaves no choice."""
        rule = self.body.consent_rule
        # A plan silent on the body's consent rule (unstated) is treated like required.
        if rule in (ConsentRule.REQUIRED, ConsentRule.UNSTATED):
            return MeetingFunction.COORDINATION
        if rule == ConsentRule.NOT_REQUIRED:
            return MeetingFunction.CONFIDENTIAL
        return ""


class Attendance(models.Model):
    """One attendee: a user of the system, or an external member recorded by agency/name."""

    session = models.ForeignKey(
        MeetingSession, models.CASCADE, related_name="attendances", verbose_name="会議"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name="出席者(利用者)",
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属機関"
    )
    name = models.CharField("氏名", max_length=100, blank=True)
    affiliation = models.CharField("所属(機関外)", max_length=200, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(user__isnull=False),
                name="attendance_unique_user",
            ),
        ]
        verbose_name = verbose_name_plural = "出席者"

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.name

    @property
    def agency_label(self) -> str:
        return self.agency.name if self.agency else self.affiliation


class Pledge(models.Model):
    """A member's recorded confidentiality pledge (守秘義務の確認) for one 支援会議 body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="pledges", verbose_name="誓約者"
    )
    body = models.ForeignKey(
        MeetingBody, models.PROTECT, related_name="pledges", verbose_name="会議体"
    )
    signed_on = models.DateField("確認日")
    text = models.TextField("守秘義務の確認", default=PLEDGE_TEXT)
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["user", "body"], name="pledge_user_body")]
        verbose_name = verbose_name_plural = "守秘義務の確認"

    def __str__(self) -> str:
        return f"{self.user} / {self.body} / {self.signed_on}"


class ResourceGap(models.Model):
    """A missing community resource (不足する社会資源) raised for development (資源開発).

    Stages and their moves are ``resources/transitions.py``; each move is a
    ``resources.GapEvent``. It holds no personal data: a gap raised from a case keeps only a
    link to the case (``source``), shown to those who may read the case.
    """

    class Status(models.TextChoices):
        NOTICED = "noticed", "把握"
        OPEN = "open", "検討中"
        DEVELOPING = "developing", "開発中"
        DEVELOPED = "developed", "開発済"
        DROPPED = "dropped", "見送り"

    class Source(models.TextChoices):
        DECISION = "decision", "会議の決定"
        CASE = "case", "事例"
        OUTREACH = "outreach", "アウトリーチの記録"
        PARTICIPATION = "participation", "参加支援の記録"
        STAFF = "staff", "職員の把握"

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="resource_gaps", verbose_name="自治体"
    )
    title = models.CharField("不足している資源", max_length=200)
    description = models.TextField("内容・背景", blank=True)
    # A meeting's 資源開発の検討 creates the gap at 検討中; staff start it at 把握.
    status = models.CharField("状態", max_length=20, choices=Status, default=Status.OPEN)
    kind = models.CharField("求める資源の種別", max_length=30, blank=True)
    area = models.ForeignKey(
        "municipality.Area",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_gaps",
        verbose_name="圏域",
    )
    source_kind = models.CharField(
        "把握のきっかけ", max_length=20, choices=Source, default=Source.DECISION
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType", models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    developed_resource = models.ForeignKey(
        "resources.Resource",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="filled_gaps",
        verbose_name="開発した資源",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "status"], name="gap_by_status")]
        verbose_name = verbose_name_plural = "不足資源"

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", "事例"
        RESOURCE_GAP = "resource_gap", "不足資源"
        PLAN_MATTER = "plan_matter", "実施計画に関する協議"
        FREE = "free", "その他"

    ITEM_FUNCTIONS = (MeetingFunction.COORDINATION, MeetingFunction.CONFIDENTIAL)

    session = models.ForeignKey(
        MeetingSession, models.CASCADE, related_name="agenda_items", verbose_name="会議"
    )
    order = models.PositiveSmallIntegerField("順", default=0)
    kind = models.CharField("種別", max_length=20, choices=Kind)
    title = models.CharField("議題", max_length=200)
    function = models.CharField(
        "取り扱う機能",
        max_length=20,
        blank=True,
        choices=[(f.value, f.label) for f in ITEM_FUNCTIONS],
    )
    case = models.ForeignKey(
        "coordination.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="事例",
    )
    resource_gap = models.ForeignKey(
        ResourceGap,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="不足資源",
    )
    note = models.TextField("資料・説明", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = verbose_name_plural = "議題"

    def __str__(self) -> str:
        return self.title

    @property
    def is_confidential(self) -> bool:
        return self.function == MeetingFunction.CONFIDENTIAL


class Minutes(models.Model):
    session = models.OneToOneField(
        MeetingSession, models.CASCADE, related_name="minutes", verbose_name="会議"
    )
    text = models.TextField("議事録")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    lock_version = models.PositiveIntegerField(default=1)  # lib/conflicts.py

    class Meta:
        verbose_name = verbose_name_plural = "議事録"

    def __str__(self) -> str:
        return f"{self.session} 議事録"


class Decision(models.Model):
    class Kind(models.TextChoices):
        PLAN_APPROVAL = "plan_approval", "プラン承認"
        CLOSURE_APPROVAL = "closure_approval", "終結承認"
        SUPPORT_POLICY = "support_policy", "支援方針"
        RESOURCE_DEVELOPMENT = "resource_development", "資源開発の検討"

    CASE_KINDS = (Kind.PLAN_APPROVAL, Kind.CLOSURE_APPROVAL, Kind.SUPPORT_POLICY)

    session = models.ForeignKey(
        MeetingSession, models.PROTECT, related_name="decisions", verbose_name="会議"
    )
    minutes = models.ForeignKey(
        Minutes, models.PROTECT, related_name="decisions", verbose_name="議事録"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, models.PROTECT, related_name="decisions", verbose_name="議題"
    )
    case = models.ForeignKey(
        "coordination.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name="事例",
    )
    kind = models.CharField("決定の種別", max_length=30, choices=Kind)
    text = models.TextField("決定内容")
    resource_gap = models.ForeignKey(
        ResourceGap,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="追加した不足資源",
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = verbose_name_plural = "会議の決定"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:30]}"
