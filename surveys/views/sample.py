"""Plan the sample: population margins, the sample-size helper and its quotas, the
quotas' assignment to collaborators, and the quota fill watched live.

Staff write; leaders read; a collaborator sees none of these pages (their own
quota is on their home page and their interview list).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dluan.access import add_errors, posted_int, require_manager, require_staff
from surveys.forms.respondent import survey_communes
from surveys.forms.sample import (
    AssignmentForm,
    PlanForm,
    PopulationForm,
    PopulationUploadForm,
)
from surveys.models import AgeGroup, Assignment, Sex, Survey
from surveys.selectors import quotas
from surveys.selectors import towns as town_folding
from surveys.services import sample as services


def _survey(request, pk) -> Survey:
    require_manager(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _columns() -> list[tuple[str, str, str, str]]:
    """(sex, sex label, age group, age label) of each cell column."""
    return [
        (sex, sex_label, age, age_label)
        for sex, sex_label in Sex.choices
        for age, age_label in AgeGroup.choices
    ]


def _population_page(request, survey, *, form=None, upload_form=None, status=200):
    communes = list(survey_communes(survey))
    cells = quotas.cells_by_key(survey)
    can_edit = request.user.is_board_staff and survey.status != Survey.Status.ARCHIVED
    rows = []
    for commune in communes:
        figures = [
            getattr(cells.get((commune.pk, sex, age)), "population", None)
            for sex, _s, age, _a in _columns()
        ]
        rows.append(
            {
                "commune": commune,
                "figures": figures,
                "total": sum(f or 0 for f in figures),
            }
        )
    context = {
        "survey": survey,
        "rows": rows,
        "columns": _columns(),
        "sexes": Sex.choices,
        "ages": AgeGroup.choices,
        "total": sum(row["total"] for row in rows),
        "can_edit": can_edit,
    }
    if can_edit and _typable(communes):
        context["form"] = form or PopulationForm(
            survey=survey, communes=communes, cells=cells
        )
    if can_edit:
        context["upload_form"] = upload_form or PopulationUploadForm(survey=survey)
    return render(request, "surveys/sample_population.html", context, status=status)


def _typable(communes) -> bool:
    """Whether the figures of every cell fit in one posted form (Django's limit
    on the fields of a request); a province's hundreds of communes are uploaded."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return limit is None or len(communes) * len(Sex) * len(AgeGroup) < limit - 10


@login_required
def population(request, pk):
    survey = _survey(request, pk)
    if request.method == "POST":
        require_staff(request.user)
        communes = list(survey_communes(survey))
        if not _typable(communes):
            raise Http404
        form = PopulationForm(
            request.POST,
            survey=survey,
            communes=communes,
            cells=quotas.cells_by_key(survey),
        )
        if form.is_valid():
            try:
                services.population_save(
                    survey=survey, figures=form.figures(), user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The population figures are saved."))
                return redirect("surveys:population", pk=survey.pk)
        return _population_page(request, survey, form=form)
    return _population_page(request, survey)


@login_required
@require_POST
def population_upload(request, pk):
    survey = _survey(request, pk)
    require_staff(request.user)
    form = PopulationUploadForm(request.POST, request.FILES, survey=survey)
    if form.is_valid():
        try:
            written = services.population_save(
                survey=survey, figures=form.cleaned_data["figures"], user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The workbook is read: %(count)s figures changed.")
                % {"count": written},
            )
            return redirect("surveys:population", pk=survey.pk)
    return _population_page(request, survey, upload_form=form)


def _method(inputs: dict, population: int) -> dict:
    return services.plan_method(
        margin=inputs["margin"],
        confidence=inputs["confidence"],
        proportion=inputs["proportion"],
        response_rate=inputs["response_rate"],
        population=population,
    )


@login_required
def plan(request, pk):
    survey = _survey(request, pk)
    user = request.user
    can_edit = user.is_board_staff and survey.status in (
        Survey.Status.DRAFT,
        Survey.Status.OPEN,
    )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                services.sample_plan(survey=survey, user=user, **form.plan_inputs())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The plan is adopted: %(n)s interviews, quotas set.")
                    % {"n": survey.sample_size},
                )
                return redirect("surveys:plan", pk=survey.pk)
    elif "margin" in request.GET:
        form = PlanForm(request.GET)
    else:
        # Bound to the survey's saved inputs: the page opens on their figures.
        form = PlanForm(PlanForm.initial_of(survey))
    population = quotas.population_total(survey)
    preview = method = None
    if form.is_valid():
        inputs = form.plan_inputs()
        method = _method(inputs, population)
        try:
            computed = services.plan_compute(survey=survey, **inputs)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            names = {c.pk: c for c in survey_communes(survey)}
            preview = [
                (names[commune], quota)
                for commune, quota in computed.by_commune.items()
                if commune in names
            ]
    return render(
        request,
        "surveys/sample_plan.html",
        {
            "survey": survey,
            "form": form,
            "method": method,
            "preview": preview,
            "population": population,
            "can_edit": can_edit,
            "table": quotas.quota_fill(survey),
            "columns": _columns(),
        },
    )


@login_required
def assignments(request, pk):
    survey = _survey(request, pk)
    user = request.user
    require_staff(user)
    form = AssignmentForm(survey=survey, user=user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "auto":
                uncovered = services.assignments_auto(survey=survey, user=user)
                messages.success(request, _("Each commune's quota is shared out."))
                if uncovered:
                    messages.warning(
                        request,
                        _("No active collaborator serves: %(names)s.")
                        % {"names": ", ".join(c.name for c in uncovered)},
                    )
                return redirect("surveys:assignments", pk=survey.pk)
            if action == "remove":
                number = posted_int(request.POST.get("assignment", ""))
                assignment = get_object_or_404(
                    Assignment.objects.filter(survey=survey), pk=number or 0
                )
                if services.assignment_remove(
                    survey=survey, assignment=assignment, user=user
                ):
                    messages.success(request, _("The assignment is removed."))
                else:
                    messages.info(
                        request,
                        _(
                            "This collaborator has answers there: the assignment is "
                            "kept with no interview to make."
                        ),
                    )
                return redirect("surveys:assignments", pk=survey.pk)
            if action != "save":
                raise Http404
            form = AssignmentForm(request.POST, survey=survey, user=user)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.assignment_save(
                        survey=survey,
                        commune=data["commune"],
                        collaborator=data["collaborator"],
                        target=data["target"],
                        user=user,
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, _("The assignment is saved."))
                    return redirect("surveys:assignments", pk=survey.pk)
        except ValidationError as exc:
            _flash(request, exc)
            return redirect("surveys:assignments", pk=survey.pk)
    return render(
        request,
        "surveys/sample_assignments.html",
        {
            "survey": survey,
            "rows": quotas.assignment_table(survey),
            "form": form,
            "can_edit": survey.status in (Survey.Status.DRAFT, Survey.Status.OPEN),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def quota_fill(request, pk):
    survey = _survey(request, pk)
    # A province's survey reads town by town (hundreds of communes are unreadable).
    town = town_folding.chosen_town(survey, request.GET.get("town"))
    by_town = town is None and town_folding.folds(survey)
    context = {
        "survey": survey,
        "table": quotas.quota_fill(survey, town=town, by_town=by_town),
        "town": town,
        "now": timezone.localtime(),
    }
    # The page refreshes its table every 30 s: htmx asks for the table alone.
    if request.headers.get("HX-Request"):
        response = render(request, "surveys/sample_quota_table.html", context)
    else:
        response = render(request, "surveys/sample_quota_fill.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
