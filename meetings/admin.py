from django.contrib import admin

from meetings.models import (
    AgendaItem,
    Attendance,
    DocumentReceipt,
    Invitation,
    Meeting,
    MeetingAction,
    ReferenceDocument,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "issue", "source"]
    raw_id_fields = ["issue"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "unit", "starts_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "place", "chair"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["unit", "period", "created_by"]
    inlines = [AgendaItemInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "collaborator", "response", "sent_at", "withdrawn_at"]
    list_filter = ["response"]
    search_fields = ["collaborator__full_name", "meeting__title"]
    raw_id_fields = ["meeting", "collaborator"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "position", "source"]
    list_filter = ["source"]
    search_fields = ["title"]
    raw_id_fields = ["meeting", "issue", "reports"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "collaborator", "status", "reason"]
    list_filter = ["status"]
    search_fields = ["collaborator__full_name", "meeting__title"]
    raw_id_fields = ["meeting", "collaborator", "recorded_by"]


@admin.register(MeetingAction)
class MeetingActionAdmin(admin.ModelAdmin):
    list_display = ["description", "meeting", "agency", "due_date", "follow_up"]
    search_fields = ["description", "agency"]
    raw_id_fields = ["meeting", "issue", "follow_up", "created_by"]


class DocumentReceiptInline(admin.TabularInline):
    model = DocumentReceipt
    extra = 0
    raw_id_fields = ["collaborator"]


@admin.register(ReferenceDocument)
class ReferenceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "unit", "meeting", "created_at"]
    search_fields = ["title", "source"]
    raw_id_fields = ["unit", "meeting", "uploaded_by"]
    inlines = [DocumentReceiptInline]


@admin.register(DocumentReceipt)
class DocumentReceiptAdmin(admin.ModelAdmin):
    list_display = ["document", "collaborator", "read_at"]
    search_fields = ["collaborator__full_name", "document__title"]
    raw_id_fields = ["document", "collaborator"]
