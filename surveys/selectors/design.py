"""Reads of the design pages: the survey list, a survey's hub, the questionnaire."""

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from surveys.models import Assignment, Question, Response, Survey

# How long the decided responses' counts of a survey stay in the cache: they are
# keyed on the survey's ``results_version``, so this only bounds their room.
DECIDED_SECONDS = 24 * 3600


def survey_list(user, *, status: str = ""):
    """The surveys ``user`` sees, with their counts in the list query itself.

    Staff and leaders: each survey's pending responses (``pending_count``); the
    page's rows get their other counts from :func:`attach_review_counts`. A
    collaborator: their target and the responses they submitted.
    """
    queryset = (
        Survey.objects.visible_to(user).with_related().order_by("-starts_on", "-pk")
    )
    if status in Survey.Status.values:
        queryset = queryset.filter(status=status)
    if user.is_collaborator:
        target = (
            Assignment.objects.filter(survey=OuterRef("pk"), collaborator__user=user)
            .order_by()
            .values("survey")
            .annotate(total=Sum("target"))
            .values("total")
        )
        done = (
            Response.objects.filter(
                survey=OuterRef("pk"),
                entered_by=user,
                state=Response.State.SUBMITTED,
            )
            .order_by()
            .values("survey")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return queryset.annotate(
            my_target=Coalesce(Subquery(target, output_field=IntegerField()), 0),
            my_done=Coalesce(Subquery(done, output_field=IntegerField()), 0),
        )
    return queryset.annotate(pending_count=pending_count())


def pending_count() -> Coalesce:
    """A survey's submitted responses awaiting review, as an annotation: counted
    live in the review queue's index (a new answer arrives as pending), and as
    short as the queue."""
    pending = (
        Response.objects.filter(
            survey=OuterRef("pk"),
            state=Response.State.SUBMITTED,
            review=Response.Review.PENDING,
        )
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(pending, output_field=IntegerField()), 0)


def _decided_key(survey: Survey) -> str:
    # Every review raises ``results_version``; the creation time tells a survey
    # from another that got the same id (SQLite reuses one rolled back).
    stamp = survey.created_at.strftime("%Y%m%d%H%M%S%f") if survey.created_at else ""
    return f"surveys:decided:{survey.pk}:{stamp}:{survey.results_version}"


def attach_review_counts(surveys) -> None:
    """Set each survey's ``submitted_count``, ``approved_count`` and
    ``rejected_count``; each survey carries ``pending_count`` (:func:`pending_count`).

    Counting a province's 200,000 answers took 0.2 s a survey on every page. The
    decided responses (approved, rejected, with issues) change only by a review,
    which raises the survey's ``results_version``: their counts are kept in the
    cache under it, counted once for all the surveys missing there. The pending
    ones are counted live, so a new answer shows at once.
    """
    surveys = list(surveys)
    if not surveys:
        return
    keys = {survey.pk: _decided_key(survey) for survey in surveys}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        counted = {keys[pk]: {} for pk in missing}
        rows = (
            Response.objects.filter(
                survey_id__in=missing, state=Response.State.SUBMITTED
            )
            .exclude(review=Response.Review.PENDING)
            .order_by()
            .values_list("survey_id", "review")
            .annotate(n=Count("pk"))
        )
        for survey_id, review, n in rows:
            counted[keys[survey_id]][review] = n
        cache.set_many(counted, DECIDED_SECONDS)
        found.update(counted)
    for survey in surveys:
        decided = found[keys[survey.pk]]
        survey.submitted_count = survey.pending_count + sum(decided.values())
        survey.approved_count = decided.get(Response.Review.APPROVED, 0)
        survey.rejected_count = decided.get(Response.Review.REJECTED, 0)


def review_counts(survey: Survey) -> dict:
    """Submitted responses of ``survey`` by review state, in one aggregate."""
    Review = Response.Review
    counts = Response.objects.filter(
        survey=survey, state=Response.State.SUBMITTED
    ).aggregate(
        submitted=Count("pk"),
        **{state.value: Count("pk", filter=Q(review=state.value)) for state in Review},
    )
    return {
        "submitted": counts["submitted"],
        "states": [(state.label, state.value, counts[state.value]) for state in Review],
    }


def collaborator_assignments(survey: Survey, user):
    """``user``'s assignments in ``survey``, each with the responses they submitted
    in its commune."""
    done = (
        Response.objects.filter(
            survey=survey,
            entered_by=user,
            commune=OuterRef("commune"),
            state=Response.State.SUBMITTED,
        )
        .order_by()
        .values("commune")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        Assignment.objects.filter(survey=survey, collaborator__user=user)
        .select_related("commune")
        .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), 0))
        .order_by("commune__name")
    )


def questions_of(version) -> list[Question]:
    """A version's questions in order, their choices and bank marks loaded, each
    with its show-if rule written in words (``rule_text``)."""
    if version is None:
        return []
    questions = list(
        version.questions.order_by("order", "pk")
        .select_related("bank_question")
        .prefetch_related("choices")
    )
    by_name = {question.name: question for question in questions}
    for question in questions:
        question.rule_text = rule_text(question.show_if, by_name)
    return questions


def _value_label(question, value) -> str:
    if question is not None:
        for choice in question.choices.all():
            if choice.value == str(value):
                return choice.label
    return str(value)


def _condition_text(rule: dict, by_name: dict, *, nested: bool = False) -> str:
    if "op" in rule:
        joiner = _(" and ") if rule["op"] == "and" else _(" or ")
        parts = [
            _condition_text(part, by_name, nested=True)
            for part in rule.get("rules", [])
            if isinstance(part, dict)
        ]
        text = joiner.join(parts)
        return f"({text})" if nested and len(parts) > 1 else text
    name = rule.get("question")
    question = by_name.get(name)
    value = rule.get("value")
    match rule.get("is"):
        case "equals":
            return _("question %(name)s = %(value)s") % {
                "name": name,
                "value": _value_label(question, value),
            }
        case "one_of":
            values = value if isinstance(value, list) else [value]
            return _("question %(name)s is one of %(values)s") % {
                "name": name,
                "values": ", ".join(_value_label(question, v) for v in values),
            }
        case "selected":
            return _("question %(name)s has %(value)s selected") % {
                "name": name,
                "value": _value_label(question, value),
            }
    return _("(a condition not understood)")


def rule_text(rule, by_name: dict) -> str:
    """``rule`` in words ("Shown when question satisfied = Không hài lòng"); ""
    when it always shows."""
    if not rule or not isinstance(rule, dict):
        return ""
    text = _condition_text(rule, by_name)
    return _("Shown when %(condition)s") % {"condition": text}
