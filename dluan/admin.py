from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from dluan.models import (
    ApiToken,
    Notification,
    OrgUnit,
    SignInCode,
    UnsentTask,
    User,
    UserSession,
)

admin.site.site_header = _("dluan administration")


class ComputedAdmin(admin.ModelAdmin):
    """Rows a job computes (discipline, tallies, scores): read here, never typed in."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_title = _("dluan")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class DluanUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "org_unit", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone")}),
        (_("Role and unit"), {"fields": ("role", "org_unit")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "org_unit",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(SignInCode)
class SignInCodeAdmin(ComputedAdmin):
    """When codes were given, used or revoked; never the code (only a hash exists)."""

    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["used_at", "revoked_at"]
    search_fields = ["user__username"]
    exclude = ["code_hash"]


@admin.register(UserSession)
class UserSessionAdmin(ComputedAdmin):
    list_display = ["user", "created_at", "last_seen_at", "ip_address"]
    search_fields = ["user__username"]
    exclude = ["session_key"]


@admin.register(UnsentTask)
class UnsentTaskAdmin(ComputedAdmin):
    """Jobs waiting for the broker: the beat's sweep sends them, nobody edits them."""

    list_display = ["task", "args", "created_at", "attempts", "last_error"]
    list_filter = ["task"]


@admin.register(ApiToken)
class ApiTokenAdmin(ComputedAdmin):
    """API keys, made and revoked by their owners on the account page; no key here."""

    list_display = ["name", "owner", "prefix", "created_at", "expires_on"]
    list_display += ["last_used_at", "revoked_at"]
    search_fields = ["owner__username", "name", "prefix"]
    exclude = ["key_hash"]


# The audit trail is read in the admin, never changed: auditlog's own admin still
# lets a deletion elsewhere in the admin take entries with it.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    # The trail holds a province's every page view: no count of all of it, and no
    # date drill-down, which reads every distinct day.
    show_full_result_count = False
    date_hierarchy = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
