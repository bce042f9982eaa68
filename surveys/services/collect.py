"""Saving a response: one per client id, however often it is sent.

Every collecting page (the interviewer's form, the public link, a personal link)
ends in :func:`response_save`. A draft is saved as the interviewer types; the
submission checks the answers against the questionnaire and its show-if rules,
flags what a reviewer should look at, and writes one row per answer for the
counts.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.search import fold
from surveys.answers import Cleaned, clean_answers, fingerprint
from surveys.models import (
    Answer,
    PersonalLink,
    Question,
    QuestionnaireVersion,
    Response,
    Survey,
)
from surveys.weights import cell_of


class Refused(ValidationError):
    """The survey takes no answer now (closed, over its cap, link used); nothing
    was saved."""


@dataclass
class Respondent:
    """The quota variables, asked before the questions (checked by the form)."""

    commune: object = None  # an OrgUnit of the survey's subtree, or None
    sex: str = ""
    age_group: str = ""
    occupation: str = ""


@dataclass
class Saved:
    response: Response | None
    cleaned: Cleaned = field(default_factory=Cleaned)
    # False when the client id named a response already submitted: nothing new.
    created: bool = True
    # The client id's response was submitted (or saved) with other content than
    # this send's ``digest``: refused, never merged.
    changed: bool = False
    # The same content was sent before under this client id: nothing written.
    repeated: bool = False

    @property
    def ok(self) -> bool:
        return self.response is not None and self.cleaned.ok


def check_open(survey: Survey, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if survey.status != Survey.Status.OPEN:
        raise Refused(_("This survey is not taking answers."), code="closed")
    if not (survey.starts_on <= today <= survey.ends_on):
        raise Refused(
            _("This survey takes answers from %(start)s to %(end)s.")
            % {
                "start": survey.starts_on.strftime("%d/%m/%Y"),
                "end": survey.ends_on.strftime("%d/%m/%Y"),
            },
            code="closed",
        )


def _questions(version: QuestionnaireVersion) -> list[Question]:
    return list(version.ordered_questions())


def _answer_rows(response: Response, questions, answers: dict) -> list[Answer]:
    rows = []
    for question in questions:
        value = answers.get(question.name)
        if value in (None, "", [], {}):
            continue
        choices = {c.value: c for c in question.choices.all()}
        other = answers.get(f"{question.name}__other", "")

        def row(question=question, **kwargs):
            text = kwargs.pop("text", "")
            return Answer(
                response=response,
                question=question,
                text=text,
                search_text=fold(text) if text else "",
                **kwargs,
            )

        if question.kind == "multiple":
            for code in value:
                choice = choices[code]
                rows.append(row(choice=choice, text=other if choice.is_other else ""))
        elif question.kind == "grid":
            for row_name, code in value.items():
                rows.append(row(row=row_name, choice=choices[code]))
        elif question.kind in ("single", "rating"):
            choice = choices[value]
            rows.append(row(choice=choice, text=other if choice.is_other else ""))
        elif question.kind == "number":
            rows.append(row(number=value))
        elif question.kind == "date":
            rows.append(row(date=datetime.date.fromisoformat(value)))
        else:
            rows.append(row(text=value))
    return rows


def _flags(response: Response, questions, answered: int) -> None:
    survey = response.survey
    if response.started_at and response.mode == Response.Mode.FACE_TO_FACE:
        seconds = (response.ended_at - response.started_at).total_seconds()
        response.flag_fast = seconds < survey.min_seconds_per_question * max(
            1, answered
        )
    if response.collaborator_id:
        twins = Response.objects.filter(
            survey=survey,
            collaborator_id=response.collaborator_id,
            fingerprint=response.fingerprint,
            state=Response.State.SUBMITTED,
        ).exclude(pk=response.pk)
        if twins.exists():
            response.flag_duplicate = True
            twins.filter(flag_duplicate=False).update(flag_duplicate=True)
    if response.cell_id:
        cell = response.cell
        if cell.quota:
            taken = (
                Response.objects.filter(
                    survey=survey,
                    commune_id=response.commune_id,
                    sex=response.sex,
                    age_group=response.age_group,
                    state=Response.State.SUBMITTED,
                )
                .exclude(review=Response.Review.REJECTED)
                .exclude(pk=response.pk)
                .count()
            )
            response.over_quota = taken >= cell.quota


def _take_online_place(survey: Survey) -> None:
    """One more answer through the link, unless the cap is reached (one UPDATE)."""
    places = Survey.objects.filter(pk=survey.pk)
    if survey.answer_cap is not None:
        places = places.filter(online_count__lt=survey.answer_cap)
    if not places.update(online_count=F("online_count") + 1):
        raise Refused(
            _("This survey has received all the answers it asked for. Thank you."),
            code="cap",
        )


def response_save(
    *,
    survey: Survey,
    client_id: uuid.UUID,
    mode: str,
    data,
    respondent: Respondent,
    submit: bool,
    started_at: datetime.datetime | None = None,
    entered_by=None,
    collaborator=None,
    personal_link: PersonalLink | None = None,
    digest: str | None = None,
) -> Saved:
    """Save a draft or submit the response of ``client_id``.

    A client id already submitted returns that response untouched (``created``
    False): a double tap or a retry makes one response. A client id of somebody
    else's is refused. Answers that do not pass leave everything as it was and
    come back in ``cleaned.errors``. Raises :class:`Refused` when the survey
    takes no answer (closed, the cap reached, the personal link used).

    ``digest`` (the phone's outbox, see :mod:`dluan.outbox`) is what the send
    says: a submitted response with another one is ``changed``; a draft saved
    with the same one is not saved again unless it is now submitted.
    """
    check_open(survey)
    if survey.current_version is None:
        raise Refused(_("This survey has no questionnaire yet."), code="closed")
    arguments = {
        "survey": survey,
        "client_id": client_id,
        "mode": mode,
        "data": data,
        "respondent": respondent,
        "submit": submit,
        "started_at": started_at,
        "entered_by": entered_by,
        "collaborator": collaborator,
        "personal_link": personal_link,
        "digest": digest,
    }
    try:
        return _save(**arguments)
    except _Raced:
        # The same client id was saved by another request meanwhile (a double
        # tap, the page's autosave): once more, with that response in hand.
        return _save(**arguments)


class _Raced(Exception):
    """Another request created the response of this client id first."""


def _save(
    *,
    survey,
    client_id,
    mode,
    data,
    respondent,
    submit,
    started_at,
    entered_by,
    collaborator,
    personal_link,
    digest,
) -> Saved:
    version = survey.current_version
    with transaction.atomic():
        existing = (
            Response.objects.select_for_update()
            .filter(survey=survey, client_id=client_id)
            .first()
        )
        if existing is not None:
            if existing.entered_by_id != getattr(entered_by, "pk", None):
                raise Refused(
                    _("This form was sent already from another account."),
                    code="taken",
                )
            same = digest is not None and existing.content_digest == digest
            if existing.state == Response.State.SUBMITTED:
                changed = digest is not None and not same
                return Saved(existing, created=False, changed=changed, repeated=same)
            if same and not submit:
                return Saved(existing, created=False, repeated=True)
            version = existing.version
        questions = _questions(version)
        cleaned = clean_answers(questions, data, partial=not submit)
        if not cleaned.ok:
            return Saved(existing, cleaned)
        now = timezone.now()
        response = existing or Response(
            survey=survey,
            version=version,
            client_id=client_id,
            mode=mode,
            entered_by=entered_by,
            collaborator=collaborator,
            personal_link=personal_link,
            started_at=started_at or now,
        )
        response.answers = cleaned.answers
        if digest is not None:
            response.content_digest = digest
        response.commune = respondent.commune
        response.sex = respondent.sex
        response.age_group = respondent.age_group
        response.occupation = respondent.occupation
        response.cell = cell_of(response)
        if submit:
            if mode == Response.Mode.ONLINE:
                _take_online_place(survey)
            if personal_link is not None:
                used = PersonalLink.objects.filter(
                    pk=personal_link.pk, used_at__isnull=True
                ).update(used_at=now)
                if not used:
                    raise Refused(_("This link has been used already."), code="used")
            response.state = Response.State.SUBMITTED
            response.submitted_at = response.ended_at = now
            response.fingerprint = fingerprint(questions, cleaned.answers)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            # The same client id, sent twice at once: the other request saved it.
            twin = Response.objects.filter(survey=survey, client_id=client_id).first()
            if twin is None:
                raise
            # Undo what this attempt did (the online place taken, the link
            # spent) and go again: the twin is ``existing`` then, and is
            # submitted, returned as it is, or refused as another's.
            raise _Raced from None
        if submit:
            answered = sum(1 for q in questions if q.name in cleaned.answers)
            _flags(response, questions, answered)
            response.save(update_fields=["flag_fast", "flag_duplicate", "over_quota"])
            Answer.objects.bulk_create(
                _answer_rows(response, questions, cleaned.answers)
            )
    return Saved(response, cleaned, created=existing is None or submit)


def drafts_of(user, survey: Survey):
    """The interviewer's drafts of a survey, newest first."""
    return Response.objects.filter(
        Q(entered_by=user), survey=survey, state=Response.State.DRAFT
    ).order_by("-updated_at")
