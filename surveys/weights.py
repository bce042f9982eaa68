"""A response's weight: its population cell's, or 1.

Post-stratification and raking both give one weight per commune × sex × age group
cell, so the weighting (``surveys.services.weighting``) writes a few hundred cells
and never the responses; a response points at its cell (``Response.cell``, set
when it is saved and by :func:`link_cells` when cells come after the answers),
and every reader takes the weight through here: :func:`weight` in the ORM,
``SQL_JOIN`` and ``SQL_WEIGHT`` in raw SQL over the alias ``r``.
"""

from django.db import connection
from django.db.models import F, FloatField, Value
from django.db.models.functions import Coalesce

from surveys.models import Response, SurveyCell


def weight(prefix: str = ""):
    """The weight of a response (``prefix``: the path to it, e.g. ``"response__"``)."""
    return Coalesce(F(f"{prefix}cell__weight"), Value(1.0), output_field=FloatField())


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


SQL_JOIN = f" LEFT JOIN {_table(SurveyCell)} wc ON wc.id = r.cell_id"
SQL_WEIGHT = "COALESCE(wc.weight, 1.0)"


def cell_of(response: Response) -> SurveyCell | None:
    """The survey's cell of the response's commune, sex and age group, if any."""
    if not (response.commune_id and response.sex and response.age_group):
        return None
    return SurveyCell.objects.filter(
        survey_id=response.survey_id,
        commune_id=response.commune_id,
        sex=response.sex,
        age_group=response.age_group,
    ).first()


def link_cells(survey) -> int:
    """Point the survey's responses without a cell at theirs; how many were linked.

    Cells are made before the answers come in (the plan), so this finds nothing
    but after a population entered late: then it links each response once.
    """
    response, cell = _table(Response), _table(SurveyCell)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {response} SET cell_id = ("  # noqa: S608 (table names only)
            f"SELECT c.id FROM {cell} c WHERE c.survey_id = {response}.survey_id "
            f"AND c.commune_id = {response}.commune_id AND c.sex = {response}.sex "
            f"AND c.age_group = {response}.age_group) "
            f"WHERE {response}.survey_id = %s AND {response}.cell_id IS NULL "
            f"AND EXISTS (SELECT 1 FROM {cell} c WHERE c.survey_id = "
            f"{response}.survey_id AND c.commune_id = {response}.commune_id "
            f"AND c.sex = {response}.sex AND c.age_group = {response}.age_group)",
            [survey.pk],
        )
        return cursor.rowcount
