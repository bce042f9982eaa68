"""Home-page panels: a collaborator's surveys to collect, the open surveys for staff."""

from django.db.models import Count

from dluan.figures import kept, scope_key
from dluan.registry import Panel
from surveys.models import Assignment, Response, Survey
from surveys.selectors.design import attach_review_counts, pending_count
from surveys.selectors.quotas import FILLING

# The most open surveys a panel lists.
LIMIT = 5


def _collaborator_panel(user) -> list[Panel]:
    record = getattr(user, "collaborator", None)
    if record is None:
        return []
    assignments = list(
        Assignment.objects.filter(
            collaborator=record, survey__status=Survey.Status.OPEN, target__gt=0
        )
        .select_related("survey")
        .order_by("survey__ends_on", "survey_id")
    )
    if not assignments:
        return []
    done = dict(
        Response.objects.filter(
            collaborator=record, survey_id__in={a.survey_id for a in assignments}
        )
        .filter(FILLING)
        .order_by()
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    surveys = {}
    for assignment in assignments:
        entry = surveys.setdefault(
            assignment.survey_id,
            {"survey": assignment.survey, "target": 0, "done": 0},
        )
        entry["target"] += assignment.target
        entry["done"] = done.get(assignment.survey_id, 0)
    rows = list(surveys.values())[:LIMIT]
    return [Panel("surveys/panels/collaborator.html", {"rows": rows}, 15)]


def _open_surveys(user) -> list[Survey]:
    surveys = list(
        Survey.objects.visible_to(user)
        .open()
        .select_related("unit")
        .order_by("ends_on", "pk")
        .annotate(pending_count=pending_count())[:LIMIT]
    )
    attach_review_counts(surveys)
    for survey in surveys:
        # Submitted and still counted (all but the rejected), and approved.
        survey.submitted = survey.submitted_count - survey.rejected_count
        survey.approved = survey.approved_count
    return surveys


def _manager_panel(user) -> list[Panel]:
    # Kept per unit like the other home figures (dluan/figures.py).
    surveys = kept("surveys-open", scope_key(user), lambda: _open_surveys(user))
    if not surveys:
        return []
    return [Panel("surveys/panels/open_surveys.html", {"surveys": surveys}, 45)]


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator:
        return _collaborator_panel(user)
    return _manager_panel(user)
