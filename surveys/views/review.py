"""Reviewing a survey's responses, and weighing the approved ones.

Staff review (approve, reject, "has issues") and weigh; leaders read; the
collaborators see none of these pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from dluan import audit
from dluan.access import add_errors, require_manager, require_staff
from dluan.paging import LargePaginator
from surveys.forms.review import BulkReviewForm, ResponseFilterForm, ReviewForm
from surveys.forms.weights import WeightCellFilterForm
from surveys.models import AgeGroup, Response, Sex, Survey
from surveys.selectors import review as selectors
from surveys.services import review as services
from surveys.services import weighting

PAGE_SIZE = 25
# The weights page's tables of cells and of communes: a page of each.
CELLS_PAGE_SIZE = 50
METHODS = {
    weighting.POST_STRATIFICATION: gettext_lazy(
        "Post-stratification: each response is weighed by its cell's share of the "
        "population (commune × sex × age group) over its share of the approved "
        "responses."
    ),
    weighting.RAKING: gettext_lazy(
        "Raking (iterative proportional fitting): some cells had too few approved "
        "responses, so the weights were adjusted in turn to the population by "
        "commune, by sex and by age group until all three matched."
    ),
}
FILTER_FIELDS = ("state", "flag", "commune", "interviewer", "mode")


def _survey(request, pk) -> Survey:
    require_manager(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


def _response(request, survey, response_pk) -> Response:
    return get_object_or_404(
        Response.objects.visible_to(request.user)
        .with_related()
        .select_related("version")
        .filter(survey=survey, state=Response.State.SUBMITTED),
        pk=response_pk,
    )


def _list_page(request, survey, *, bulk_form=None, status=200, data=None):
    form = ResponseFilterForm(
        data if data is not None else request.GET or None, survey=survey
    )
    filters = form.filters()
    paginator = LargePaginator(
        selectors.response_queue(request.user, survey, filters),
        PAGE_SIZE,
        rows=selectors.response_rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    # Each choice's label looked up once, not through get_FOO_display per row.
    sexes, ages = dict(Sex.choices), dict(AgeGroup.choices)
    modes, reviews = dict(Response.Mode.choices), dict(Response.Review.choices)
    rows = [
        {
            "response": row,
            "duration": selectors.duration_text(row),
            "sex": sexes.get(row.sex, row.sex),
            "age_group": ages.get(row.age_group, row.age_group),
            "mode": modes.get(row.mode, row.mode),
            "review": reviews.get(row.review, row.review),
        }
        for row in page.object_list
    ]
    context = {
        "survey": survey,
        "form": form,
        "page": page,
        "rows": rows,
        "filters": [
            (name, form[name].value()) for name in FILTER_FIELDS if form[name].value()
        ]
        if form.is_bound
        else [],
        "can_review": request.user.is_board_staff,
        "bulk_form": bulk_form or BulkReviewForm(),
    }
    return render(request, "surveys/review_list.html", context, status=status)


@login_required
def response_list(request, pk):
    survey = _survey(request, pk)
    return _list_page(request, survey)


@login_required
@require_POST
def response_bulk(request, pk):
    require_staff(request.user)
    survey = _survey(request, pk)
    form = BulkReviewForm(request.POST)
    filter_form = ResponseFilterForm(request.POST, survey=survey)
    if form.is_valid() and filter_form.is_valid():
        data = form.cleaned_data
        checked = data["scope"] == BulkReviewForm.SCOPE_CHECKED
        try:
            if checked:
                count = services.responses_review_bulk(
                    survey=survey,
                    user=request.user,
                    review=data["review"],
                    comment=data["comment"],
                    ids=data["ids"],
                )
            else:
                count = services.responses_review_bulk_start(
                    survey=survey,
                    user=request.user,
                    review=data["review"],
                    comment=data["comment"],
                    filters=filter_form.filters(),
                )
        except ValidationError as error:
            add_errors(form, error)
        else:
            label = Response.Review(data["review"]).label
            if count is None:
                messages.info(
                    request,
                    _(
                        "Many responses match: they are being marked “%(review)s” "
                        "in the background. Reload the list in a few minutes."
                    )
                    % {"review": label},
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s response marked “%(review)s”.",
                        "%(count)s responses marked “%(review)s”.",
                        count,
                    )
                    % {"count": count, "review": label},
                )
            query = {
                name: request.POST[name]
                for name in FILTER_FIELDS
                if request.POST.get(name)
            }
            url = reverse("surveys:response-list", args=[survey.pk])
            return redirect(f"{url}?{urlencode(query)}" if query else url)
    elif not filter_form.is_valid():
        form.add_error(None, _("The filters are not valid; choose them again."))
    return _list_page(request, survey, bulk_form=form, status=400, data=request.POST)


def _detail_page(request, survey, response, *, form=None, status=200):
    audit.shown(request, response)
    context = {
        "survey": survey,
        "response": response,
        "answers": selectors.answer_lines(response),
        "flags": selectors.flag_explanations(response),
        "history": selectors.review_history(response),
        "duration": selectors.duration_text(response),
        "can_review": services.can_review(request.user, response),
    }
    if context["can_review"]:
        context["form"] = form or ReviewForm(
            initial={
                "review": response.review
                if response.review != Response.Review.PENDING
                else None,
                "comment": response.review_comment,
            }
        )
    return render(request, "surveys/review_detail.html", context, status=status)


@login_required
def response_detail(request, pk, response_pk):
    survey = _survey(request, pk)
    response = _response(request, survey, response_pk)
    return _detail_page(request, survey, response)


@login_required
@require_POST
def response_review(request, pk, response_pk):
    require_staff(request.user)
    survey = _survey(request, pk)
    response = _response(request, survey, response_pk)
    if not services.can_review(request.user, response):
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.response_review(
                response=response,
                user=request.user,
                review=form.cleaned_data["review"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Response #%(number)s: %(review)s.")
                % {
                    "number": response.pk,
                    "review": Response.Review(form.cleaned_data["review"]).label,
                },
            )
            return redirect(response)
    return _detail_page(request, survey, response, form=form, status=400)


@login_required
def weights(request, pk):
    survey = _survey(request, pk)
    running = weighting.is_running(survey)
    if request.GET.get("status") == "1":
        return JsonResponse({"running": running})
    status = 200
    if request.method == "POST":
        require_staff(request.user)
        problem = weighting.weighting_problem(survey)
        if problem:
            messages.error(request, problem)
            status = 400
        else:
            weighting.survey_weigh_request(survey=survey)
            messages.success(request, _("The weights are being computed."))
            return redirect("surveys:weights", pk=survey.pk)
    survey.refresh_from_db(fields=["weighting", "weighted_at"])
    context = {
        "survey": survey,
        "running": running,
        "summary": None,
        "method": METHODS.get(survey.weighting, ""),
        "min_cell": weighting.MIN_CELL,
        "heavy_weight": selectors.HEAVY_WEIGHT,
    }
    if survey.weighting:
        context.update(_weights_tables(request, selectors.weights_summary(survey)))
    return render(request, "surveys/review_weights.html", context, status=status)


def _query(request, *drop: str) -> str:
    """The page's query string without ``drop``, ready for one more parameter."""
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return f"?{query.urlencode()}&" if query else "?"


def _page_links(request, page, name: str, anchor: str) -> list[tuple[int, str]]:
    """(number, link) of every page: a few hundred links cost one query string."""
    base = _query(request, name)
    return [
        (number, f"{base}{name}={number}#{anchor}")
        for number in page.paginator.page_range
    ]


def _weights_tables(request, summary: dict) -> dict:
    """The summary with its communes' margin and its cells, a page of each: a
    province holds thousands of cells, which no one reads on one page."""
    communes = summary["margins"]["commune"]
    form = WeightCellFilterForm(request.GET or None, communes=summary["communes"])
    cells_page = Paginator(
        selectors.weight_cells(summary, form.filters()), CELLS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    communes_page = Paginator(communes, CELLS_PAGE_SIZE).get_page(
        request.GET.get("communes")
    )
    commune_rows = selectors.margin_rows(summary, communes_page.object_list)
    base = _query(request, "commune", "page")
    for row in commune_rows:
        row["link"] = f"{base}commune={row['code']}#cells"
    margins = summary["margins"]
    return {
        "summary": summary,
        "margin_tables": [
            (
                selectors.margin_rows(summary, margins["sex"]),
                _("By sex"),
                _("Sex"),
                "weight-margin-sex",
            ),
            (
                selectors.margin_rows(summary, margins["age_group"]),
                _("By age group"),
                _("Age group"),
                "weight-margin-age",
            ),
        ],
        "cell_form": form,
        "cell_commune": form.commune_name(),
        "cell_commune_clear": _query(request, "commune", "page") + "#cells",
        "cells_page": cells_page,
        "cell_rows": selectors.cell_rows(summary, cells_page.object_list),
        "cell_pages": _page_links(request, cells_page, "page", "cells"),
        "communes_page": communes_page,
        "commune_rows": commune_rows,
        "commune_pages": _page_links(
            request, communes_page, "communes", "margins-heading"
        ),
    }
