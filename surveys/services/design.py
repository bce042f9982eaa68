"""Surveys and their questionnaires: a version changes only while no answer exists."""

from django.db import transaction

from surveys.models import Choice, QuestionnaireVersion, Response, Survey


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
