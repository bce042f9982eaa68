"""Designing a survey: the list, its hub, its settings and status, the questionnaire.

Staff write; leaders read; a collaborator sees the surveys they are assigned to.
Every change of the questionnaire goes through ``editable_version``: once
somebody has answered, it makes a new version and the answers keep theirs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dluan.access import add_errors, require_manager, require_staff
from surveys.forms.design import QuestionForm, SurveyForm
from surveys.models import Question, Response, Survey
from surveys.selectors import design as selectors
from surveys.services import design as services

EXPORT_FORMATS = ("xlsx", "csv", "sav")


def _survey(request, pk) -> Survey:
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _writable(request, pk) -> Survey:
    """A survey the staff may change: not archived."""
    require_staff(request.user)
    survey = _survey(request, pk)
    if survey.status == Survey.Status.ARCHIVED:
        raise Http404
    return survey


@login_required
def survey_list(request):
    status = request.GET.get("status", "")
    if status not in Survey.Status.values:
        status = ""
    queryset = selectors.survey_list(request.user, status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    if not request.user.is_collaborator:
        page.object_list = list(page.object_list)
        selectors.attach_review_counts(page.object_list)
    return render(
        request,
        "surveys/design_list.html",
        {"page": page, "status": status, "statuses": Survey.Status.choices},
    )


@login_required
def survey_create(request):
    require_staff(request.user)
    if request.user.org_unit_id is None:
        raise Http404
    form = SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(user=request.user, settings=form.settings())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("The survey is created as a draft: add its questions.")
            )
            return redirect("surveys:questionnaire", pk=survey.pk)
    return render(request, "surveys/design_form.html", {"form": form})


@login_required
def survey_edit(request, pk):
    survey = _writable(request, pk)
    form = SurveyForm(request.POST or None, user=request.user, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                survey=survey, user=request.user, settings=form.settings()
            )
        except ValidationError as exc:
            survey.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect(survey)
    return render(request, "surveys/design_form.html", {"form": form, "survey": survey})


STATUS_MESSAGES = {
    Survey.Status.OPEN: gettext_lazy("The survey is open: answers are taken."),
    Survey.Status.CLOSED: gettext_lazy(
        "The survey is closed: no more answers are taken."
    ),
    Survey.Status.ARCHIVED: gettext_lazy("The survey is archived."),
}


@login_required
@require_POST
def survey_status(request, pk):
    require_staff(request.user)
    survey = _survey(request, pk)
    status = request.POST.get("status", "")
    try:
        services.survey_status_set(survey=survey, user=request.user, status=status)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, STATUS_MESSAGES[status])
    return redirect(survey)


def _status_actions(survey: Survey) -> list[tuple[str, str, str]]:
    """The status buttons: (status, label, button style)."""
    labels = {
        Survey.Status.OPEN: (
            _("Reopen the survey")
            if survey.status == Survey.Status.CLOSED
            else _("Open the survey")
        ),
        Survey.Status.CLOSED: _("Close the survey"),
        Survey.Status.ARCHIVED: _("Archive the survey"),
    }
    styles = {
        Survey.Status.OPEN: "btn-success",
        Survey.Status.CLOSED: "btn-outline-danger",
        Survey.Status.ARCHIVED: "btn-outline-secondary",
    }
    allowed = services.TRANSITIONS[survey.status]
    return [
        (status, labels[status], styles[status])
        for status in labels
        if status in allowed
    ]


@login_required
def survey_detail(request, pk):
    survey = _survey(request, pk)
    user = request.user
    if user.is_collaborator:
        return render(
            request,
            "surveys/design_detail_collaborator.html",
            {
                "survey": survey,
                "assignments": selectors.collaborator_assignments(survey, user),
            },
        )
    context = {
        "survey": survey,
        "counts": selectors.review_counts(survey),
        "question_count": Question.objects.filter(version_id=survey.current_version_id)
        .exclude(kind=Question.Kind.SECTION)
        .count(),
        "export_formats": EXPORT_FORMATS,
    }
    if user.is_board_staff:
        context["status_actions"] = _status_actions(survey)
    return render(request, "surveys/design_detail.html", context)


# --- The questionnaire ----------------------------------------------------------------


def _next_number(survey: Survey) -> int:
    version = survey.current_version
    return version.number + 1 if version else 1


def _answered(survey: Survey) -> bool:
    """Somebody has answered the current version (a draft counts)."""
    return Response.objects.filter(version_id=survey.current_version_id).exists()


@login_required
def questionnaire(request, pk):
    require_manager(request.user)
    survey = _survey(request, pk)
    version = survey.current_version
    editable = request.user.is_board_staff and survey.status != Survey.Status.ARCHIVED
    return render(
        request,
        "surveys/design_questionnaire.html",
        {
            "survey": survey,
            "version": version,
            "questions": selectors.questions_of(version),
            "answered": _answered(survey),
            "next_number": _next_number(survey),
            "editable": editable,
        },
    )


def _question(survey: Survey, question_pk: int) -> Question:
    """The question of ``survey``'s current version that ``question_pk`` names.

    A page opened before a new version was made names a question of an older
    one: its copy in the current version (the same name) is the one meant.
    """
    question = get_object_or_404(
        Question.objects.filter(version__survey=survey), pk=question_pk
    )
    if question.version_id != survey.current_version_id:
        question = get_object_or_404(
            Question.objects.filter(version_id=survey.current_version_id),
            name=question.name,
        )
    return question


def _question_form(request, survey: Survey, question: Question | None):
    questions = selectors.questions_of(survey.current_version)
    names = [q.name for q in questions]
    at = len(questions) if question is None else names.index(question.name)
    earlier = questions[:at]
    taken = {name for name in names if question is None or name != question.name}
    return QuestionForm(
        request.POST or None, earlier=earlier, taken=taken, question=question
    )


def _question_page(request, survey, form, question=None):
    return render(
        request,
        "surveys/design_question_form.html",
        {
            "survey": survey,
            "form": form,
            "question": question,
            "answered": _answered(survey),
            "next_number": _next_number(survey),
        },
    )


@login_required
def question_create(request, pk):
    survey = _writable(request, pk)
    form = _question_form(request, survey, None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(survey=survey, user=request.user, spec=form.spec())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The question is added."))
            return redirect(reverse("surveys:questionnaire", args=[survey.pk]))
    return _question_page(request, survey, form)


@login_required
def question_edit(request, pk, question_pk):
    survey = _writable(request, pk)
    question = _question(survey, question_pk)
    form = _question_form(request, survey, question)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.question_save(
                survey=survey, user=request.user, spec=form.spec(), name=question.name
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The question is saved."))
            return redirect(
                reverse("surveys:questionnaire", args=[survey.pk])
                + f"#question-{saved.pk}"
            )
    return _question_page(request, survey, form, question)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk, question_pk):
    """GET asks first, with the question in view; POST takes it out."""
    survey = _writable(request, pk)
    question = _question(survey, question_pk)
    if request.method == "GET":
        return render(
            request,
            "surveys/question_confirm_delete.html",
            {
                "survey": survey,
                "question": question,
                "answered": _answered(survey),
            },
        )
    try:
        services.question_delete(survey=survey, user=request.user, name=question.name)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Question %(name)s is deleted.") % {"name": question.name},
        )
    return redirect("surveys:questionnaire", pk=survey.pk)


@login_required
@require_POST
def question_move(request, pk, question_pk):
    survey = _writable(request, pk)
    question = _question(survey, question_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose up or down."))
        return redirect("surveys:questionnaire", pk=survey.pk)
    try:
        services.question_move(
            survey=survey, user=request.user, name=question.name, direction=direction
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("surveys:questionnaire", pk=survey.pk)


@login_required
def questionnaire_preview(request, pk):
    require_manager(request.user)
    survey = _survey(request, pk)
    return render(
        request,
        "surveys/design_preview.html",
        {
            "survey": survey,
            "questions": selectors.questions_of(survey.current_version),
            "answers": {},
            "errors": {},
        },
    )
