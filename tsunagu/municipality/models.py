"""The municipality's delivery structure, loaded from its profile (profiles/*.yaml).

Every party that can hold users, send or receive a referral, operate a programme or sit
on a meeting body is one ``Agency`` row, told apart by ``kind``: a municipal department
(課), a support agency or site (支援関係機関), an operating organisation (運営法人), or a
partner outside welfare (庁内の他部署, 警察, 消防…). See docs/decisions/0001.
"""

from django.db import models

from tsunagu.lib.wareki import fiscal_year_label


def fiscal_years_display(start: int | None, end: int | None) -> str:
    """令和6年度 (2024)〜令和8年度 (2026); 令和6年度 (2024)から where the end is open."""
    if start is None:
        return ""
    first = fiscal_year_label(start, with_seireki=True)
    if end is None:
        return f"{first}から"
    if end == start:
        return first
    return f"{first}〜{fiscal_year_label(end, with_seireki=True)}"


class Municipality(models.Model):
    slug = models.SlugField("識別子", unique=True)
    name = models.CharField("自治体名", max_length=50)
    prefecture = models.CharField("都道府県", max_length=10, blank=True)
    plan_title = models.CharField("計画名", max_length=200, blank=True)
    plan_start_fy = models.PositiveSmallIntegerField("計画開始年度", null=True, blank=True)
    plan_end_fy = models.PositiveSmallIntegerField("計画終了年度", null=True, blank=True)
    # The plan's own wording of its period where it has no end year (「令和6年度から」).
    plan_period_note = models.CharField("計画期間(表記)", max_length=100, blank=True)
    plan_generation = models.PositiveSmallIntegerField("期", null=True, blank=True)
    plan_draft = models.BooleanField("案", default=False)
    # The plan this one is part of (a chapter of a 地域福祉計画).
    parent_plan = models.CharField("上位計画", max_length=200, blank=True)
    # The municipality's own name for 重層的支援体制整備事業 (生きづらさ包括支援事業).
    project_local_name = models.CharField("事業の呼称", max_length=200, blank=True)
    settings = models.JSONField("運用設定", default=dict, blank=True)
    # The profile names it (settings.coordinating_agency); the loader resolves the name to
    # this reference, so the access rules never compare names.
    coordinating_agency = models.ForeignKey(
        "Agency",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="多機関協働の依頼先",
    )

    class Meta:
        verbose_name = verbose_name_plural = "自治体"

    def __str__(self) -> str:
        return self.name

    def setting(self, key: str, default=None):
        return self.settings.get(key, default)

    @property
    def plan_period_display(self) -> str:
        years = fiscal_years_display(self.plan_start_fy, self.plan_end_fy)
        if self.plan_period_note:
            return f"{years}（{self.plan_period_note}）" if years else self.plan_period_note
        return years


class PlanStage(models.Model):
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField("順")
    name = models.CharField("段階", max_length=50)
    start_fy = models.PositiveSmallIntegerField("開始年度", null=True, blank=True)
    end_fy = models.PositiveSmallIntegerField("終了年度", null=True, blank=True)
    description = models.TextField("内容", blank=True)

    class Meta:
        ordering = ["municipality", "order"]
        verbose_name = verbose_name_plural = "計画の段階"

    def __str__(self) -> str:
        return self.name

    @property
    def period_display(self) -> str:
        return fiscal_years_display(self.start_fy, self.end_fy)


class AreaLevel(models.Model):
    """A named layer of the municipality's 圏域 (e.g. 市全域 / 日常生活圏域 / 地区, 第1層 / 第2層).

    ``depth`` 0 is the widest layer; an area's parent sits one layer up.
    """

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="area_levels")
    depth = models.PositiveSmallIntegerField("階層")
    name = models.CharField("圏域の階層", max_length=50)
    # How many areas the plan says this layer has (「23地区」), named or not.
    stated_count = models.PositiveSmallIntegerField("計画上の数", null=True, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        ordering = ["municipality", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "depth"], name="area_level_depth"),
            models.UniqueConstraint(fields=["municipality", "name"], name="area_level_name"),
        ]
        verbose_name = verbose_name_plural = "圏域の階層"

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(models.QuerySet):
    def with_ancestors_of(self, area: "Area"):
        """``area`` and every area above it (for 'resources serving this area')."""
        return self.filter(pk__in=area.ancestor_ids())

    def under(self, area: "Area"):
        """``area`` and every area below it (for 'count by area, children included')."""
        return self.filter(pk__in=area.descendant_ids())


class Area(models.Model):
    """One 圏域 of the profile: a node of the area tree, with the 町名/地区名 it covers."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="areas")
    level = models.ForeignKey(AreaLevel, models.CASCADE, related_name="areas", verbose_name="階層")
    name = models.CharField("圏域名", max_length=100)
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位の圏域",
    )
    # 町名・地区名 covered, as the plan writes them, to place an address in an area.
    towns = models.JSONField("町名・地区名", default=list, blank=True)
    order = models.PositiveSmallIntegerField("順", default=0)
    note = models.CharField("備考", max_length=200, blank=True)
    # Kept when a profile reload no longer lists the area but records still point to it.
    in_profile = models.BooleanField("プロファイルに記載", default=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "level__depth", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "level", "name"], name="area_name_per_level"
            ),
        ]
        verbose_name = verbose_name_plural = "圏域"

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        ids: list[int] = []
        node: Area | None = self
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids

    def descendant_ids(self) -> list[int]:
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


class OperatingForm(models.TextChoices):
    DIRECT = "直営", "直営"
    CONTRACTED = "委託", "委託"
    SUBSIDISED = "補助", "補助"
    REGISTERED = "登録", "登録"


class Agency(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "所管課・部署"
        AGENCY = "agency", "支援関係機関"
        ORGANISATION = "organisation", "運営法人"
        PARTNER = "partner", "連携先(福祉分野外)"

    class Scope(models.TextChoices):
        INSIDE = "庁内", "庁内"
        OUTSIDE = "庁外", "庁外"

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="agencies")
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=200)
    # The plan's full legal name where it gives one besides ``name`` (社会福祉法人…).
    formal_name = models.CharField("正式名称", max_length=200, blank=True)
    short_name = models.CharField("略称", max_length=50, blank=True)
    description = models.TextField("説明", blank=True)
    department = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="overseen",
        verbose_name="所管課",
    )
    operator = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="operated",
        verbose_name="運営主体",
    )
    # A department's parent department (小林市: 福祉課福祉総務G under 福祉課).
    parent = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位の部署",
    )
    operating_form = models.CharField("運営形態", max_length=20, blank=True)
    sites = models.PositiveSmallIntegerField("拠点数", null=True, blank=True)
    sites_note = models.CharField("拠点数(表記)", max_length=200, blank=True)
    # Free text as v1/v2 profiles wrote it; ``areas`` names the 圏域 records served.
    service_area = models.CharField("対象圏域", max_length=200, blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="agencies", verbose_name="圏域")
    outside_welfare = models.BooleanField("福祉分野外", default=False)
    scope = models.CharField("範囲", max_length=10, choices=Scope.choices, blank=True)
    # False once the profile no longer lists it but users or records still refer to it.
    in_profile = models.BooleanField("プロファイルに記載", default=True)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["municipality", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="agency_unique_name"),
        ]
        verbose_name = verbose_name_plural = "機関・部署"

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """One site (拠点) of an agency, where the profile names it or the area it sits in."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="site_list")
    name = models.CharField("拠点名", max_length=200, blank=True)
    area = models.ForeignKey(
        Area, models.SET_NULL, null=True, blank=True, related_name="sites", verbose_name="圏域"
    )
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        ordering = ["agency", "order"]
        verbose_name = verbose_name_plural = "拠点"

    def __str__(self) -> str:
        return self.name or f"{self.agency.name} {self.order + 1}"


class StatutoryProject(models.IntegerChoices):
    """社会福祉法 第106条の4 第2項 第1号〜第6号."""

    CONSULTATION = 1, "1号 包括的相談支援事業"
    PARTICIPATION = 2, "2号 参加支援事業"
    COMMUNITY = 3, "3号 地域づくり事業"
    OUTREACH = 4, "4号 アウトリーチ等を通じた継続的支援事業"
    COORDINATION = 5, "5号 多機関協働事業"
    SUPPORT_PLAN = 6, "6号 支援プラン作成"


class Field(models.TextChoices):
    CARE = "介護", "介護"
    DISABILITY = "障がい", "障がい"
    CHILDREN = "子ども", "子ども"
    POVERTY = "生活困窮", "生活困窮"
    OTHER = "その他", "その他"


class Programme(models.Model):
    """A programme (実施事業) that fills one statutory project in one field."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="programmes")
    project = models.PositiveSmallIntegerField("法定事業", choices=StatutoryProject.choices)
    # イ, or several joined with ・ (イ・ロ・ハ) where the plan runs them together.
    sub_item = models.CharField("号内の区分", max_length=10, blank=True)
    field = models.CharField("分野", max_length=10, choices=Field.choices, blank=True)
    name = models.CharField("実施事業", max_length=200)
    # The plan's qualifier shown after the name (（特定型）); not part of the structure CSV.
    variant = models.CharField("類型", max_length=100, blank=True)
    target = models.TextField("支援対象者", blank=True)
    content = models.TextField("業務内容", blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="programmes", verbose_name="圏域")
    start_fy = models.PositiveSmallIntegerField("開始年度", null=True, blank=True)
    # Fiscal years run as 移行準備事業 before the programme proper.
    transition_fys = models.JSONField("移行準備事業の年度", default=list, blank=True)
    departments: models.ManyToManyField[Agency, "ProgrammeDepartment"] = models.ManyToManyField(
        Agency,
        through="ProgrammeDepartment",
        blank=True,
        related_name="overseen_programmes",
        verbose_name="所管課",
    )
    in_profile = models.BooleanField("プロファイルに記載", default=True)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["municipality", "project", "order"]
        verbose_name = verbose_name_plural = "実施事業"

    def __str__(self) -> str:
        return f"{self.get_project_display()} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name with its variant: ``利用者支援事業（特定型）``, ``多機関協働事業 ＣＳＷの配置``."""
        if not self.variant:
            return self.name
        separator = "" if self.variant.startswith(("（", "(", "【", "[")) else " "
        return f"{self.name}{separator}{self.variant}"

    @property
    def timeline_display(self) -> str:
        """開始 令和7年度 (2025)・移行準備事業 令和6年度 (2024)."""
        parts = []
        if self.transition_fys:
            years = "・".join(fiscal_year_label(y, with_seireki=True) for y in self.transition_fys)
            parts.append(f"移行準備事業 {years}")
        if self.start_fy:
            parts.append(f"開始 {fiscal_year_label(self.start_fy, with_seireki=True)}")
        return "、".join(parts)

    @property
    def project_label(self) -> str:
        """法定事業 as the structure CSV writes it: ``1号``, ``3号ハ``."""
        return f"{self.project}号{self.sub_item}"

    @property
    def department_names(self) -> str:
        """所管課 joined with ・ (prefetch ``department_links__department`` for lists)."""
        return "・".join(link.department.name for link in self.department_links.all())


class ProgrammeDepartment(models.Model):
    """A 所管課 of a programme; ``order`` keeps the plan's order when it names several."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="department_links")
    department = models.ForeignKey(Agency, models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "department"], name="programmedepartment_unique"
            ),
        ]


class Delivery(models.Model):
    """One row of the delivery structure: a programme delivered by one agency (or by no
    named agency). Values are resolved at load time: the agency's override in the profile,
    else the programme's; the ``*_note`` fields keep the plan's wording where no plain
    value exists (docs/profiles.md, structure CSV)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="deliveries")
    agency = models.ForeignKey(
        Agency,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="機関",
    )
    sites = models.PositiveSmallIntegerField("拠点数", null=True, blank=True)
    sites_note = models.CharField("拠点数(表記)", max_length=200, blank=True)
    operating_form = models.CharField("運営形態", max_length=50, blank=True)
    form_note = models.CharField("運営形態(表記)", max_length=200, blank=True)
    operator = models.ForeignKey(
        Agency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="運営主体"
    )
    operator_note = models.CharField("運営主体(表記)", max_length=200, blank=True)
    # The programme's first 所管課; all of them are Programme.departments.
    department = models.ForeignKey(
        Agency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="所管課"
    )
    # 所管課 of this row joined with ・: the agency override's, else the programme's.
    department_names = models.CharField("所管課(一覧)", max_length=300, blank=True)
    content = models.TextField("業務内容", blank=True)
    service_area = models.CharField("対象圏域", max_length=200, blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="deliveries", verbose_name="圏域")
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = verbose_name_plural = "実施体制"

    @property
    def sites_display(self) -> str:
        return str(self.sites) if self.sites is not None else self.sites_note

    @property
    def form_display(self) -> str:
        return self.operating_form or self.form_note

    @property
    def operator_display(self) -> str:
        return self.operator.name if self.operator else self.operator_note


class MeetingFunction(models.TextChoices):
    COORDINATION = "coordination", "重層的支援会議(プラン協議・終結評価)"
    CONFIDENTIAL = "confidential", "支援会議(法第106条の6)"
    LIAISON = "liaison", "連絡・連携会議"
    REPRESENTATIVES = "representatives", "代表者会議"
    STUDY = "study", "研修・事例検討"
    PLAN_REVIEW = "plan_review", "計画の推進・評価"


class ConsentRule(models.TextChoices):
    REQUIRED = "required", "本人同意が必要"
    NOT_REQUIRED = "not_required", "本人同意は不要(守秘義務)"
    PER_ITEM = "per_item", "議題の機能による"
    NOT_APPLICABLE = "n/a", "個別事例を扱わない"
    UNSTATED = "unstated", "計画に記載なし"


class BodyStatus(models.TextChoices):
    STANDING = "standing", "設置中"
    CONCLUDED = "concluded", "終了"


class MeetingBody(models.Model):
    """A meeting body. A body declared per area level (``area_level``) gets one instance row
    per area of that level (``declaration`` → the declared row, ``areas`` → its one area);
    instances carry the declared functions, consent and frequency, so sessions, attendance
    and frequency work on them like on any body."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="meeting_bodies")
    name = models.CharField("会議体", max_length=200)
    functions = models.JSONField("機能", default=list)
    consent_rule = models.CharField("本人同意", max_length=20, choices=ConsentRule.choices)
    frequency = models.CharField("開催頻度", max_length=50, blank=True)
    convener = models.ForeignKey(
        Agency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="主催"
    )
    # Where the plan names several conveners: the first is ``convener``, the rest here.
    co_conveners = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name="共同主催"
    )
    operating_form = models.CharField("運営形態", max_length=50, blank=True)
    form_note = models.CharField("運営形態(表記)", max_length=200, blank=True)
    department = models.ForeignKey(
        Agency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="担当課"
    )
    members = models.ManyToManyField(
        Agency, blank=True, related_name="meeting_bodies", verbose_name="構成機関"
    )
    other_members = models.JSONField("その他の構成員", default=list, blank=True)
    members_note = models.CharField("構成員(表記)", max_length=200, blank=True)
    purpose = models.TextField("目的・内容", blank=True)
    parent = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位の会議",
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="meeting_bodies", verbose_name="圏域"
    )
    area_level = models.ForeignKey(
        AreaLevel,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="圏域ごとに設置",
    )
    declaration = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="instances",
        verbose_name="圏域ごとの会議体の定義",
    )
    status = models.CharField(
        "状態", max_length=20, choices=BodyStatus.choices, default=BodyStatus.STANDING
    )
    concluded_on = models.DateField("終了日", null=True, blank=True)
    # What the body handed over when it concluded (提言書 and its title).
    conclusion = models.CharField("成果物", max_length=200, blank=True)
    chair = models.ForeignKey(
        Agency, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="座長"
    )
    chair_note = models.CharField("座長(表記)", max_length=200, blank=True)
    member_count = models.PositiveSmallIntegerField("委員数", null=True, blank=True)
    in_profile = models.BooleanField("プロファイルに記載", default=True)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        ordering = ["municipality", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="meetingbody_unique_name"
            ),
        ]
        verbose_name = verbose_name_plural = "会議体"

    def __str__(self) -> str:
        return self.name

    @property
    def chair_display(self) -> str:
        return self.chair.name if self.chair else self.chair_note

    @property
    def function_labels(self) -> list[str]:
        return [MeetingFunction(f).label for f in self.functions]

    def has_function(self, function: str) -> bool:
        return function in self.functions

    @property
    def form_display(self) -> str:
        return self.form_note or self.operating_form

    @property
    def convener_names(self) -> list[str]:
        """All conveners in file order (prefetch ``co_conveners`` for lists)."""
        first = [self.convener.name] if self.convener else []
        return first + [a.name for a in self.co_conveners.all()]


class StaffRole(models.Model):
    """Staff the plan states for an agency or programme: a role and how many
    (生活支援コーディネーター 7名; per area level: 第1層 1名・第2層 2名)."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="staff_roles")
    agency = models.ForeignKey(
        Agency, models.CASCADE, null=True, blank=True, related_name="staff_roles"
    )
    programme = models.ForeignKey(
        Programme, models.CASCADE, null=True, blank=True, related_name="staff_roles"
    )
    role = models.CharField("職種・役割", max_length=100)
    count = models.PositiveSmallIntegerField("人数", null=True, blank=True)
    area_level = models.ForeignKey(
        AreaLevel, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="階層"
    )
    note = models.CharField("表記", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        ordering = ["municipality", "order"]
        verbose_name = verbose_name_plural = "職員配置"

    def __str__(self) -> str:
        return self.role

    @property
    def display(self) -> str:
        """生活支援コーディネーター 第2層 2名（調整役）: select_related ``area_level``."""
        parts = [self.role]
        if self.area_level:
            parts.append(self.area_level.name)
        if self.count is not None:
            parts.append(f"{self.count}名")
        note = f"（{self.note}）" if self.note else ""
        return " ".join(parts) + note


class Baseline(models.Model):
    """A figure the plan reports with its year (R4実績 サポーター289人)."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="baselines")
    agency = models.ForeignKey(
        Agency, models.CASCADE, null=True, blank=True, related_name="baselines"
    )
    programme = models.ForeignKey(
        Programme, models.CASCADE, null=True, blank=True, related_name="baselines"
    )
    label = models.CharField("項目", max_length=100)
    value = models.DecimalField("値", max_digits=12, decimal_places=2)
    unit = models.CharField("単位", max_length=20, blank=True)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    note = models.CharField("表記", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        ordering = ["municipality", "order"]
        verbose_name = verbose_name_plural = "基準値"

    def __str__(self) -> str:
        return f"{self.label} {self.value_display}"

    @property
    def value_display(self) -> str:
        return f"{self.value.normalize():f}{self.unit}"

    @property
    def year_display(self) -> str:
        return fiscal_year_label(self.fiscal_year, with_seireki=True)


class PlanPillar(models.Model):
    """The plan's own structure (柱 / 基本方針 / 取り組み), each mapped to statutory projects."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="pillars")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField("区分", max_length=50, blank=True)
    name = models.CharField("名称", max_length=300)
    description = models.TextField("内容", blank=True)
    projects = models.JSONField("法定事業", default=list, blank=True)
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        ordering = ["municipality", "order"]
        verbose_name = verbose_name_plural = "計画の柱・取り組み"

    def __str__(self) -> str:
        return self.name

    @property
    def project_labels(self) -> list[str]:
        return [StatutoryProject(p).label for p in self.projects]
