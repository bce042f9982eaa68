"""The sample's writes, one module per part, all re-exported here: population
margins, typed or from a census workbook (``population``); the plan and its quotas
(``plan``); the quotas' assignment to collaborators (``assignments``); and what
they share (``base``)."""

from .assignments import (
    assignment_remove,
    assignment_save,
    assignments_auto,
    eligible_collaborators,
    serves,
)
from .plan import Plan, plan_compute, plan_method, sample_plan
from .population import (
    CommuneIndex,
    parse_age,
    parse_sex,
    people_count,
    population_import,
    population_save,
    read_population,
)

__all__ = [
    "CommuneIndex",
    "Plan",
    "assignment_remove",
    "assignment_save",
    "assignments_auto",
    "eligible_collaborators",
    "parse_age",
    "parse_sex",
    "people_count",
    "plan_compute",
    "plan_method",
    "population_import",
    "population_save",
    "read_population",
    "sample_plan",
    "serves",
]
