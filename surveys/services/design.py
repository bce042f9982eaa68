"""Surveys and their questionnaires: a version changes only while no answer exists."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dluan.models import OrgUnit
from surveys import rules
from surveys.models import (
    BankQuestion,
    Choice,
    Question,
    QuestionnaireVersion,
    Response,
    Survey,
)
from surveys.models.design import QuestionFields


def _copy_version(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new version of the survey's questionnaire, the same questions and choices."""
    copy = QuestionnaireVersion.objects.create(
        survey=version.survey, number=version.number + 1
    )
    for question in version.ordered_questions():
        choices = list(question.choices.all())
        question.pk = None
        question.version = copy
        question._state.adding = True
        question.save()
        Choice.objects.bulk_create(
            Choice(
                question=question,
                order=c.order,
                value=c.value,
                label=c.label,
                is_other=c.is_other,
            )
            for c in choices
        )
    return copy


def editable_version(*, survey: Survey) -> QuestionnaireVersion:
    """The version a change of the questionnaire goes into.

    The current one while nobody has answered it (drafts included); once someone
    has, a copy becomes the current version, and the answers keep the questions
    they saw.
    """
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        version = survey.current_version
        if version is None:
            version = QuestionnaireVersion.objects.create(survey=survey, number=1)
        elif Response.objects.filter(version=version).exists():
            version = _copy_version(version)
        else:
            return version
        survey.current_version = version
        survey.save(update_fields=["current_version", "updated_at"])
        return version


# --- Surveys --------------------------------------------------------------------------

# The statuses a survey may go to from each status.
TRANSITIONS = {
    Survey.Status.DRAFT: {Survey.Status.OPEN},
    Survey.Status.OPEN: {Survey.Status.CLOSED},
    Survey.Status.CLOSED: {Survey.Status.OPEN, Survey.Status.ARCHIVED},
    Survey.Status.ARCHIVED: set(),
}


@dataclass
class SurveySettings:
    """What the staff set of a survey (the unit is checked by the form)."""

    title: str
    purpose: str
    unit: OrgUnit
    mode: str
    starts_on: datetime.date
    ends_on: datetime.date
    answer_cap: int | None = None
    min_seconds_per_question: int = 4


def _apply(survey: Survey, settings: SurveySettings) -> None:
    for name, value in vars(settings).items():
        setattr(survey, name, value)
    if survey.ends_on < survey.starts_on:
        raise ValidationError(
            {"ends_on": _("The survey ends before it starts.")}, code="dates"
        )


def survey_create(*, user, settings: SurveySettings) -> Survey:
    """A new draft survey with an empty questionnaire (version 1)."""
    with transaction.atomic():
        survey = Survey(created_by=user)
        _apply(survey, settings)
        survey.save()
        survey.current_version = QuestionnaireVersion.objects.create(
            survey=survey, number=1
        )
        survey.save(update_fields=["current_version"])
    return survey


def survey_update(*, survey: Survey, user, settings: SurveySettings) -> Survey:
    with transaction.atomic():
        _apply(survey, settings)
        survey.save()
    return survey


def survey_status_set(*, survey: Survey, user, status: str) -> Survey:
    """Open, close, reopen or archive ``survey``; a survey opens with a question."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if status not in TRANSITIONS.get(survey.status, set()):
            raise ValidationError(
                _("A survey that is “%(now)s” cannot be set to “%(then)s”.")
                % {
                    "now": survey.get_status_display(),
                    "then": Survey.Status(status).label
                    if status in Survey.Status.values
                    else status,
                },
                code="transition",
            )
        if status == Survey.Status.OPEN and not (
            Question.objects.filter(version_id=survey.current_version_id)
            .exclude(kind=Question.Kind.SECTION)
            .exists()
        ):
            raise ValidationError(
                _("The questionnaire has no question yet: add one before opening."),
                code="empty",
            )
        survey.status = status
        survey.save(update_fields=["status", "updated_at"])
    return survey


# --- Questions ------------------------------------------------------------------------


@dataclass
class QuestionSpec:
    """A question as the form gives it: choices [{value, label, is_other}],
    rows [{name, label}], the show-if rule (see surveys.rules)."""

    kind: str
    name: str
    label: str
    hint: str = ""
    required: bool = False
    choices: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    minimum: int | None = None
    maximum: int | None = None
    show_if: dict = field(default_factory=dict)


def _referrers(version: QuestionnaireVersion, name: str) -> list[str]:
    """The questions whose show-if rule looks at ``name``."""
    return [
        question.name
        for question in version.questions.order_by("order", "pk")
        if question.name != name and name in rules.referenced(question.show_if or {})
    ]


def _check_rules(version: QuestionnaireVersion) -> None:
    """Every show-if rule of ``version`` looks only at earlier questions, soundly."""
    earlier = {}
    for question in version.questions.order_by("order", "pk"):
        problems = rules.check(question.show_if or {}, earlier=earlier)
        if problems:
            raise ValidationError(
                [
                    _("Question %(name)s: %(problem)s")
                    % {"name": question.name, "problem": problem}
                    for problem in problems
                ],
                code="rule",
            )
        if question.kind != Question.Kind.SECTION:
            earlier[question.name] = question


def _write_choices(question: Question, choices: list) -> None:
    question.choices.all().delete()
    if not question.has_choices:
        return
    Choice.objects.bulk_create(
        Choice(
            question=question,
            order=order,
            value=choice["value"],
            label=choice["label"],
            is_other=bool(choice.get("is_other")),
        )
        for order, choice in enumerate(choices)
    )


def _fill(question: Question, spec: QuestionSpec) -> None:
    question.kind = spec.kind
    question.name = spec.name
    question.label = spec.label
    question.hint = spec.hint
    question.required = spec.required and spec.kind != Question.Kind.SECTION
    question.rows = list(spec.rows) if spec.kind == Question.Kind.GRID else []
    is_number = spec.kind == Question.Kind.NUMBER
    question.minimum = spec.minimum if is_number else None
    question.maximum = spec.maximum if is_number else None
    question.show_if = spec.show_if or {}


def question_save(
    *, survey: Survey, user, spec: QuestionSpec, name: str | None = None
) -> Question:
    """Add a question (``name`` None) or change the one called ``name``.

    The change goes into :func:`editable_version`: a copy of the questionnaire
    once somebody has answered it, where the question is found by its name.
    """
    with transaction.atomic():
        version = editable_version(survey=survey)
        taken = version.questions.filter(name=spec.name)
        if name is None:
            question = Question(version=version, order=_next_order(version))
        else:
            question = version.questions.filter(name=name).first()
            if question is None:
                raise ValidationError(
                    _("This question is no longer in the questionnaire."),
                    code="gone",
                )
            taken = taken.exclude(pk=question.pk)
            if spec.name != name and _referrers(version, name):
                raise ValidationError(
                    {
                        "name": _(
                            "Questions %(names)s show or hide on this one: change "
                            "their conditions before renaming it."
                        )
                        % {"names": ", ".join(_referrers(version, name))}
                    },
                    code="referenced",
                )
        if taken.exists():
            raise ValidationError(
                {
                    "name": _("Another question of this survey is called “%(name)s”.")
                    % {"name": spec.name}
                },
                code="taken",
            )
        _fill(question, spec)
        question.save()
        _write_choices(question, spec.choices)
        _check_rules(version)
    return question


def _next_order(version: QuestionnaireVersion) -> int:
    last = version.questions.order_by("-order").values_list("order", flat=True)
    top = last.first()
    return 0 if top is None else top + 1


def question_delete(*, survey: Survey, user, name: str) -> None:
    """Take the question called ``name`` out of the questionnaire."""
    with transaction.atomic():
        version = editable_version(survey=survey)
        referrers = _referrers(version, name)
        if referrers:
            raise ValidationError(
                _(
                    "Questions %(names)s show or hide on this one: change their "
                    "conditions before deleting it."
                )
                % {"names": ", ".join(referrers)},
                code="referenced",
            )
        version.questions.filter(name=name).delete()


def question_move(*, survey: Survey, user, name: str, direction: str) -> None:
    """Move the question called ``name`` one place up or down."""
    with transaction.atomic():
        version = editable_version(survey=survey)
        questions = list(version.questions.order_by("order", "pk"))
        names = [question.name for question in questions]
        if name not in names:
            raise ValidationError(
                _("This question is no longer in the questionnaire."), code="gone"
            )
        at = names.index(name)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(questions):
            questions[at], questions[to] = questions[to], questions[at]
        for order, question in enumerate(questions):
            question.order = order
        Question.objects.bulk_update(questions, ["order"])
        _check_rules(version)


# --- The question bank ----------------------------------------------------------------


def _free(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``… whichever is not taken (≤ 64 chars)."""
    base = base[:64]
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"_{number}"
        name = base[: 64 - len(suffix)] + suffix
        if name not in taken:
            return name
        number += 1


def bank_question_create(*, user, spec: QuestionSpec) -> BankQuestion:
    """A question of the bank of ``user``'s unit (``spec.name`` is its code)."""
    unit = user.org_unit
    with transaction.atomic():
        if BankQuestion.objects.filter(unit=unit, code=spec.name).exists():
            raise ValidationError(
                {
                    "name": _("The bank of %(unit)s has a question “%(code)s”.")
                    % {"unit": unit, "code": spec.name}
                },
                code="taken",
            )
        has_choices = spec.kind in QuestionFields.CHOICE_KINDS
        return BankQuestion.objects.create(
            unit=unit,
            code=spec.name,
            kind=spec.kind,
            label=spec.label,
            hint=spec.hint,
            choices=[
                {
                    "value": c["value"],
                    "label": c["label"],
                    "is_other": bool(c.get("is_other")),
                }
                for c in spec.choices
            ]
            if has_choices
            else [],
            rows=list(spec.rows) if spec.kind == Question.Kind.GRID else [],
            created_by=user,
        )


def bank_question_from(*, user, question: Question) -> BankQuestion:
    """Save a survey's question to the bank, and mark it (in every version of
    its survey) as that bank question."""
    if question.bank_question_id is not None:
        raise ValidationError(
            _("This question came from the bank already."), code="banked"
        )
    if question.kind == Question.Kind.SECTION:
        raise ValidationError(
            _("A section heading cannot go to the bank."), code="section"
        )
    with transaction.atomic():
        taken = set(
            BankQuestion.objects.filter(unit=user.org_unit).values_list(
                "code", flat=True
            )
        )
        spec = QuestionSpec(
            kind=question.kind,
            name=_free(question.name, taken),
            label=question.label,
            hint=question.hint,
            choices=[
                {"value": c.value, "label": c.label, "is_other": c.is_other}
                for c in question.choices.all()
            ],
            rows=question.rows,
        )
        bank_question = bank_question_create(user=user, spec=spec)
        Question.objects.filter(
            version__survey_id=question.version.survey_id,
            name=question.name,
            bank_question__isnull=True,
        ).update(bank_question=bank_question)
    return bank_question


def bank_copy(*, survey: Survey, user, bank_questions) -> list[Question]:
    """Copy bank questions to the end of ``survey``'s questionnaire, marked, named
    by their codes (suffixed when a name is taken)."""
    with transaction.atomic():
        version = editable_version(survey=survey)
        taken = set(version.questions.values_list("name", flat=True))
        order = _next_order(version)
        copies = []
        for bank_question in bank_questions:
            name = _free(bank_question.code, taken)
            taken.add(name)
            question = Question.objects.create(
                version=version,
                order=order,
                name=name,
                kind=bank_question.kind,
                label=bank_question.label,
                hint=bank_question.hint,
                rows=bank_question.rows
                if bank_question.kind == Question.Kind.GRID
                else [],
                bank_question=bank_question,
            )
            _write_choices(question, bank_question.choices)
            copies.append(question)
            order += 1
    return copies
