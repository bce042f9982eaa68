from django.contrib import admin

from dluan.admin import ComputedAdmin
from reports.models import (
    Attachment,
    Direction,
    EarlyWarning,
    FocusTopic,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
    Topic,
    unsent_drafts,
)


class HidesUnsentDrafts:
    """A collaborator's draft is theirs: the admin does not show it either."""

    report_prefix = ""

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(unsent_drafts(self.report_prefix))


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "end", "deadline"]
    date_hierarchy = "start"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(FocusTopic)
class FocusTopicAdmin(admin.ModelAdmin):
    list_display = ["topic", "period", "unit"]
    list_select_related = ["topic", "period", "unit"]
    raw_id_fields = ["unit"]


class OpinionStreamInline(admin.StackedInline):
    model = OpinionStream
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = [
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "removed_at",
        "removed_by",
    ]
    fields = readonly_fields
    can_delete = False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "note",
    ]
    fields = readonly_fields
    can_delete = False


@admin.register(OpinionReport)
class OpinionReportAdmin(HidesUnsentDrafts, admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "unit",
        "kind",
        "urgency",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "kind", "urgency", "is_rumour"]
    list_select_related = ["author", "unit"]
    search_fields = ["search_text"]
    raw_id_fields = ["author", "unit", "area", "issue", "reviewed_by"]
    inlines = [OpinionStreamInline, AttachmentInline, ReportEventInline]

    def has_delete_permission(self, request, obj=None):
        # Reports are archived, never deleted.
        return False


@admin.register(Attachment)
class AttachmentAdmin(HidesUnsentDrafts, admin.ModelAdmin):
    report_prefix = "report__"
    list_display = [
        "original_name",
        "report",
        "content_type",
        "size",
        "uploaded_at",
        "removed_at",
    ]
    raw_id_fields = ["report", "uploaded_by", "removed_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OpinionStream)
class OpinionStreamAdmin(HidesUnsentDrafts, admin.ModelAdmin):
    report_prefix = "report__"
    list_display = ["summary", "report", "direction", "breadth", "is_rumour"]
    list_filter = ["direction", "is_rumour"]
    raw_id_fields = ["report"]


@admin.register(ReportEvent)
class ReportEventAdmin(HidesUnsentDrafts, admin.ModelAdmin):
    report_prefix = "report__"
    list_display = ["report", "action", "actor", "created_at"]
    list_filter = ["action"]
    raw_id_fields = ["report", "actor"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    raw_id_fields = ["created_by"]


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "status", "severity", "last_seen"]
    list_filter = ["status", "severity"]
    list_select_related = ["unit"]
    search_fields = ["search_text"]
    raw_id_fields = ["unit", "created_by", "areas"]
    filter_horizontal = ["topics"]
    inlines = [FollowUpInline, DirectionInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["agency", "issue", "due_date", "responded_on", "escalated_at"]
    list_select_related = ["issue"]
    raw_id_fields = ["issue", "created_by"]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issue", "author", "created_at"]
    raw_id_fields = ["issue", "author"]


@admin.register(ReportingRecord)
class ReportingRecordAdmin(ComputedAdmin):
    """Computed by ``discipline_compute``: read only."""

    list_display = ["collaborator", "period", "unit", "state", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["collaborator", "period", "unit"]
    raw_id_fields = ["collaborator", "unit", "report"]


@admin.register(ReportingTally)
class ReportingTallyAdmin(ComputedAdmin):
    """Counted by ``tally_refresh`` from the records: read only."""

    list_display = ["period", "unit", "state", "count"]
    list_filter = ["state"]
    list_select_related = ["period", "unit"]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(admin.ModelAdmin):
    """Raised by ``warnings_raise``; acknowledged on the warnings page."""

    list_display = ["title", "kind", "unit", "raised_at", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["unit"]
    raw_id_fields = [
        "unit",
        "topic",
        "area",
        "issue",
        "period",
        "acknowledged_by",
    ]

    def has_add_permission(self, request):
        return False
