"""The emulation score (điểm thi đua) of a collaborator for a calendar year.

Rules:

1. A score is made of parts, each a number from 0 to 1. Each app computes its own
   parts (``<app>/scoring.py``, gathered by ``dluan.registry.score_parts``):

   - ``reporting``: periodic reports filed (on time or late) / reports expected, over
     the reporting periods whose deadline falls in the year (reporting records in
     the states on time, late, missing; "not yet due" and "not expected" are left
     out).
   - ``on_time``: reports filed on time / reports expected, over the same periods.
   - ``quality``: the average of the four quality ratings (1–5) of the
     collaborator's reports accepted in the year, scaled as (average − 1) / 4.
   - ``urgent``: urgent reports accepted in the year, counted up to
     ``SCORE_URGENT_CAP`` (5) and divided by it.
   - ``meetings``: held briefings of the year the collaborator was invited to:
     present counts 1, absent with reason ½, absent 0, divided by the invitations.
   - ``training``: training sessions attended in the year / sessions held in the
     year by the collaborator's unit or a unit above it (a session is for its
     unit's subtree), at most 1.
   - ``regulation``: 1 if the collaborator acknowledged the regulation version in
     force for their unit at the end of the year (today for the current year),
     else 0.

2. A part applies to a collaborator only where something was expected of them:
   periods to report for (``reporting``, ``on_time``, and ``urgent``, which is
   expected of whoever had periods to report for or filed an urgent report),
   a rated accepted report (``quality``), an invitation (``meetings``), a session
   for their unit (``training``), a regulation in force for their unit
   (``regulation``). Where something was expected and not done, the part is 0.

3. The total, out of 100 with one decimal, is the weighted average of the parts
   that apply, with the weights of ``SCORE_WEIGHTS`` (points out of 100): the weight
   of a part that does not apply is shared among the others in proportion to
   their weights. A collaborator to whom no part applies scores 0.

4. Scores are computed for every collaborator not dismissed (and for any named),
   stored in ``CollaboratorScore`` with the parts that applied, once a day for the
   current year; computing again gives the same rows. The ranking is by total,
   highest first; rows of equal total in the order they were first stored.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborators.models import (
    Collaborator,
    CollaboratorScore,
    Regulation,
    RegulationAcknowledgement,
    TrainingAttendance,
    TrainingSession,
)
from dluan.registry import score_parts

BATCH = 2000

# The parts of rule 1 as the pages and the workbook name them.
PART_LABELS = {
    "reporting": _("Reporting rate"),
    "on_time": _("On-time rate"),
    "quality": _("Report quality"),
    "urgent": _("Urgent reports accepted"),
    "meetings": _("Briefing attendance"),
    "training": _("Training attendance"),
    "regulation": _("Regulation acknowledged"),
}


def weights() -> dict[str, int]:
    return dict(settings.SCORE_WEIGHTS)


def score_total(parts: dict[str, float], weights: dict[str, int]) -> Decimal:
    """Rule 3: the weighted average of the parts that apply, out of 100."""
    applying = {name: w for name, w in weights.items() if name in parts and w > 0}
    weight_sum = sum(applying.values())
    if not weight_sum:
        return Decimal("0.0")
    value = sum(w * parts[name] for name, w in applying.items()) / weight_sum * 100
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _ancestor_paths(path: str) -> list[str]:
    """ "/1/5/12/" → ["/1/", "/1/5/", "/1/5/12/"]."""
    ids = path.strip("/").split("/")
    return ["/" + "/".join(ids[: n + 1]) + "/" for n in range(len(ids))]


def parts(year: int, collaborator_ids=None) -> dict[str, dict[int, float]]:
    """The roster's parts: ``training`` and ``regulation`` (rule 1)."""
    roster = Collaborator.objects.exclude(status=Collaborator.Status.DISMISSED)
    if collaborator_ids is not None:
        roster = Collaborator.objects.filter(pk__in=list(collaborator_ids))
    people = list(roster.values_list("pk", "unit__path").order_by())

    sessions_per_path: dict[str, int] = {}
    for path in TrainingSession.objects.filter(date__year=year).values_list(
        "unit__path", flat=True
    ):
        sessions_per_path[path] = sessions_per_path.get(path, 0) + 1
    attended = {}
    attendances = TrainingAttendance.objects.filter(
        attended=True, session__date__year=year
    )
    if collaborator_ids is not None:
        attendances = attendances.filter(collaborator_id__in=list(collaborator_ids))
    for pk, count in (
        attendances.values("collaborator_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("collaborator_id", "n")
    ):
        attended[pk] = count

    today = timezone.localdate()
    on = min(date(year, 12, 31), today)
    # The latest version in effect per issuing unit: a handful of rows.
    in_force: dict[str, tuple] = {}
    for reg_id, path, effective in (
        Regulation.objects.filter(effective_date__lte=on)
        .order_by("effective_date", "pk")
        .values_list("pk", "unit__path", "effective_date")
    ):
        in_force[path] = (effective, reg_id)
    acknowledged = set(
        RegulationAcknowledgement.objects.filter(
            regulation_id__in=[reg_id for _e, reg_id in in_force.values()]
        ).values_list("collaborator_id", "regulation_id")
    )

    training, regulation = {}, {}
    for pk, path in people:
        ancestors = _ancestor_paths(path)
        expected = sum(sessions_per_path.get(p, 0) for p in ancestors)
        if expected or attended.get(pk):
            training[pk] = min(1.0, attended.get(pk, 0) / max(expected, 1))
        versions = [in_force[p] for p in ancestors if p in in_force]
        if versions:
            _effective, reg_id = max(versions)
            regulation[pk] = 1.0 if (pk, reg_id) in acknowledged else 0.0
    return {"training": training, "regulation": regulation}


def scores_compute(*, year: int, collaborator_ids=None) -> int:
    """Compute and store the year's scores (rule 4); returns how many were stored."""
    roster = Collaborator.objects.exclude(status=Collaborator.Status.DISMISSED)
    if collaborator_ids is not None:
        roster = Collaborator.objects.filter(pk__in=list(collaborator_ids))
    people = dict(roster.values_list("pk", "unit_id").order_by())
    all_parts = score_parts(year, list(people) if collaborator_ids else None)
    table = weights()
    now = timezone.now()
    rows = []
    for pk, unit_id in people.items():
        own = {
            name: round(values[pk], 4)
            for name, values in all_parts.items()
            if pk in values
        }
        rows.append(
            CollaboratorScore(
                collaborator_id=pk,
                unit_id=unit_id,
                year=year,
                parts=own,
                total=score_total(own, table),
                computed_at=now,
            )
        )
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            CollaboratorScore.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["collaborator", "year"],
                update_fields=["unit", "parts", "total", "computed_at"],
            )
    return len(rows)
