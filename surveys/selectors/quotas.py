"""The sample's reads: population margins, quotas and their fill, by commune and cell.

Every figure is counted in the database: one aggregate over the survey's responses
grouped by commune, sex and age group, whatever the number of communes.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from surveys.forms.respondent import survey_communes
from surveys.models import AgeGroup, Assignment, Response, Sex, SurveyCell
from surveys.selectors import towns as town_folding

# The cells of a commune, in the order every table shows them.
CELL_KEYS = [(sex, age) for sex in Sex.values for age in AgeGroup.values]

# Submitted and not rejected: what fills a quota (as the collect service counts).
FILLING = Q(state=Response.State.SUBMITTED) & ~Q(review=Response.Review.REJECTED)


@dataclass
class Fill:
    """Quota and fill of one cell, a commune or the whole survey."""

    quota: int = 0
    submitted: int = 0
    approved: int = 0
    over_quota: int = 0
    population: int = 0
    sex: str = ""
    age_group: str = ""

    @property
    def percent(self) -> int | None:
        """Submitted answers as a share of the quota (None without a quota)."""
        if not self.quota:
            return None
        return round(100 * self.submitted / self.quota)

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.submitted)

    def add(self, other: "Fill") -> None:
        self.quota += other.quota
        self.submitted += other.submitted
        self.approved += other.approved
        self.over_quota += other.over_quota
        self.population += other.population


@dataclass
class CommuneFill:
    commune: object
    cells: list[Fill] = field(default_factory=list)
    total: Fill = field(default_factory=Fill)

    @property
    def shown(self) -> list[tuple[str, bool]]:
        """Each cell as the table writes it ("submitted/quota") and whether its
        quota is met: a few hundred cells, looked up once each in the template."""
        return [
            (
                f"{cell.submitted}/{cell.quota}",
                bool(cell.quota) and cell.submitted >= cell.quota,
            )
            for cell in self.cells
        ]


@dataclass
class FillTable:
    rows: list[CommuneFill]
    total: Fill
    # Communes of the unit with neither a quota nor an answer: counted, not listed
    # (a province's survey draws a few hundred of its communes).
    idle: int = 0
    cell_keys: list = field(default_factory=lambda: list(CELL_KEYS))
    # A row per town (its communes added up), each opening on its communes.
    by_town: bool = False

    @property
    def column_totals(self) -> list[Fill]:
        totals = [Fill(sex=sex, age_group=age) for sex, age in CELL_KEYS]
        for row in self.rows:
            for total, cell in zip(totals, row.cells, strict=True):
                total.add(cell)
        return totals


def cells_by_key(survey) -> dict[tuple, SurveyCell]:
    """The survey's cells by (commune id, sex, age group): one query."""
    return {
        (cell.commune_id, cell.sex, cell.age_group): cell
        for cell in SurveyCell.objects.filter(survey=survey).only(
            "commune_id", "sex", "age_group", "population", "quota"
        )
    }


def population_total(survey) -> int:
    return (
        SurveyCell.objects.filter(survey=survey).aggregate(total=Sum("population"))[
            "total"
        ]
        or 0
    )


def quota_fill(survey, *, town=None, by_town=False) -> FillTable:
    """Every commune of the survey and each of its cells: quota, submitted (not
    rejected), approved, answers marked over quota. Three queries: the communes,
    the cells, and one aggregate of the responses.

    ``town`` (an ``OrgUnit``) keeps its communes only; ``by_town`` adds the
    communes up into a row per town (one more query, see
    :mod:`surveys.selectors.towns`).
    """
    communes = survey_communes(survey)
    cells = SurveyCell.objects.filter(survey=survey)
    responses = Response.objects.filter(survey=survey, commune__isnull=False)
    if town is not None:
        communes = communes.filter(path__startswith=town.path)
        cells = cells.filter(commune__path__startswith=town.path)
        responses = responses.filter(commune__path__startswith=town.path)
    quotas = {
        (commune_id, sex, age): (quota, population)
        for commune_id, sex, age, quota, population in cells.values_list(
            "commune_id", "sex", "age_group", "quota", "population"
        )
    }
    counts: dict[tuple, tuple] = {}
    per_commune: dict[int, Fill] = {}
    grouped = (
        responses.filter(FILLING)
        .order_by()
        .values_list("commune_id", "sex", "age_group")
        .annotate(
            submitted=Count("pk"),
            approved=Count("pk", filter=Q(review=Response.Review.APPROVED)),
            over=Count("pk", filter=Q(over_quota=True)),
        )
    )
    for commune_id, sex, age, submitted, approved, over in grouped:
        counts[(commune_id, sex, age)] = (submitted, approved, over)
        # A response without its sex or age group still counts for its commune.
        per_commune.setdefault(commune_id, Fill()).add(
            Fill(submitted=submitted, approved=approved, over_quota=over)
        )
    # Communes with neither a quota nor an answer are counted, not listed (a
    # province's survey draws a few hundred of its communes).
    active = {key[0] for key in quotas} | set(per_commune)
    rows = []
    total = Fill()
    idle = 0
    for pk, name in communes.values_list("pk", "name"):
        if pk not in active:
            idle += 1
            continue
        row = CommuneFill(commune=town_folding.Unit(pk, name))
        for sex, age in CELL_KEYS:
            key = (pk, sex, age)
            fill = Fill(sex=sex, age_group=age)
            if key in counts:
                fill.submitted, fill.approved, fill.over_quota = counts[key]
            if key in quotas:
                fill.quota, fill.population = quotas[key]
            row.cells.append(fill)
            row.total.quota += fill.quota
            row.total.population += fill.population
        found = per_commune.get(pk)
        if found is not None:
            row.total.submitted = found.submitted
            row.total.approved = found.approved
            row.total.over_quota = found.over_quota
        total.add(row.total)
        rows.append(row)
    listed = [row for row in rows if row.total.quota or row.total.submitted]
    idle += len(rows) - len(listed)
    if by_town:
        listed = _by_town(survey, listed)
    return FillTable(rows=listed, total=total, idle=idle, by_town=by_town)


def _by_town(survey, rows: list[CommuneFill]) -> list[CommuneFill]:
    """The communes' rows added up into a row per town, the towns by name."""
    town_of, _towns = town_folding.town_of_communes(survey)
    folded: dict = {}
    for row in rows:
        town = town_of[row.commune.pk]
        into = folded.get(town)
        if into is None:
            into = folded[town] = CommuneFill(
                commune=town, cells=[Fill(sex=s, age_group=a) for s, a in CELL_KEYS]
            )
        for cell, other in zip(into.cells, row.cells, strict=True):
            cell.add(other)
        into.total.add(row.total)
    return [folded[town] for town in sorted(folded, key=lambda t: (t.name, t.pk))]


@dataclass
class AssignmentFill:
    assignment: Assignment
    commune: object
    target: int
    done: int

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(100 * self.done / self.target)


def collaborator_fill(survey, collaborator) -> list[AssignmentFill]:
    """A collaborator's assignments in a survey: commune, target, interviews done
    (submitted, not rejected). Two queries."""
    assignments = list(
        Assignment.objects.filter(survey=survey, collaborator=collaborator)
        .select_related("commune")
        .order_by("commune__name")
    )
    done = dict(
        Response.objects.filter(survey=survey, collaborator=collaborator)
        .filter(FILLING)
        .order_by()
        .values("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    return [
        AssignmentFill(
            assignment=assignment,
            commune=assignment.commune,
            target=assignment.target,
            done=done.get(assignment.commune_id, 0),
        )
        for assignment in assignments
    ]


def assignment_table(survey) -> list[dict]:
    """Each commune with its quota, its assignments and what each has done.

    Four queries: communes, quotas, assignments, done per collaborator × commune.
    """
    communes = list(survey_communes(survey))
    quotas = dict(
        SurveyCell.objects.filter(survey=survey)
        .order_by()
        .values("commune_id")
        .annotate(q=Sum("quota"))
        .values_list("commune_id", "q")
    )
    by_commune: dict[int, list] = {}
    for assignment in (
        Assignment.objects.filter(survey=survey)
        .select_related("collaborator", "commune")
        .order_by("collaborator__full_name", "pk")
    ):
        by_commune.setdefault(assignment.commune_id, []).append(assignment)
    done = {
        (row["collaborator_id"], row["commune_id"]): row["n"]
        for row in Response.objects.filter(survey=survey, collaborator__isnull=False)
        .filter(FILLING)
        .order_by()
        .values("collaborator_id", "commune_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    for commune in communes:
        assignments = by_commune.get(commune.pk, [])
        for assignment in assignments:
            assignment.done = done.get(
                (assignment.collaborator_id, assignment.commune_id), 0
            )
        assigned = sum(a.target for a in assignments)
        quota = quotas.get(commune.pk) or 0
        rows.append(
            {
                "commune": commune,
                "quota": quota,
                "assigned": assigned,
                "missing": max(0, quota - assigned),
                "extra": max(0, assigned - quota),
                "assignments": assignments,
            }
        )
    return rows
