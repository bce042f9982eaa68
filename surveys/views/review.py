"""Reviewing a survey's responses, and weighing the approved ones.

Staff review (approve, reject, "has issues") and weigh; leaders read; the
collaborators see none of these pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
from surveys.models import Response, Survey
from surveys.selectors import review as selectors
from surveys.services import review as services
from surveys.services import weighting

PAGE_SIZE = 25
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
    rows = [
        {"response": row, "duration": selectors.duration_text(row)}
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
        "summary": selectors.weights_summary(survey) if survey.weighting else None,
        "method": METHODS.get(survey.weighting, ""),
        "min_cell": weighting.MIN_CELL,
    }
    return render(request, "surveys/review_weights.html", context, status=status)
