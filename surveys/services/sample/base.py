"""What the sample's writes share: the cells' figures written with their audit
trail, and the check that a survey's sample may still change."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dluan.audit_bulk import BulkChanges
from surveys.models import Survey, SurveyCell


def _check_changeable(survey: Survey) -> None:
    if survey.status in (Survey.Status.CLOSED, Survey.Status.ARCHIVED):
        raise ValidationError(
            _("The sample of a closed or archived survey can no longer change.")
        )


def _write_cells(*, survey: Survey, values: dict, field: str, user) -> int:
    """Set ``field`` of the cells in ``values`` ({(commune id, sex, age): n}),
    creating those missing; each change lands in the audit trail. Rows of the
    same new value are changed in one UPDATE (quotas take few values)."""
    existing = {
        (c.commune_id, c.sex, c.age_group): c
        for c in SurveyCell.objects.select_for_update().filter(survey=survey)
    }
    new = []
    by_value: dict[int, list[int]] = {}
    for (commune_id, sex, age), value in values.items():
        cell = existing.get((commune_id, sex, age))
        if cell is None:
            new.append(
                SurveyCell(
                    survey=survey,
                    commune_id=commune_id,
                    sex=sex,
                    age_group=age,
                    **{field: value},
                )
            )
        elif getattr(cell, field) != value:
            by_value.setdefault(value, []).append(cell.pk)
    with BulkChanges(actor=user) as bulk:
        bulk.create(new)
        for value, pks in by_value.items():
            bulk.update(SurveyCell.objects.filter(pk__in=pks), **{field: value})
    changed = len(new) + sum(len(pks) for pks in by_value.values())
    if changed:
        # The cells' figures are shown beside the weights: what was kept is stale.
        survey.touch_results()
    return changed
