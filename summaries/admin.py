from django.contrib import admin

from dluan.admin import ComputedAdmin
from summaries.models import Summary, SummaryRead


@admin.register(Summary)
class SummaryAdmin(ComputedAdmin):
    """Summaries are compiled, edited and approved on their pages, not here."""

    list_display = ["unit", "period", "version", "status", "compiled_at"]
    list_filter = ["status"]
    search_fields = ["unit__name"]
    exclude = ["snapshot"]


@admin.register(SummaryRead)
class SummaryReadAdmin(ComputedAdmin):
    list_display = ["summary", "user", "read_at"]
