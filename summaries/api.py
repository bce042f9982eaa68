"""Approved summaries in the API: their figures, their text and links to the PDF,
Word file and workbook (the pages' own downloads, which check access again).

The figures are the frozen snapshot, less what names collaborators (proposals
and quote candidates carry their authors); a summary's read is recorded as its
page's is (``summaries/audit.py``).
"""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from dluan.api.views import ReadOnlyApi, UnitRef, int_param, unit_param
from dluan.scoping import in_subtree
from summaries import selectors
from summaries.models import Summary

app_name = "summaries"

# Snapshot parts that name collaborators: never in the API.
NAMED_PARTS = ("proposals", "quote_candidates")


class PeriodRef(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class FileLinks(serializers.Serializer):
    pdf = serializers.URLField(allow_null=True)
    docx = serializers.URLField(allow_null=True)
    xlsx = serializers.URLField(allow_null=True)


class SummarySerializer(serializers.ModelSerializer):
    unit = UnitRef()
    period = PeriodRef()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Summary
        fields = [
            "id",
            "unit",
            "period",
            "version",
            "status",
            "number",
            "compiled_at",
            "approved_at",
            "files",
        ]

    @extend_schema_field(FileLinks)
    def get_files(self, summary) -> dict:
        request = self.context["request"]
        ready = {
            "pdf": summary.files_ready,
            "docx": summary.files_ready and bool(summary.docx),
            "xlsx": bool(summary.xlsx),
        }
        return {
            kind: request.build_absolute_uri(
                reverse("summaries:summary-download", args=[summary.pk, kind])
            )
            if is_ready
            else None
            for kind, is_ready in ready.items()
        }


class SummaryDetailSerializer(SummarySerializer):
    figures = serializers.SerializerMethodField()

    class Meta(SummarySerializer.Meta):
        fields = [
            *SummarySerializer.Meta.fields,
            "general_situation",
            "prominent_opinion",
            "forecast",
            "recommendations",
            "figures",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, summary) -> dict:
        snapshot = summary.snapshot or {}
        return {k: v for k, v in snapshot.items() if k not in NAMED_PARTS}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="Unit id and the units below."),
            OpenApiParameter("period", int, description="Reporting period id."),
        ]
    )
)
@extend_schema(tags=["summaries"])
class SummaryApi(ReadOnlyApi):
    """Approved summaries of the user's subtree, newest first; the detail holds
    the figures (the snapshot's schema is in summaries/snapshot)."""

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SummaryDetailSerializer
        return SummarySerializer

    def get_queryset(self):
        queryset = (
            selectors.summaries_for(self.request.user)
            .approved()
            .select_related("unit", "period")
        )
        if self.action == "list":
            queryset = queryset.defer("snapshot", "quotes")
            unit = unit_param(self.request)
            if unit is not None:
                queryset = queryset.filter(in_subtree("unit", unit))
            period = int_param(self.request, "period")
            if period is not None:
                queryset = queryset.filter(period_id=period)
        return queryset


urlpatterns = [
    path("summaries/", SummaryApi.as_view({"get": "list"}), name="summary-list"),
    path(
        "summaries/<int:pk>/",
        SummaryApi.as_view({"get": "retrieve"}),
        name="summary-detail",
    ),
]
