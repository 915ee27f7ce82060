from django.contrib import admin

from .models import (
    Agency,
    Area,
    AreaLevel,
    Baseline,
    Delivery,
    MeetingBody,
    Municipality,
    PlanPillar,
    PlanStage,
    Programme,
    ProgrammeDepartment,
    Site,
    StaffRole,
)


class PlanStageInline(admin.TabularInline):
    model = PlanStage
    extra = 0


class PlanPillarInline(admin.TabularInline):
    model = PlanPillar
    extra = 0


class AreaLevelInline(admin.TabularInline):
    model = AreaLevel
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture", "plan_start_fy", "plan_end_fy", "plan_generation"]
    inlines = [PlanStageInline, PlanPillarInline, AreaLevelInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "municipality", "in_profile"]
    list_filter = ["municipality", "level", "in_profile"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    autocomplete_fields = ["area"]


class AgencyStaffInline(admin.TabularInline):
    model = StaffRole
    fk_name = "agency"
    extra = 0
    exclude = ["programme"]


class ProgrammeStaffInline(admin.TabularInline):
    model = StaffRole
    fk_name = "programme"
    extra = 0
    exclude = ["agency"]


class ProgrammeBaselineInline(admin.TabularInline):
    model = Baseline
    fk_name = "programme"
    extra = 0
    exclude = ["agency"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "formal_name",
        "kind",
        "operating_form",
        "department",
        "parent",
        "municipality",
        "in_profile",
    ]
    list_filter = ["municipality", "kind", "scope", "outside_welfare", "in_profile"]
    search_fields = ["name", "formal_name", "short_name"]
    autocomplete_fields = ["department", "operator", "parent"]
    filter_horizontal = ["areas"]
    inlines = [SiteInline, AgencyStaffInline]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    autocomplete_fields = ["agency", "operator", "department"]


class ProgrammeDepartmentInline(admin.TabularInline):
    model = ProgrammeDepartment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "variant", "project", "sub_item", "field", "municipality", "in_profile"]
    search_fields = ["name", "variant"]
    list_filter = ["municipality", "project", "field", "in_profile"]
    filter_horizontal = ["areas"]
    inlines = [
        ProgrammeDepartmentInline,
        DeliveryInline,
        ProgrammeStaffInline,
        ProgrammeBaselineInline,
    ]


@admin.register(MeetingBody)
class MeetingBodyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "consent_rule",
        "frequency",
        "convener",
        "status",
        "declaration",
        "municipality",
    ]
    list_filter = ["municipality", "consent_rule", "status", "in_profile"]
    search_fields = ["name"]
    filter_horizontal = ["members", "co_conveners", "areas"]
    autocomplete_fields = ["convener", "department", "parent", "chair", "declaration"]
