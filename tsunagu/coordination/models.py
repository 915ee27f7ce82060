"""多機関協働: coordinated cases, consent, assessment, support plan, monitoring, closure.

The case's stages and the allowed moves between them are one table, ``CASE`` in
``transitions.py``; ``actions.transition`` is the one function that moves a case.
Assessments and plans are versioned: a new version is a new row, earlier rows stay as
written so the diff between versions can be shown.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tsunagu.intake.models import ContactNote
from tsunagu.lib.wareki import format_wareki
from tsunagu.municipality.models import Agency, MeetingBody, Municipality


class Stage(models.TextChoices):
    RECEIVED = "received", "受付"
    PREPARATION = "preparation", "事前調整"
    ASSESSMENT = "assessment", "アセスメント"
    PLANNING = "planning", "プラン作成"
    DELIBERATION = "deliberation", "協議"
    SUPPORT = "support", "支援実施"
    MONITORING = "monitoring", "モニタリング"
    CLOSED = "closed", "終結"
    SUSPENDED = "suspended", "中断"
    CONFERENCE = "conference", "支援会議で検討"
    WATCHING = "watching", "見守り・アウトリーチ"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=Stage.CLOSED)

    def with_agency(self, agency_id: int):
        """Cases ``agency_id`` holds or is on the team of now (事例一覧's 機関 filter)."""
        on_team = CaseMember.objects.current().filter(case=OuterRef("pk"), agency_id=agency_id)
        return self.filter(Q(coordinating_agency_id=agency_id) | Exists(on_team))


class Case(models.Model):
    """事例: one household's coordinated support, held by the coordinator's agency."""

    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="cases")
    request = models.OneToOneField(
        "intake.CoordinationRequest",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name="支援依頼",
    )
    household = models.ForeignKey(
        "people.Household",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="世帯",
    )
    focus_person = models.ForeignKey(
        "people.Person", models.PROTECT, related_name="cases", verbose_name="本人"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="coordinated_cases",
        verbose_name="担当コーディネーター",
    )
    coordinating_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="coordinated_cases", verbose_name="多機関協働事業者"
    )
    lead_agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name="主担当機関",
    )
    title = models.CharField("事例名", max_length=200)
    summary = models.TextField("依頼の概要", blank=True)
    stage = models.CharField(
        "段階", max_length=20, choices=Stage.choices, default=Stage.RECEIVED, db_index=True
    )
    support_policy = models.TextField("支援方針", blank=True)
    opened_at = models.DateTimeField("開始日時")
    closed_at = models.DateTimeField("終結日時", null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "事例(多機関協働)"
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["coordinating_agency", "stage"], name="case_agency_stage")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    def current_consent(self, on: datetime.date | None = None) -> Consent | None:
        on = on or timezone.localdate()
        return (
            self.consents.filter(withdrawn_at__isnull=True, given_on__lte=on)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
            .order_by("-given_on", "-pk")
            .first()
        )

    def team(self) -> list[CaseMember]:
        """The agencies on the team now (with their Agency rows), read once per case object."""
        cached = getattr(self, "_team", None)
        if cached is None:
            cached = list(self.members.current().select_related("agency"))
            self._team = cached
        return cached

    def current_plan(self) -> SupportPlan | None:
        return self.plans.filter(status=PlanStatus.CONFIRMED).order_by("-number").first()

    def latest_plan(self) -> SupportPlan | None:
        return self.plans.exclude(status=PlanStatus.SUPERSEDED).order_by("-number").first()

    def latest_assessment(self) -> Assessment | None:
        return self.assessments.order_by("-version").first()


class CaseEvent(models.Model):
    """One stage change: who moved the case, when, and why."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    from_stage = models.CharField("変更前", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("変更後", max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="実施者"
    )
    at = models.DateTimeField("日時")
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事例の経過"
        ordering = ["at", "pk"]


class CaseMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class CaseMember(models.Model):
    """An agency on the case team (besides the coordinating agency, which holds the case)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="members")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="case_memberships")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    started_at = models.DateTimeField("参加日時")
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    end_reason = models.TextField("チームから外した理由", blank=True)

    objects = CaseMemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "支援チーム"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(ended_at__isnull=True),
                name="casemember_one_current",
            )
        ]


# --- 本人同意 ---------------------------------------------------------------------------


class Part(models.TextChoices):
    """The parts of a case that consent can open to an agency or a meeting body."""

    BASIC = "basic", "基本情報"
    ASSESSMENT = "assessment", "アセスメント"
    PLAN = "plan", "支援プラン"
    NOTES = "notes", "支援経過"


class Consent(models.Model):
    class GivenBy(models.TextChoices):
        PERSON = "person", "本人"
        GUARDIAN = "guardian", "代理人・後見人"

    class Method(models.TextChoices):
        WRITTEN = "written", "書面"
        ORAL = "oral", "口頭"

    case = models.ForeignKey(Case, models.CASCADE, related_name="consents")
    given_by = models.CharField("同意した人", max_length=10, choices=GivenBy.choices)
    guardian_name = models.CharField("代理人の氏名", max_length=100, blank=True)
    guardian_relation = models.CharField("代理人の続柄・資格", max_length=50, blank=True)
    given_on = models.DateField("同意日")
    method = models.CharField("方法", max_length=10, choices=Method.choices)
    written_by = models.CharField("代筆者", max_length=100, blank=True)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="確認者"
    )
    expires_on = models.DateField("有効期限", null=True, blank=True)
    note = models.TextField("備考", blank=True)
    recorded_at = models.DateTimeField("記録日時")
    withdrawn_at = models.DateTimeField("撤回日時", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回の内容", blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "本人同意"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{format_wareki(self.given_on)} {self.get_method_display()}"


class ConsentScope(models.Model):
    """One recipient (an agency or a meeting body) and the parts it may receive."""

    consent = models.ForeignKey(Consent, models.CASCADE, related_name="scopes")
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, related_name="+")
    meeting_body = models.ForeignKey(
        MeetingBody, models.PROTECT, null=True, blank=True, related_name="+"
    )
    parts = models.JSONField("共有してよい情報", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "同意の範囲"
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(meeting_body__isnull=True))
                | (Q(agency__isnull=True) & Q(meeting_body__isnull=False)),
                name="consentscope_one_recipient",
            )
        ]

    @property
    def recipient(self):
        return self.agency or self.meeting_body

    def part_labels(self) -> list[str]:
        return [Part(p).label for p in self.parts]


# --- アセスメント ----------------------------------------------------------------------


class Isolation(models.TextChoices):
    NONE = "none", "孤立していない"
    SOME = "some", "やや孤立"
    SEVERE = "severe", "孤立している"
    UNKNOWN = "unknown", "不明"


class Screening(models.TextChoices):
    COORDINATION = "coordination", "多機関協働事業につなぐ"
    EXISTING = "existing", "既存機関で対応"
    INFO_ONLY = "info_only", "情報提供のみ"


CARE_FLAGS = ["ヤングケアラー", "ダブルケア", "8050"]

ASSESSMENT_TEXT_FIELDS = [
    "life_history",
    "health",
    "housing",
    "income_debt",
    "work_school",
    "daily_living",
    "social_ties",
    "care_situation",
    "rights_capacity",
    "person_wishes",
    "family_wishes",
    "strengths",
    "resources_in_use",
]


class Assessment(models.Model):
    """インテーク・アセスメントシート, one version. A new version is a new row."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField("版")
    assessed_on = models.DateField("アセスメント日")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="アセスメント者"
    )
    life_history = models.TextField("生活歴", blank=True)
    health = models.TextField("心身の状況(疾病・障害・要介護度・通院服薬)", blank=True)
    housing = models.TextField("住まい", blank=True)
    income_debt = models.TextField("収入・資産・負債・公的給付", blank=True)
    work_school = models.TextField("就労・就学", blank=True)
    daily_living = models.TextField("家事・生活管理", blank=True)
    social_ties = models.TextField("社会参加・地域とのつながり", blank=True)
    isolation = models.CharField(
        "孤立の程度", max_length=10, choices=Isolation.choices, default=Isolation.UNKNOWN
    )
    care_situation = models.TextField("家族関係・介護/養育の状況", blank=True)
    care_flags = models.JSONField("ケアの課題", default=list, blank=True)
    rights_capacity = models.TextField("権利擁護(判断能力・後見)", blank=True)
    person_wishes = models.TextField("本人の意向・希望", blank=True)
    family_wishes = models.TextField("家族の意向", blank=True)
    strengths = models.TextField("本人・世帯の強み(ストレングス)", blank=True)
    resources_in_use = models.TextField("利用中/利用可能な制度・社会資源", blank=True)
    screening = models.CharField("スクリーニング結果", max_length=20, choices=Screening.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "アセスメント"
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="assessment_unique_version")
        ]

    def __str__(self) -> str:
        return f"アセスメント 第{self.version}版"


class AssessedMember(models.Model):
    """世帯の状況: one household member's situation, by field, within one assessment."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("氏名", max_length=100)
    relation = models.CharField("続柄", max_length=30, blank=True)
    age = models.PositiveSmallIntegerField("年齢", null=True, blank=True)
    lives_together = models.BooleanField("同居", default=True)
    health = models.CharField("健康", max_length=200, blank=True)
    work = models.CharField("就労・就学", max_length=200, blank=True)
    services = models.CharField("利用中のサービス", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class Problem(models.Model):
    """課題の整理: one problem with its background and priority."""

    class Priority(models.IntegerChoices):
        HIGH = 1, "高"
        MIDDLE = 2, "中"
        LOW = 3, "低"

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="problems")
    issue = models.CharField("課題", max_length=300)
    background = models.TextField("背景要因", blank=True)
    priority = models.PositiveSmallIntegerField("優先度", choices=Priority.choices)

    class Meta:
        ordering = ["priority", "pk"]


# --- 支援プラン ------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "案"
    CONFIRMED = "confirmed", "確定"
    SUPERSEDED = "superseded", "改訂済"


class SupportPlan(models.Model):
    """プラン兼利用申込書, one version (初回 = 1, 再プラン = 2…).

    ``lock_version`` is the optimistic lock: an edit saves only if nobody saved since the
    editor loaded the form.
    """

    class Approval(models.TextChoices):
        MEETING = "meeting", "会議の決定"
        RECORDED = "recorded", "記録による承認"

    case = models.ForeignKey(Case, models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField("回数")
    created_on = models.DateField("作成日")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="作成者"
    )
    persons_words = models.TextField("本人の思い・目指す暮らし(本人の言葉で)", blank=True)
    household_issues = models.TextField("世帯全体の課題", blank=True)
    long_term_goal = models.TextField("長期目標", blank=True)
    short_term_goals = models.TextField("短期目標", blank=True)
    direction = models.TextField("支援の方向性", blank=True)
    uses_participation = models.BooleanField("参加支援事業の利用", default=False)
    participation_wish = models.CharField("希望する参加の場", max_length=300, blank=True)
    uses_outreach = models.BooleanField("アウトリーチ等事業の利用", default=False)
    monitoring_due = models.DateField("モニタリング予定日", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approval = models.CharField("承認の根拠", max_length=20, choices=Approval.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="承認者",
    )
    approved_at = models.DateTimeField("確定日時", null=True, blank=True)
    deliberated_on = models.DateField("協議日", null=True, blank=True)  # the meeting's date
    decision_ref = models.CharField("会議の決定", max_length=200, blank=True)
    decision_pk = models.BigIntegerField("決定ID", null=True, blank=True)
    approval_note = models.TextField("承認の記録", blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "支援プラン"
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_unique_number")
        ]

    def __str__(self) -> str:
        return f"支援プラン {self.kind_label}(第{self.number}版)"

    @property
    def kind_label(self) -> str:
        return "初回" if self.number == 1 else "再プラン"

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


PLAN_TEXT_FIELDS = [
    "persons_words",
    "household_issues",
    "long_term_goal",
    "short_term_goals",
    "direction",
    "uses_participation",
    "participation_wish",
    "uses_outreach",
    "monitoring_due",
]


class AssignmentStatus(models.TextChoices):
    PLANNED = "planned", "未着手"
    ACTIVE = "active", "実施中"
    DONE = "done", "完了"
    STOPPED = "stopped", "中止"


class AssignmentQuerySet(models.QuerySet):
    def in_force(self):
        """Assignments of confirmed plans of open cases, not finished."""
        return self.filter(
            plan__status=PlanStatus.CONFIRMED,
            status__in=[AssignmentStatus.PLANNED, AssignmentStatus.ACTIVE],
        ).exclude(plan__case__stage=Stage.CLOSED)

    def for_agencies(self, agency_ids):
        return self.filter(agency_id__in=agency_ids)


class Assignment(models.Model):
    """役割分担表, one row: for one issue, what is done, by which agency, who, how often."""

    plan = models.ForeignKey(SupportPlan, models.CASCADE, related_name="assignments")
    issue = models.CharField("課題", max_length=300)
    what = models.TextField("支援内容")
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="assignments", verbose_name="担当機関"
    )
    staff = models.CharField("担当者", max_length=100, blank=True)
    frequency = models.CharField("頻度", max_length=100, blank=True)
    until = models.DateField("期間(いつまで)", null=True, blank=True)
    status = models.CharField(
        "状況", max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PLANNED
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "役割分担"
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["agency", "status"], name="assignment_agency_status")]

    def __str__(self) -> str:
        return f"{self.issue}: {self.agency}"


# --- モニタリング・終結 ---------------------------------------------------------------


class CaseNote(ContactNote):
    """支援経過記録 of a case: each contact, visit, call or meeting the coordinator records.
    Read with the 支援経過 part of the consent (``policy.case_parts``)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="notes")
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "支援経過記録(事例)"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["case", "-date", "-id"], name="casenote_case_date")]


class MonitoringResult(models.TextChoices):
    CONTINUE = "continue", "継続"
    REVISE = "revise", "プラン見直し"
    SUSPEND = "suspend", "中断"
    CLOSE = "close", "終結"


class Monitoring(models.Model):
    """評価(モニタリング)シート."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="monitorings")
    plan = models.ForeignKey(SupportPlan, models.PROTECT, related_name="monitorings")
    reviewed_on = models.DateField("評価日")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="評価者"
    )
    goal_progress = models.TextField("目標ごとの達成状況")
    household_changes = models.TextField("本人・世帯の変化(生活/つながり/意欲)", blank=True)
    new_problems = models.TextField("新たな課題", blank=True)
    result = models.CharField("評価結果", max_length=20, choices=MonitoringResult.choices)
    next_review_on = models.DateField("次回評価予定日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "モニタリング"
        ordering = ["-reviewed_on", "-pk"]


class AssignmentReview(models.Model):
    """Progress of one assignment at one monitoring."""

    monitoring = models.ForeignKey(Monitoring, models.CASCADE, related_name="reviews")
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="reviews")
    progress = models.TextField("進捗", blank=True)
    status = models.CharField("状況", max_length=20, choices=AssignmentStatus.choices)


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "目標達成"
    HANDED_TO_LEAD = "handed_to_lead", "主担当機関へ移行"
    MOVED_OUT = "moved_out", "転出"
    DIED = "died", "死亡"
    DECLINED = "declined", "本人辞退"
    UNREACHABLE = "unreachable", "連絡不能"
    OTHER = "other", "その他"


class Closure(models.Model):
    """終結評価."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="closure")
    closed_on = models.DateField("終結日")
    goals_reached = models.TextField("目標の達成状況")
    reason = models.CharField("終結理由", max_length=20, choices=ClosureReason.choices)
    reason_note = models.TextField("理由の詳細", blank=True)
    hand_back_to = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="引継ぎ先(つなぎ戻し)",
    )
    hand_back_referral = models.ForeignKey(
        "intake.Referral", models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="評価者"
    )
    decision_ref = models.CharField("会議の決定", max_length=200, blank=True)
    decision_pk = models.BigIntegerField("決定ID", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "終結評価"


# --- エコマップ・リマインダー ----------------------------------------------------------


class Tie(models.Model):
    """One tie on the ecomap: between a household member and an agency or resource."""

    class Kind(models.TextChoices):
        STRONG = "strong", "強いつながり"
        NORMAL = "normal", "普通のつながり"
        WEAK = "weak", "弱いつながり"
        STRESSFUL = "stressful", "ストレス・対立のある関係"

    case = models.ForeignKey(Case, models.CASCADE, related_name="ties")
    person = models.ForeignKey(
        "people.Person", models.CASCADE, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField("機関・資源・人", max_length=100)
    kind = models.CharField("関係の種類", max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "エコマップのつながり"
        ordering = ["pk"]


class Reminder(models.Model):
    """A due review or assignment, found by the reminder task and shown in the inbox."""

    class Kind(models.TextChoices):
        REVIEW = "review", "モニタリング期日"
        ASSIGNMENT = "assignment", "役割分担の期限"

    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    case = models.ForeignKey(Case, models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    due_on = models.DateField("期日")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "リマインダー"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on", "agency"], name="reminder_unique"
            )
        ]
