"""The pages a respondent opens without signing in: the survey's public link and
a personal one-time link.

Nothing here asks for or keeps a name, phone, address or IP address. Every
refusal (closed, over the cap, answered already from this browser, a flood from
one address, a bot, a stale or replayed form) counts nothing.
"""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dluan.models import OrgUnit
from dluan.pdf import issuer_lines
from dluan.widgets import QuickSelect
from surveys import public
from surveys.answers import clean_answers
from surveys.forms.respondent import Listed, RespondentForm, commune_choices
from surveys.models import PersonalLink, Response, Survey
from surveys.services.collect import Refused, response_save


def _survey_context(survey: Survey) -> dict:
    return {"survey": survey, "issuer": issuer_lines(survey.unit)}


def _message(request, survey, *, heading, text, status, reopen=None):
    context = {
        **_survey_context(survey),
        "heading": heading,
        "text": text,
        "reopen": reopen,
    }
    response = render(request, "surveys/public_message.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(public.rate_window())
    return response


def _not_open(request, survey: Survey, *, online: bool):
    """The page for a survey that takes no answer now; None when it does."""
    state = public.survey_state(survey, online=online)
    if state == "closed":
        return _message(
            request,
            survey,
            heading=_("This survey has ended"),
            text=_("Thank you for your interest. This survey no longer takes answers."),
            status=410,
        )
    if state == "not_started":
        return _message(
            request,
            survey,
            heading=_("This survey has not started yet"),
            text=_("It takes answers from %(start)s to %(end)s.")
            % {
                "start": survey.starts_on.strftime("%d/%m/%Y"),
                "end": survey.ends_on.strftime("%d/%m/%Y"),
            },
            status=200,
        )
    if survey.current_version_id is None:
        raise Http404
    if state == "full":
        return _full(request, survey)
    return None


def _full(request, survey):
    return _message(
        request,
        survey,
        heading=_("This survey has ended"),
        text=_("This survey has received all the answers it asked for. Thank you."),
        status=410,
    )


def _respondent_form(survey, data=None, **kwargs) -> RespondentForm:
    form = RespondentForm(data, survey=survey, **kwargs)
    field = form.fields["commune"]
    # Asked of the respondents themselves, not of an interviewer.
    field.label = _("Commune / ward where you live")
    field.widget = QuickSelect(
        choices=Listed([("", field.empty_label), *commune_choices(field.queryset)])
    )
    return form


def _form_page(
    request,
    survey,
    *,
    form,
    token,
    action,
    answers=None,
    errors=None,
    status=200,
    link=None,
):
    questions = list(survey.current_version.ordered_questions())
    context = {
        **_survey_context(survey),
        "form": form,
        "questions": questions,
        "answers": answers or {},
        "errors": errors or {},
        "form_error": (errors or {}).get(""),
        "question_errors": any(name for name in errors or {}),
        "token": token,
        "action": action,
        "link": link,
        "honeypot": public.HONEYPOT,
        "token_field": public.TOKEN_FIELD,
    }
    return render(request, "surveys/public_form.html", context, status=status)


def _submit(request, survey, *, scope, action, communes=None, link=None):
    """Check and save one posted response; the page to answer with."""
    form = _respondent_form(survey, request.POST, communes=communes)
    if public.honeypot_filled(request):
        return _message(
            request,
            survey,
            heading=_("The answers were not sent"),
            text=_("This form was filled in by a program, not a person."),
            status=400,
            reopen=action,
        )
    posted = request.POST.get(public.TOKEN_FIELD, "")
    try:
        token = public.token_read(posted, scope=scope)
    except public.TokenRefused as refused:
        if refused.code != "fast":
            return _message(
                request,
                survey,
                heading=_("The answers were not sent"),
                text=refused.message,
                status=400,
                reopen=action,
            )
        # A person this quick is rare: let them look again and resend.
        form.is_valid()
        return _form_page(
            request,
            survey,
            form=form,
            token=posted,
            action=action,
            answers=clean_answers(
                survey.current_version.ordered_questions(),
                request.POST,
                partial=True,
            ).answers,
            errors={"": refused.message},
            status=400,
            link=link,
        )
    if not form.is_valid():
        cleaned = clean_answers(
            survey.current_version.ordered_questions(), request.POST
        )
        return _form_page(
            request,
            survey,
            form=form,
            token=token.value,
            action=action,
            answers=cleaned.answers,
            errors=cleaned.errors,
            link=link,
        )
    if not public.token_lock(token.client_id):
        return _message(
            request,
            survey,
            heading=_("The answers are being sent"),
            text=_("This form is being sent already. Wait a moment, then reload."),
            status=409,
        )
    try:
        saved = response_save(
            survey=survey,
            client_id=token.client_id,
            mode=Response.Mode.PERSONAL if link else Response.Mode.ONLINE,
            data=request.POST,
            respondent=form.respondent(),
            submit=True,
            started_at=datetime.datetime.fromtimestamp(token.made, tz=datetime.UTC),
            personal_link=link,
        )
    except Refused as refused:
        if refused.code == "used":
            return _used(request, survey)
        if refused.code == "cap":
            return _full(request, survey)
        return _message(
            request,
            survey,
            heading=_("This survey has ended"),
            text=" ".join(refused.messages),
            status=410,
        )
    finally:
        public.token_unlock(token.client_id)
    if not saved.ok:
        return _form_page(
            request,
            survey,
            form=form,
            token=token.value,
            action=action,
            answers=saved.cleaned.answers,
            errors=saved.cleaned.errors,
            link=link,
        )
    thanks = redirect("answer:thanks", key=survey.public_key)
    if link is None:
        public.mark_answered(thanks, survey, path=action)
    return thanks


def _used(request, survey):
    return _message(
        request,
        survey,
        heading=_("This form has been answered"),
        text=_("Each personal link takes one answer. Thank you for taking part."),
        status=410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def online(request, key):
    survey = get_object_or_404(
        Survey.objects.select_related("unit", "current_version"), public_key=key
    )
    if survey.status == Survey.Status.DRAFT or not survey.collects_online:
        raise Http404
    closed = _not_open(request, survey, online=True)
    if closed is not None:
        return closed
    scope = f"s{survey.pk}"
    action = reverse("answer:online", kwargs={"key": survey.public_key})
    if request.method == "POST" and not public.rate_take(request, scope=scope):
        return _message(
            request,
            survey,
            heading=_("Too many answers from this connection"),
            text=_(
                "Many answers have come from this network in a short time. "
                "Please try again in a few minutes."
            ),
            status=429,
        )
    if public.has_answered(request, survey):
        return _message(
            request,
            survey,
            heading=_("You have answered"),
            text=_(
                "Your answers to this survey have been received from this browser. "
                "Thank you for taking part."
            ),
            status=403 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        return _submit(request, survey, scope=scope, action=action)
    return _form_page(
        request,
        survey,
        form=_respondent_form(survey),
        token=public.token_make(scope=scope).value,
        action=action,
    )


@never_cache
@require_GET
def thanks(request, key):
    survey = get_object_or_404(Survey.objects.select_related("unit"), public_key=key)
    if survey.status == Survey.Status.DRAFT:
        raise Http404
    return render(request, "surveys/public_thanks.html", _survey_context(survey))


@never_cache
@require_http_methods(["GET", "POST"])
def personal(request, link_token):
    link = get_object_or_404(
        PersonalLink.objects.select_related(
            "survey__unit", "survey__current_version", "commune"
        ),
        token=link_token,
    )
    survey = link.survey
    if survey.status == Survey.Status.DRAFT:
        return _message(
            request,
            survey,
            heading=_("This survey has not started yet"),
            text=_("Please open this link again once the survey has begun."),
            status=200,
        )
    closed = _not_open(request, survey, online=False)
    if closed is not None:
        return closed
    if link.used_at is not None:
        return _used(request, survey)
    action = reverse("answer:personal", kwargs={"link_token": link.token})
    communes = OrgUnit.objects.filter(pk=link.commune_id) if link.commune_id else None
    if request.method == "POST":
        if not public.rate_take(request, scope=f"p{survey.pk}"):
            return _message(
                request,
                survey,
                heading=_("Too many answers from this connection"),
                text=_(
                    "Many answers have come from this network in a short time. "
                    "Please try again in a few minutes."
                ),
                status=429,
            )
        return _submit(
            request,
            survey,
            scope=f"p{link.pk}",
            action=action,
            communes=communes,
            link=link,
        )
    initial = {"commune": link.commune_id} if link.commune_id else None
    return _form_page(
        request,
        survey,
        form=_respondent_form(survey, communes=communes, initial=initial),
        token=public.token_make(scope=f"p{link.pk}").value,
        action=action,
        link=link,
    )
