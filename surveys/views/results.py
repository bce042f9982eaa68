"""Results: each question's figures, cross-tabs, free-text answers, a bank question
over time. Staff and leaders of the survey's subtree read them; nobody else."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dluan.access import require_manager
from dluan.replica import reads_from_replica
from surveys.forms.results import MODE_SETS, CrosstabForm, ResultsFilterForm
from surveys.models import BankQuestion, Question, Survey
from surveys.selectors import crosstab as crosstab_selectors
from surveys.selectors import results as selectors
from surveys.selectors import towns as town_folding

TEXT_PAGE_SIZE = 50


def _survey(request, pk) -> Survey:
    # Collaborators see the surveys they are assigned to, never their results.
    require_manager(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


def _charts(data: dict) -> list[dict]:
    """Chart.js data for each choice question: weighted percents of shown cells only."""
    charts = []
    for index, question in enumerate(data["questions"]):
        question["chart_id"] = ""
        if question["kind"] == Question.Kind.GRID:
            labels = [group["label"] for group in question["grid"]]
            values = (
                [row["value"] for row in question["grid"][0]["rows"]] if labels else []
            )
            datasets = []
            for position in range(len(values)):
                points = [group["rows"][position] for group in question["grid"]]
                datasets.append(
                    {
                        "label": points[0]["label"],
                        "data": [
                            round(p["weighted_percent"], 1) if p["shown"] else None
                            for p in points
                        ],
                    }
                )
            if not any(v is not None for d in datasets for v in d["data"]):
                continue
            chart = {"labels": labels, "datasets": datasets, "stacked": True}
        elif question["kind"] in selectors.CHOICE_LIST_KINDS:
            shown = [row for row in question["rows"] if row["shown"]]
            if not shown:
                continue
            chart = {
                "labels": [row["label"] for row in shown],
                "datasets": [
                    {
                        "label": str(_("Weighted percent")),
                        "data": [round(row["weighted_percent"], 1) for row in shown],
                    }
                ],
                "stacked": False,
            }
        else:
            continue
        chart["id"] = question["chart_id"] = f"results-chart-{index}"
        charts.append(chart)
    return charts


@login_required
@reads_from_replica
def results(request, pk):
    survey = _survey(request, pk)
    form = ResultsFilterForm(request.GET or None, survey=survey)
    filters = form.filters() if form.is_bound else {"modes": None, "commune": None}
    data = selectors.survey_results(survey, **filters)
    # The cached figures are shared: the page's additions go on copies.
    data = {**data, "questions": [dict(q) for q in data["questions"]]}
    charts = _charts(data)
    return render(
        request,
        "surveys/results_page.html",
        {
            "survey": survey,
            "form": form,
            "results": data,
            "charts": charts,
            "small_cell": selectors.stats.SMALL_CELL,
        },
    )


def _without_town(request) -> str:
    query = request.GET.copy()
    query.pop("town", None)
    return "?" + query.urlencode()


@login_required
@reads_from_replica
def crosstab(request, pk):
    survey = _survey(request, pk)
    questions = crosstab_selectors.crossable(survey)
    form = CrosstabForm(
        request.GET if "q" in request.GET else None,
        survey=survey,
        questions=questions,
        variables=crosstab_selectors.variable_labels(),
    )
    table = town = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["by"] == "commune":
            town = town_folding.chosen_town(survey, request.GET.get("town"))
        try:
            table = crosstab_selectors.crosstab(
                survey,
                question=data["q"],
                by=data["by"],
                modes=MODE_SETS.get(data.get("mode") or ""),
                town=town,
                questions=questions,
            )
        except KeyError:
            raise Http404 from None
    every_town = _without_town(request)
    return render(
        request,
        "surveys/results_crosstab.html",
        {
            "survey": survey,
            "form": form,
            "table": table,
            "town": town,
            "every_town": every_town,
            # A town's row opens on its communes: the same query with its id.
            "town_link": every_town + "&town=",
            "small_cell": selectors.stats.SMALL_CELL,
        },
    )


@login_required
@require_safe
@reads_from_replica
def text_answers(request, pk, question_pk):
    survey = _survey(request, pk)
    question = get_object_or_404(
        Question.objects.filter(version__survey=survey), pk=question_pk
    )
    query = request.GET.get("q", "").strip()[:200]
    answers = selectors.text_answers(survey, question, query=query)
    page = Paginator(answers, TEXT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results_text.html",
        {"survey": survey, "question": question, "page": page, "query": query},
    )


@login_required
@reads_from_replica
def bank_trend(request, bank_pk):
    require_manager(request.user)
    bank = get_object_or_404(BankQuestion.objects.visible_to(request.user), pk=bank_pk)
    trend = crosstab_selectors.bank_trend(request.user, bank)
    return render(
        request,
        "surveys/results_trend.html",
        {"bank": bank, "trend": trend, "small_cell": selectors.stats.SMALL_CELL},
    )
