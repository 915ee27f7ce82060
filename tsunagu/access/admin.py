from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only and written only by ``audit.log``."""

    list_display = ["at", "user", "agency", "action", "object_type", "object_id", "person_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "person_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
