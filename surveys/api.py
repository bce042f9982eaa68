"""Surveys in the API: the surveys of the user's subtree, their weighted results
(the results page's own figures, small cells hidden, with its method text) and
their approved responses: answers only, nothing of who entered them.

A response list is recorded in the audit trail as an export of responses is
(``surveys/audit.py``).
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response as ApiResponse

from dluan.access import require_manager
from dluan.api.views import ApiViewSet, ListApi, ReadOnlyApi, UnitRef, unit_param
from dluan.scoping import in_subtree
from surveys.forms.results import ResultsFilterForm
from surveys.models import Response, Survey
from surveys.selectors import results as results_selectors

app_name = "surveys"


class SurveySerializer(serializers.ModelSerializer):
    unit = UnitRef()

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "purpose",
            "unit",
            "mode",
            "status",
            "starts_on",
            "ends_on",
        ]


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["id", "survey", "answers"]


def _survey(request, pk) -> Survey:
    require_manager(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).select_related("unit"), pk=pk
    )


@extend_schema(tags=["surveys"])
class SurveyApi(ReadOnlyApi):
    """Surveys of the user's subtree, newest first."""

    serializer_class = SurveySerializer

    def get_queryset(self):
        queryset = Survey.objects.visible_to(self.request.user).select_related("unit")
        if self.action == "list":
            unit = unit_param(self.request)
            if unit is not None:
                queryset = queryset.filter(in_subtree("unit", unit))
        return queryset


@extend_schema(
    tags=["surveys"],
    parameters=[
        OpenApiParameter(
            "mode",
            str,
            enum=["planned", "online", "all"],
            description="Which approved answers count (default: as the page).",
        ),
        OpenApiParameter("commune", int, description="One commune's answers."),
    ],
    responses=OpenApiTypes.OBJECT,
)
class ResultsApi(ApiViewSet):
    """A survey's weighted results: each question's counts and shares, cells of
    fewer than 10 answers hidden (null), the method in words."""

    pagination_class = None

    def list(self, request, pk):
        survey = _survey(request, pk)
        form = ResultsFilterForm(request.query_params or None, survey=survey)
        if form.is_bound and not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        filters = form.filters() if form.is_bound else {"modes": None, "commune": None}
        data = results_selectors.survey_results(survey, **filters)
        return ApiResponse({"survey": survey.pk, **data})


@extend_schema(tags=["surveys"])
class ResponseApi(ListApi):
    """A survey's approved responses: their answers, by question name."""

    serializer_class = ResponseSerializer

    def get_queryset(self):
        survey = _survey(self.request, self.kwargs["pk"])
        return (
            Response.objects.visible_to(self.request.user)
            .approved()
            .filter(survey=survey)
            .only("pk", "survey_id", "answers")
        )


urlpatterns = [
    path("surveys/", SurveyApi.as_view({"get": "list"}), name="survey-list"),
    path(
        "surveys/<int:pk>/",
        SurveyApi.as_view({"get": "retrieve"}),
        name="survey-detail",
    ),
    path(
        "surveys/<int:pk>/results/",
        ResultsApi.as_view({"get": "list"}),
        name="survey-results",
    ),
    path(
        "surveys/<int:pk>/responses/",
        ResponseApi.as_view({"get": "list"}),
        name="response-list",
    ),
]
