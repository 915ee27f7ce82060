"""社会資源台帳: the organisations, places and activities of the municipality.

``Organization`` is the one record of a body outside the municipality's casework that runs
something or takes people in (HSDS "organization"): a 社協 running サロン, a farm offering
就労体験, a 自治会 running 見守り. 参加支援's hosts (受入先) are these same rows, so a host and
a community resource are never entered twice (docs/decisions: one register).

``Resource`` is one place or activity (HSDS "service" at one "location"). The register holds
no personal data about the people who take part: activities are counted (``ActivityRecord``),
never listed by name. The only names are those of coordinators (世話役) who agreed to be named
(``Coordinator.is_public``); the others stay internal. The 不足資源 (a gap to develop) is
``meetings.ResourceGap``; its stages are moved by ``resources/transitions.py``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tsunagu.meetings.models import ResourceGap
from tsunagu.municipality.models import Area, Municipality


class OrganizationKind(models.TextChoices):
    BUSINESS = "business", "企業・事業所"
    FARM = "farm", "農家・農業法人"
    NPO = "npo", "NPO法人"
    WELFARE_CORP = "welfare_corp", "社会福祉法人"
    SHOP = "shop", "商店"
    RESIDENTS = "residents", "自治会・町内会"
    VOLUNTEERS = "volunteers", "ボランティア団体"
    COUNCIL = "council", "社会福祉協議会"
    PUBLIC = "public", "行政・公的機関"
    OTHER = "other", "その他"


class Organization(models.Model):
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="organizations")
    # The HSDS identifier: stable across exports, so another system's copy can be updated.
    hsds_id = models.UUIDField("共通ID", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("種別", max_length=20, choices=OrganizationKind.choices)
    description = models.TextField("概要", blank=True)
    area = models.ForeignKey(
        Area,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name="圏域",
    )
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    # A person's name: internal, never in the public directory or the HSDS export.
    contact_person = models.CharField("担当者", max_length=100, blank=True)
    # 公開: may appear in the public directory and the HSDS export; otherwise staff only.
    is_public = models.BooleanField("公開", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock

    class Meta:
        ordering = ["municipality", "name"]
        indexes = [models.Index(fields=["municipality", "area"], name="org_by_area")]
        verbose_name = verbose_name_plural = "団体・事業所"

    def __str__(self) -> str:
        return self.name


class ResourceKind(models.TextChoices):
    SALON = "salon", "サロン"
    GATHERING = "gathering", "通いの場"
    EXERCISE = "exercise", "体操会場"
    CHILDREN_CAFETERIA = "children_cafeteria", "子ども食堂"
    IBASHO = "ibasho", "居場所"
    DEMENTIA_CAFE = "dementia_cafe", "認知症カフェ"
    PARENTING_CIRCLE = "parenting_circle", "子育てサークル"
    PARENTING_HUB = "parenting_hub", "子育て支援拠点"
    LEARNING = "learning", "学習支援"
    FOOD_BANK = "food_bank", "フードバンク"
    TRANSPORT = "transport", "移動支援"
    WATCHING = "watching", "見守り活動"
    OTHER = "other", "その他"


class Target(models.TextChoices):
    """Who an activity is for; 誰でも includes everyone (search by 高齢 finds it too)."""

    ELDERLY = "elderly", "高齢"
    DISABLED = "disabled", "障がい"
    CHILDREN = "children", "子ども"
    NEEDY = "needy", "生活困窮"
    EVERYONE = "everyone", "誰でも"


TARGET_LABELS = dict(Target.choices)


class ResourceStatus(models.TextChoices):
    ACTIVE = "active", "活動中"
    PAUSED = "paused", "休止"
    ENDED = "ended", "終了"


class ResourceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).exclude(status=ResourceStatus.ENDED)


class Resource(models.Model):
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="resources")
    hsds_id = models.UUIDField("共通ID", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("種別", max_length=30, choices=ResourceKind.choices)
    description = models.TextField("内容", blank=True)
    operator = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="運営団体",
    )
    place_name = models.CharField("会場名", max_length=200, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    area = models.ForeignKey(
        Area,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="圏域",
    )
    # The structured times are ``schedules``; this is the wording around them (祝日休み等).
    schedule_note = models.CharField("日程(補足)", max_length=200, blank=True)
    # Comma-joined ``Target`` values, e.g. "elderly,disabled" (searched with one LIKE).
    targets = models.CharField("対象", max_length=100, blank=True)
    fee = models.CharField("参加費", max_length=100, blank=True)
    accessibility = models.CharField("バリアフリー・配慮", max_length=200, blank=True)
    contact_label = models.CharField("問い合わせ先", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    helpers_count = models.PositiveIntegerField("担い手の人数", default=0)
    status = models.CharField(
        "状態", max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.ACTIVE
    )
    is_public = models.BooleanField("公開", default=False)
    internal_note = models.TextField("内部メモ(非公開)", blank=True)
    # Name, content, place, address and operator, NFKC-normalised and lower-cased
    # (search.search_text): one plain LIKE instead of UPPER() over five columns and a join.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField("版", default=1)  # optimistic lock

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name", "pk"]
        indexes = [
            models.Index(fields=["municipality", "area"], name="resource_by_area"),
            models.Index(fields=["municipality", "kind"], name="resource_by_kind"),
            models.Index(fields=["municipality", "name"], name="resource_by_name"),
        ]
        verbose_name = verbose_name_plural = "社会資源"

    def __str__(self) -> str:
        return self.name

    @property
    def target_list(self) -> list[str]:
        return [t for t in self.targets.split(",") if t]

    @property
    def target_labels(self) -> list[str]:
        return [TARGET_LABELS[t] for t in self.target_list if t in TARGET_LABELS]


WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日"]


class Schedule(models.Model):
    """One regular time slot: every week, or on the given weeks of the month (第1・第3)."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(
        "曜日", choices=[(i, f"{d}曜日") for i, d in enumerate(WEEKDAYS)]
    )
    # Comma-joined week numbers ("1,3") for 第1・第3; empty for every week.
    weeks = models.CharField("第何週", max_length=20, blank=True)
    opens_at = models.TimeField("開始", null=True, blank=True)
    closes_at = models.TimeField("終了", null=True, blank=True)

    class Meta:
        ordering = ["resource", "weekday", "opens_at", "pk"]
        indexes = [models.Index(fields=["weekday", "resource"], name="schedule_by_day")]
        verbose_name = verbose_name_plural = "日程"

    def __str__(self) -> str:
        return self.label

    @property
    def week_list(self) -> list[int]:
        return [int(w) for w in self.weeks.split(",") if w]

    @property
    def label(self) -> str:
        weeks = "・".join(f"第{w}" for w in self.week_list) or "毎週"
        times = ""
        if self.opens_at:
            closes = f"{self.closes_at:%H:%M}" if self.closes_at else ""
            times = f" {self.opens_at:%H:%M}〜{closes}"
        return f"{weeks}{WEEKDAYS[self.weekday]}曜日{times}"


class Coordinator(models.Model):
    """A named 担い手 (世話役・代表者). Named in the public directory only when public."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="coordinators")
    name = models.CharField("氏名", max_length=100)
    role = models.CharField("役割", max_length=100, blank=True)
    is_public = models.BooleanField("氏名を公開", default=False)

    class Meta:
        ordering = ["resource", "pk"]
        verbose_name = verbose_name_plural = "世話役"

    def __str__(self) -> str:
        return self.name


class ActivityRecord(models.Model):
    """Sessions held and 延べ参加者数: one session (``sessions`` = 1) or a month's total."""

    class Period(models.TextChoices):
        SESSION = "session", "1回ごと"
        MONTH = "month", "月ごと"

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="activity_records")
    period = models.CharField("記録の単位", max_length=10, choices=Period.choices)
    held_on = models.DateField("開催日(月ごとは月初日)")
    sessions = models.PositiveIntegerField("開催回数", default=1)
    participants = models.PositiveIntegerField("参加者数(延べ)", default=0)
    helpers = models.PositiveIntegerField("担い手(延べ)", default=0)
    note = models.CharField("備考", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        ordering = ["resource", "-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on", "resource"], name="activity_by_day")]
        verbose_name = verbose_name_plural = "開催記録"

    def __str__(self) -> str:
        return f"{self.resource} {self.held_on}"


class GapEvent(models.Model):
    """One move of a 不足資源 between stages: who, when, why, and the decision behind it."""

    gap = models.ForeignKey("meetings.ResourceGap", models.CASCADE, related_name="events")
    from_status = models.CharField("変更前", max_length=20)
    to_status = models.CharField("変更後", max_length=20)
    reason = models.TextField("理由", blank=True)
    decision = models.ForeignKey(
        "meetings.Decision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="gap_events",
        verbose_name="会議の決定",
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField("日時")

    class Meta:
        ordering = ["gap", "at", "pk"]
        verbose_name = verbose_name_plural = "不足資源の経過"

    def __str__(self) -> str:
        return f"{self.gap} {self.from_label}→{self.to_label}"

    @property
    def from_label(self) -> str:
        return ResourceGap.Status(self.from_status).label

    @property
    def to_label(self) -> str:
        return ResourceGap.Status(self.to_status).label
