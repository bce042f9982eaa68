"""Reports in the API: periods, topics, reports with their streams, issues with
their follow-ups, and reporting discipline (see ``dluan/api``).

Every queryset is the pages' own (``visible_to`` and the selectors the pages
use); a report's read is recorded as its page's is (``reports/audit.py``).
"""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from dluan.api.renderers import RawJson
from dluan.api.views import (
    ApiViewSet,
    ListApi,
    ReadOnlyApi,
    UnitRef,
    choice_param,
    date_param,
    int_param,
    unit_param,
)
from dluan.models import OrgUnit
from reports import selectors
from reports.models import (
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
    Topic,
)

app_name = "reports"
Status = OpinionReport.Status


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "start", "end", "deadline"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "parent", "is_active"]


class StreamSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionStream
        fields = [
            "id",
            "summary",
            "direction",
            "breadth",
            "intensity",
            "social_groups",
            "channels",
            "is_rumour",
        ]


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitRef()
    area = UnitRef(allow_null=True)
    topics = serializers.SerializerMethodField()
    streams = StreamSerializer(many=True)

    class Meta:
        model = OpinionReport
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "urgency",
            "is_rumour",
            "unit",
            "area",
            "period",
            "topics",
            "issue",
            "occurred_on",
            "description",
            "proposals",
            "submitted_at",
            "accepted_at",
            "streams",
        ]

    def get_topics(self, report) -> list[int]:
        return sorted(topic.pk for topic in report.topics.all())


class FollowUpSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "agency",
            "request",
            "due_date",
            "response",
            "responded_on",
            "is_overdue",
        ]


class IssueSerializer(serializers.ModelSerializer):
    unit = UnitRef()
    areas = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    follow_ups = FollowUpSerializer(many=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "title",
            "description",
            "status",
            "severity",
            "unit",
            "areas",
            "topics",
            "first_seen",
            "last_seen",
            "outcome",
            "resolved_at",
            "follow_ups",
        ]

    def get_areas(self, issue) -> list[int]:
        return [unit.pk for unit in issue.areas.all()]

    def get_topics(self, issue) -> list[int]:
        return [topic.pk for topic in issue.topics.all()]


class DisciplineRowSerializer(serializers.Serializer):
    row = serializers.ChoiceField(choices=["own", "child", "total"])
    unit = UnitRef()
    collaborators = serializers.IntegerField()
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    pending = serializers.IntegerField()
    not_expected = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)


class DisciplineSerializer(serializers.Serializer):
    unit = UnitRef()
    period = PeriodSerializer()
    results = DisciplineRowSerializer(many=True)


# --- Views -------------------------------------------------------------------------


def _param(name, kind, description, enum=None):
    return OpenApiParameter(name, kind, description=description, enum=enum)


@extend_schema(tags=["reports"])
class PeriodApi(ListApi):
    """Reporting periods: the same for every unit, newest first."""

    serializer_class = PeriodSerializer

    def get_queryset(self):
        return ReportingPeriod.objects.all()


@extend_schema(tags=["reports"])
class TopicApi(ListApi):
    """Topics (lĩnh vực): the province's list, shared by every unit."""

    serializer_class = TopicSerializer
    keyset_ascending = True

    def get_queryset(self):
        return Topic.objects.all()


REPORT_FILTERS = [
    _param("period", int, "Reporting period id."),
    _param("unit", int, "Unit id: its reports and those of the units below it."),
    _param("topic", int, "Topic id: the topic and its sub-topics."),
    _param(
        "status",
        str,
        "Status (drafts never).",
        [s for s in Status.values if s != "draft"],
    ),
    _param("kind", str, "Periodic or urgent.", OpinionReport.Kind.values),
    _param(
        "direction",
        str,
        "Reports with a stream of this direction.",
        OpinionStream.Direction.values,
    ),
    _param("date_from", OpenApiTypes.DATE, "Submitted on or after (yyyy-mm-dd)."),
    _param("date_to", OpenApiTypes.DATE, "Submitted on or before (yyyy-mm-dd)."),
]


def _local_time(column: str) -> str:
    """SQL: ``column`` (a timestamptz) as ISO 8601 in the board's time zone, with
    its offset: ``2026-12-06T08:30:00.000000+07:00``."""
    local = f"({column} AT TIME ZONE %(tz)s)"
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || "
        f"CASE WHEN {local} >= {utc} THEN '+' ELSE '-' END || "
        f"to_char(greatest({local} - {utc}, {utc} - {local}), 'HH24:MI')"
    )


# One report as ``ReportSerializer`` describes it, written by PostgreSQL: a page
# of 1,000 reports with their streams costs one query and no Python per row.
REPORT_JSON = f"""
json_build_object(
    'id', r.id, 'title', r.title, 'kind', r.kind, 'status', r.status,
    'urgency', r.urgency, 'is_rumour', r.is_rumour,
    'unit', json_build_object('id', u.id, 'name', u.name),
    'area', CASE WHEN a.id IS NULL THEN NULL
        ELSE json_build_object('id', a.id, 'name', a.name) END,
    'period', r.period_id,
    'topics', COALESCE((
        SELECT json_agg(t.topic_id ORDER BY t.topic_id)
        FROM reports_opinionreport_topics t WHERE t.opinionreport_id = r.id
    ), '[]'::json),
    'issue', r.issue_id, 'occurred_on', r.occurred_on,
    'description', r.description, 'proposals', r.proposals,
    'submitted_at', {_local_time("r.submitted_at")},
    'accepted_at', {_local_time("r.accepted_at")},
    'streams', COALESCE((
        SELECT json_agg(json_build_object(
            'id', s.id, 'summary', s.summary, 'direction', s.direction,
            'breadth', s.breadth, 'intensity', s.intensity,
            'social_groups', s.social_groups, 'channels', s.channels,
            'is_rumour', s.is_rumour
        ) ORDER BY s.position, s.id)
        FROM reports_opinionstream s WHERE s.report_id = r.id
    ), '[]'::json)
)
"""  # noqa: S608 (constant SQL; the values are parameters)
REPORTS_SQL = f"""
SELECT COALESCE(json_agg({REPORT_JSON} ORDER BY r.id DESC), '[]'::json)::text
FROM reports_opinionreport r
JOIN dluan_orgunit u ON u.id = r.unit_id
LEFT JOIN dluan_orgunit a ON a.id = r.area_id
WHERE r.id = ANY(%(ids)s)
"""  # noqa: S608 (constant SQL; the values are parameters)


def reports_json(ids: list[int]) -> RawJson:
    """The reports ``ids`` (already scoped), newest first, as a JSON array."""
    with connection.cursor() as cursor:
        cursor.execute(REPORTS_SQL, {"ids": list(ids), "tz": settings.TIME_ZONE})
        return RawJson(cursor.fetchone()[0])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@extend_schema_view(list=extend_schema(parameters=REPORT_FILTERS))
@extend_schema(tags=["reports"])
class ReportApi(ReadOnlyApi):
    """Opinion reports of the user's subtree with their streams, newest first.

    Without a status: every report but drafts and archived ones, as the review
    queue shows them.
    """

    serializer_class = ReportSerializer

    def get_queryset(self):
        user = self.request.user
        request = self.request
        filters = {
            "period": self._get(ReportingPeriod.objects.all(), "period"),
            "unit": unit_param(request),
            "topic": self._get(Topic.objects.all(), "topic"),
            "status": choice_param(
                request, "status", [s for s in Status.values if s != "draft"]
            ),
            "kind": choice_param(request, "kind", OpinionReport.Kind.values),
            "direction": choice_param(
                request, "direction", OpinionStream.Direction.values
            ),
        }
        queryset = selectors.report_queue(user, filters)
        date_from = date_param(request, "date_from")
        date_to = date_param(request, "date_to")
        if date_from:
            queryset = queryset.filter(submitted_at__gte=_day_start(date_from))
        if date_to:
            end = _day_start(date_to + datetime.timedelta(days=1))
            queryset = queryset.filter(submitted_at__lt=end)
        # Only the keys: the page is written by PostgreSQL (``reports_json``).
        return queryset.select_related(None).prefetch_related(None)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        return self.get_paginated_response(reports_json(page))

    def retrieve(self, request, pk):
        visible = OpinionReport.objects.visible_to(request.user)
        get_object_or_404(visible.values_list("pk", flat=True), pk=pk)
        return Response(RawJson(reports_json([pk])[1:-1]))

    def _get(self, queryset, name):
        pk = int_param(self.request, name)
        return None if pk is None else get_object_or_404(queryset, pk=pk)


ISSUE_FILTERS = [
    _param("status", str, "Status.", Issue.Status.values),
    _param("unit", int, "Unit id: its issues and those of the units below it."),
]


@extend_schema_view(list=extend_schema(parameters=ISSUE_FILTERS))
@extend_schema(tags=["reports"])
class IssueApi(ReadOnlyApi):
    """Issues (vụ việc) of the user's subtree with their follow-ups, newest first."""

    serializer_class = IssueSerializer

    def get_queryset(self):
        user = self.request.user
        queryset = (
            Issue.objects.visible_to(user)
            .with_related(user)
            .prefetch_related(
                Prefetch(
                    "follow_ups", queryset=FollowUp.objects.order_by("due_date", "pk")
                )
            )
        )
        if self.action == "list":
            status = choice_param(self.request, "status", Issue.Status.values)
            if status:
                queryset = queryset.filter(status=status)
            unit = unit_param(self.request)
            if unit is not None:
                queryset = queryset.filter(unit__path__startswith=unit.path)
        return queryset


def _row(kind: str, row) -> dict:
    return {
        "row": kind,
        "unit": {"id": row.unit.pk, "name": row.unit.name},
        "collaborators": row.collaborators,
        "expected": row.expected,
        "on_time": row.on_time,
        "late": row.late,
        "missing": row.missing,
        "pending": row.pending,
        "not_expected": row.not_expected,
        "reporting_rate": selectors.discipline.rounded_rate(row.reporting_rate),
        "on_time_rate": selectors.discipline.rounded_rate(row.on_time_rate),
    }


@extend_schema(
    tags=["reports"],
    parameters=[
        _param("unit", int, "Unit id (default: the user's own unit)."),
        _param("period", int, "Period id (default: the latest one past its deadline)."),
    ],
    responses=DisciplineSerializer,
)
class DisciplineApi(ApiViewSet):
    """Reporting discipline of a unit for a period: the unit itself, each unit
    directly below it (with its subtree), and the total, as the discipline page
    shows them. Rates are per cent, null where nothing was expected."""

    pagination_class = None
    serializer_class = DisciplineSerializer

    def list(self, request):
        user = request.user
        unit = unit_param(request)
        if unit is None:
            unit = (
                OrgUnit.objects.filter(parent=None).order_by("path").first()
                if user.is_superuser
                else user.org_unit
            )
        pk = int_param(request, "period")
        if pk is None:
            period = selectors.discipline_default_period()
        else:
            period = get_object_or_404(selectors.discipline_periods(), pk=pk)
        if unit is None or period is None:
            raise exceptions.NotFound()
        table = selectors.discipline_table(user, unit, period)
        rows = [
            _row("own", table["own"]),
            *(_row("child", row) for row in table["children"]),
            _row("total", table["total"]),
        ]
        return Response(
            {
                "unit": {"id": unit.pk, "name": unit.name},
                "period": PeriodSerializer(period).data,
                "results": rows,
            }
        )


LIST, DETAIL = {"get": "list"}, {"get": "retrieve"}
urlpatterns = [
    path("periods/", PeriodApi.as_view(LIST), name="period-list"),
    path("topics/", TopicApi.as_view(LIST), name="topic-list"),
    path("reports/", ReportApi.as_view(LIST), name="report-list"),
    path("reports/<int:pk>/", ReportApi.as_view(DETAIL), name="report-detail"),
    path("issues/", IssueApi.as_view(LIST), name="issue-list"),
    path("issues/<int:pk>/", IssueApi.as_view(DETAIL), name="issue-detail"),
    path("discipline/", DisciplineApi.as_view(LIST), name="discipline"),
]
