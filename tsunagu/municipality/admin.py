from django.contrib import admin

from .models import (
    Agency,
    Delivery,
    MeetingBody,
    Municipality,
    PlanStage,
    Programme,
    ProgrammeDepartment,
)


class PlanStageInline(admin.TabularInline):
    model = PlanStage
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture", "plan_start_fy", "plan_end_fy"]
    inlines = [PlanStageInline]


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
    inlines = [ProgrammeDepartmentInline, DeliveryInline]


@admin.register(MeetingBody)
class MeetingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "consent_rule", "frequency", "convener", "parent", "municipality"]
    list_filter = ["municipality", "consent_rule", "in_profile"]
    search_fields = ["name"]
    filter_horizontal = ["members", "co_conveners"]
    autocomplete_fields = ["convener", "department", "parent"]
