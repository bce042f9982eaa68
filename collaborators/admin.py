from django.contrib import admin

from collaborators.models import (
    Collaborator,
    CollaboratorScore,
    ImportDraft,
    ImportMapping,
    Regulation,
    RegulationAcknowledgement,
    RosterEvent,
    TrainingAttendance,
    TrainingSession,
)
from dluan.admin import ComputedAdmin


class RosterEventInline(admin.TabularInline):
    model = RosterEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "date",
        "decision_number",
        "reason",
        "term_end",
        "status_after",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Collaborator)
class CollaboratorAdmin(admin.ModelAdmin):
    list_display = ["full_name", "unit", "phone", "status", "term_end"]
    list_filter = ["status", "is_party_member", "is_retired", "gender"]
    search_fields = ["full_name", "phone", "email", "search_text"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]
    filter_horizontal = ["coverage_areas"]
    list_select_related = ["unit"]
    inlines = [RosterEventInline]


@admin.register(RosterEvent)
class RosterEventAdmin(admin.ModelAdmin):
    list_display = ["collaborator", "kind", "date", "decision_number", "status_after"]
    list_filter = ["kind"]
    search_fields = ["collaborator__full_name", "decision_number"]
    list_select_related = ["collaborator"]
    raw_id_fields = ["collaborator", "created_by"]

    # History is appended through the app; the admin only reads it.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "unit", "effective_date"]
    raw_id_fields = ["unit", "created_by"]


@admin.register(RegulationAcknowledgement)
class RegulationAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["collaborator", "regulation", "acknowledged_at"]
    raw_id_fields = ["collaborator", "regulation"]
    list_select_related = ["collaborator", "regulation"]


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["collaborator"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "date", "organiser"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [TrainingAttendanceInline]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(admin.ModelAdmin):
    list_display = ["collaborator", "session", "attended"]
    raw_id_fields = ["collaborator", "session"]
    list_select_related = ["collaborator", "session"]


@admin.register(CollaboratorScore)
class CollaboratorScoreAdmin(ComputedAdmin):
    """Read-only: scores are computed (collaborators/scoring.py), never typed in."""

    list_display = ["collaborator", "year", "total", "unit", "computed_at"]
    list_filter = ["year"]
    search_fields = ["collaborator__full_name"]
    list_select_related = ["collaborator", "unit"]
    raw_id_fields = ["collaborator", "unit"]


@admin.register(ImportMapping)
class ImportMappingAdmin(ComputedAdmin):
    list_display = ["unit", "updated_by", "updated_at"]


@admin.register(ImportDraft)
class ImportDraftAdmin(ComputedAdmin):
    """Uploads waiting for their import; the rows themselves stay out of the page."""

    list_display = ["name", "user", "created_at"]
    list_select_related = ["user"]
    exclude = ["sheet", "mapping", "token"]

    def has_delete_permission(self, request, obj=None):
        return True
