"""The question bank: the board's usual questions, copied into surveys and marked
so the same question can be compared across surveys and years. Staff only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dluan.access import add_errors, posted_int, require_staff
from dluan.search import fold
from surveys.forms.bank import BankCopyForm, BankQuestionForm
from surveys.models import BankQuestion, Question, Survey
from surveys.services import design as services

MAX_QUERY = 200


def _bank(user):
    require_staff(user)
    if user.org_unit_id is None and not user.is_superuser:
        raise Http404
    return BankQuestion.objects.visible_to(user).select_related("unit")


def _searched(bank, query: str):
    """Bank questions whose code or label holds every word of ``query``, whatever
    the case and diacritics.

    A board's bank holds tens or hundreds of questions: their codes and labels
    are folded here rather than kept folded in a column.
    """
    words = fold(query).split()[:10]
    if not words:
        return bank
    matching = [
        pk
        for pk, code, label in bank.values_list("pk", "code", "label")
        if all(word in fold(f"{code} {label}") for word in words)
    ]
    return bank.filter(pk__in=matching)


@login_required
def bank_list(request):
    bank = _bank(request.user)
    query = request.GET.get("q", "")[:MAX_QUERY]
    queryset = (
        _searched(bank, query)
        .annotate(survey_count=Count("uses__version__survey", distinct=True))
        .order_by("code", "pk")
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "surveys/bank_list.html", {"page": page, "query": query})


def _question_for_bank(request) -> Question | None:
    """The survey question named by ``?from=``, if the user sees its survey."""
    raw = request.GET.get("from", "")
    if not raw:
        return None
    pk = posted_int(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(
        Question.objects.filter(
            version__survey__in=Survey.objects.visible_to(request.user)
        ).select_related("version"),
        pk=pk,
    )


@login_required
def bank_create(request):
    _bank(request.user)
    if request.user.org_unit_id is None:
        # A bank question belongs to the unit of whoever writes it.
        raise Http404
    source = _question_for_bank(request)
    if source is not None:
        # Saving a survey's question to the bank: a POST from the questionnaire.
        if request.method != "POST":
            raise Http404
        try:
            bank_question = services.bank_question_from(
                user=request.user, question=source
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("surveys:questionnaire", pk=source.version.survey_id)
        messages.success(
            request,
            _("Question %(name)s is saved to the bank as “%(code)s”.")
            % {"name": source.name, "code": bank_question.code},
        )
        return redirect("surveys:bank-detail", bank_pk=bank_question.pk)
    form = BankQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_question = services.bank_question_create(
                user=request.user, spec=form.spec()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The question is added to the bank."))
            return redirect("surveys:bank-detail", bank_pk=bank_question.pk)
    return render(request, "surveys/bank_form.html", {"form": form})


@login_required
def bank_detail(request, bank_pk):
    bank_question = get_object_or_404(_bank(request.user), pk=bank_pk)
    surveys = (
        Survey.objects.visible_to(request.user)
        .filter(versions__questions__bank_question=bank_question)
        .select_related("unit")
        .distinct()
        .order_by("-starts_on", "-pk")
    )
    return render(
        request,
        "surveys/bank_detail.html",
        {"bank_question": bank_question, "surveys": surveys},
    )


@login_required
def bank_copy(request, pk):
    bank = _bank(request.user)
    survey = get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )
    if survey.status == Survey.Status.ARCHIVED:
        raise Http404
    query = request.GET.get("q", "")[:MAX_QUERY]
    shown = _searched(bank, query)
    form = BankCopyForm(request.POST if request.method == "POST" else None, bank=bank)
    if request.method == "POST" and form.is_valid():
        chosen = sorted(form.cleaned_data["questions"], key=lambda q: q.code)
        try:
            copies = services.bank_copy(
                survey=survey, user=request.user, bank_questions=chosen
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s questions copied from the bank: %(names)s.")
                % {
                    "count": len(copies),
                    "names": ", ".join(question.name for question in copies),
                },
            )
            return redirect("surveys:questionnaire", pk=survey.pk)
    return render(
        request,
        "surveys/bank_copy.html",
        {
            "survey": survey,
            "form": form,
            "shown": shown.order_by("code")[:200],
            "query": query,
            "answered": survey.current_version_id is not None
            and survey.responses.filter(version_id=survey.current_version_id).exists(),
        },
    )
