"""The interviewer's pages: their interviews of a survey, and the form of one
respondent (drafts saved as they type, one response per client id)."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dluan.outbox import answer as outbox_answer
from dluan.outbox import content_digest, is_outbox, posted_client_id
from surveys.answers import clean_answers
from surveys.forms.respondent import RespondentForm
from surveys.models import Response
from surveys.selectors import collect as selectors
from surveys.services.collect import Refused, Respondent, check_open, response_save

STARTED_SALT = "surveys.interview-started"
# A form left open longer than this starts its clock when it is first saved.
STARTED_MAX_AGE = 24 * 3600
# The phone's own clock for a form opened offline, believed this far back.
STARTED_CLIENT_MAX_AGE = datetime.timedelta(days=7)
ACTIONS = ("draft", "submit")


@login_required
def interview_list(request, pk):
    interviewer = selectors.interviewer_for(request.user, pk)
    survey = interviewer.survey
    try:
        check_open(survey)
        closed_message = ""
    except Refused as refused:
        closed_message = refused.messages[0]
    assignments = list(selectors.my_assignments(interviewer.collaborator, survey))
    return render(
        request,
        "surveys/collect_list.html",
        {
            "survey": survey,
            "closed_message": closed_message,
            "assignments": assignments,
            "target": sum(a.target for a in assignments),
            "done": sum(a.done for a in assignments),
            "drafts": list(selectors.my_drafts(request.user, survey)),
            "submitted": list(selectors.my_submitted(request.user, survey)),
        },
    )


@login_required
@require_GET
def interview_new(request, pk):
    interviewer = selectors.interviewer_for(request.user, pk)
    if interviewer.survey.status != interviewer.survey.Status.OPEN:
        raise Http404
    return redirect(
        "surveys:interview-form", pk=interviewer.survey.pk, client_id=uuid.uuid4()
    )


def _started_token(client_id) -> str:
    return signing.dumps(
        {"c": str(client_id), "t": timezone.now().isoformat()}, salt=STARTED_SALT
    )


def _started_at(token: str, client_id) -> datetime.datetime | None:
    """When the form was first shown, from the signed value put in it then."""
    try:
        value = signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
        if value["c"] != str(client_id):
            return None
        return datetime.datetime.fromisoformat(value["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _posted_answers(questions, data) -> dict:
    """What was posted, as ``Response.answers`` keeps it but unchecked: the form
    shown again keeps every answer, the wrong ones included, to be corrected."""
    answers = {}
    for question in questions:
        name = question.name
        if question.kind == "section":
            continue
        if question.kind == "grid":
            rows = {
                row["name"]: data.get(f"q-{name}-{row['name']}", "")
                for row in question.rows
            }
            answers[name] = {k: v for k, v in rows.items() if v}
        elif question.kind == "multiple":
            answers[name] = data.getlist(f"q-{name}")
        else:
            answers[name] = data.get(f"q-{name}", "")
        other = data.get(f"q-{name}-other", "")
        if other:
            answers[f"{name}__other"] = other
    return answers


def _respondent(form, *, complete: bool) -> Respondent | None:
    """The quota variables of a valid form; of a draft, whichever are valid."""
    if form.is_valid():
        return form.respondent()
    if complete:
        return None
    data = form.cleaned_data
    return Respondent(
        commune=data.get("commune"),
        sex=data.get("sex", ""),
        age_group=data.get("age_group", ""),
        occupation=data.get("occupation", ""),
    )


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def interview_form(request, pk, client_id):
    interviewer = selectors.interviewer_for(request.user, pk)
    return _interview(
        request,
        interviewer,
        client_id,
        action_url=reverse("surveys:interview-form", args=[pk, client_id]),
    )


@login_required
def interview_offline(request, pk):
    """The form of a new respondent with no id in it, for the phone to keep.

    The phone's script gives each opening its own ``client_id`` and the time it
    was opened (``started_client``); the post then does what the form's does.
    """
    interviewer = selectors.interviewer_for(request.user, pk)
    action_url = reverse("surveys:interview-offline", args=[pk])
    if request.method != "POST":
        if interviewer.survey.status != interviewer.survey.Status.OPEN:
            raise Http404
        return _interview(request, interviewer, None, action_url=action_url)
    client_id = posted_client_id(request)
    if client_id is None:
        if is_outbox(request):
            return outbox_answer(
                "refused",
                code=422,
                message=_("The form was not understood."),
                errors={"client_id": [_("The form was not understood.")]},
            )
        return HttpResponseBadRequest(_("The form was not understood."))
    return _interview(request, interviewer, client_id, action_url=action_url)


def _interview(request, interviewer, client_id, *, action_url):
    """The interviewer's form of ``client_id`` (None: a new one, shown only)."""
    survey = interviewer.survey
    outbox = request.method == "POST" and is_outbox(request)
    response = None
    if client_id is not None:
        response = (
            Response.objects.visible_to(request.user)
            .filter(survey=survey, client_id=client_id)
            .select_related("version")
            .first()
        )
    if response is None:
        # Another account's client id names nothing of this interviewer's.
        if (
            client_id is not None
            and Response.objects.filter(survey=survey, client_id=client_id).exists()
        ):
            raise Http404
        if survey.status != survey.Status.OPEN and not outbox:
            raise Http404
    elif response.state == Response.State.SUBMITTED:
        # A retry of a submission (or a late autosave): it is in already, once.
        if request.method == "POST":
            if outbox:
                return _sent_before(survey, response, content_digest(request))
            if _is_fetch(request):
                return JsonResponse({"saved": True, "submitted": True})
            messages.success(request, _("The questionnaire was submitted."))
        return redirect("surveys:interview-list", pk=survey.pk)
    version = response.version if response else survey.current_version
    if version is None:
        raise Http404
    questions = list(version.ordered_questions())
    communes = interviewer.communes
    context = {
        "survey": survey,
        "response": response,
        "client_id": client_id or "",
        "action_url": action_url,
        "offline": client_id is None or "started_client" in request.POST,
        "started_client": request.POST.get("started_client", ""),
        "questions": questions,
        "errors": {},
        "closed_message": "",
    }
    if request.method != "POST":
        try:
            check_open(survey)
        except Refused as refused:
            context["closed_message"] = refused.messages[0]
        initial = {}
        if response is not None:
            initial = {
                "commune": response.commune_id,
                "sex": response.sex,
                "age_group": response.age_group,
                "occupation": response.occupation,
            }
        context.update(
            respondent_form=RespondentForm(
                survey=survey, communes=communes, initial=initial
            ),
            answers=response.answers if response else {},
            started=_started_token(client_id) if client_id else "",
        )
        return render(request, "surveys/collect_form.html", context)

    action = request.POST.get("action")
    if action not in ACTIONS:
        if outbox:
            return _refused(_("The form was not understood."), {})
        return HttpResponseBadRequest(_("The form was not understood."))
    submit = action == "submit"
    form = RespondentForm(request.POST, survey=survey, communes=communes)
    respondent = _respondent(form, complete=submit)
    context.update(
        respondent_form=form,
        answers=_posted_answers(questions, request.POST),
        started=request.POST.get("started", ""),
    )
    saved = None
    try:
        if respondent is not None:
            saved = response_save(
                survey=survey,
                client_id=client_id,
                mode=Response.Mode.FACE_TO_FACE,
                data=request.POST,
                respondent=respondent,
                submit=submit,
                started_at=_started_at(request.POST.get("started", ""), client_id)
                or _started_client(request.POST.get("started_client", "")),
                entered_by=request.user,
                collaborator=interviewer.collaborator,
                digest=content_digest(request),
            )
    except Refused as refused:
        message = refused.messages[0]
        if outbox:
            return _refused(message, {"__all__": [message]})
        if _is_fetch(request):
            return JsonResponse({"saved": False, "message": message}, status=409)
        context["closed_message"] = message
        return render(request, "surveys/collect_form.html", context, status=409)

    if saved is not None and saved.ok and outbox:
        return _saved_answer(survey, saved)
    if saved is not None and saved.ok:
        if submit and saved.response.state == Response.State.SUBMITTED:
            if _is_fetch(request):
                return JsonResponse({"saved": True, "submitted": True})
            messages.success(request, _("The questionnaire was submitted."))
            return redirect("surveys:interview-list", pk=survey.pk)
        at = timezone.localtime(saved.response.updated_at).strftime("%H:%M")
        if _is_fetch(request):
            return JsonResponse(
                {
                    "saved": True,
                    "at": at,
                    "message": _("Draft saved at %(time)s") % {"time": at},
                }
            )
        messages.success(request, _("Draft saved at %(time)s") % {"time": at})
        return redirect("surveys:interview-form", pk=survey.pk, client_id=client_id)

    # Something to correct: the respondent block, the answers, or both.
    errors = dict(saved.cleaned.errors) if saved is not None else {}
    if saved is None:
        # The respondent block is incomplete: say what the answers lack too.
        errors = clean_answers(questions, request.POST, partial=not submit).errors
    context["errors"] = errors
    if outbox:
        problems = {f"q-{k}": [v] for k, v in errors.items()}
        problems.update({k: list(v) for k, v in form.errors.items()})
        first = next(iter(problems.values()), [""])
        return _refused(
            " ".join(first) or _("Not saved: check the answers marked in red."),
            problems,
        )
    if _is_fetch(request):
        problems = {f"q-{k}": v for k, v in errors.items()}
        problems.update({k: " ".join(v) for k, v in form.errors.items()})
        return JsonResponse(
            {
                "saved": False,
                "message": _("Not saved: check the answers marked in red."),
                "errors": problems,
            },
            status=400,
        )
    return render(request, "surveys/collect_form.html", context, status=400)


# --- The phone's outbox: JSON answers to its sends (dluan/outbox.py) -------------


def _started_client(value: str) -> datetime.datetime | None:
    """When the phone opened the form (ISO time): not in the future, at most
    STARTED_CLIENT_MAX_AGE back; else unknown (its first save starts the clock)."""
    try:
        started = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_naive(started):
        started = timezone.make_aware(started)
    now = timezone.now()
    if started > now or now - started > STARTED_CLIENT_MAX_AGE:
        return None
    return started


def _list_url(survey) -> str:
    return reverse("surveys:interview-list", args=[survey.pk])


def _refused(message: str, errors: dict):
    return outbox_answer("refused", code=422, message=message, errors=errors)


def _sent_before(survey, response, digest: str):
    """A send of a submitted response's client id: the same item, or changed."""
    if response.content_digest == digest:
        return outbox_answer(
            "duplicate",
            code=200,
            url=_list_url(survey),
            message=_("This questionnaire had reached the board already."),
        )
    return outbox_answer(
        "changed",
        code=409,
        url=_list_url(survey),
        message=_(
            "This questionnaire was submitted already with other answers. The "
            "board keeps what it received first; nothing of this copy was saved."
        ),
    )


def _saved_answer(survey, saved):
    response = saved.response
    if saved.changed:
        return _sent_before(survey, response, digest="")
    if saved.repeated:
        return _sent_before(survey, response, response.content_digest)
    if response.state == Response.State.SUBMITTED:
        message = _("The questionnaire was submitted.")
    else:
        at = timezone.localtime(response.updated_at).strftime("%H:%M")
        message = _("Draft saved at %(time)s") % {"time": at}
    return outbox_answer("created", code=201, url=_list_url(survey), message=message)
