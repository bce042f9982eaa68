"""The reports app's workbooks: rows built once, rendered by :mod:`dluan.xlsx`."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.xlsx import build_workbook
from reports.models import ReportingPeriod
from reports.selectors.discipline import DisciplineRow, rounded_rate

DISCIPLINE_HEADER = [
    _("Unit"),
    _("Expected"),
    _("On time"),
    _("Late"),
    _("Missing"),
    _("Not yet due"),
    _("Reporting rate (%)"),
    _("On-time rate (%)"),
]


def _discipline_line(name: str, row: DisciplineRow) -> list:
    return [
        name,
        row.expected,
        row.on_time,
        row.late,
        row.missing,
        row.pending,
        "—" if row.reporting_rate is None else rounded_rate(row.reporting_rate),
        "—" if row.on_time_rate is None else rounded_rate(row.on_time_rate),
    ]


def discipline_sheets(table: dict) -> list[tuple[str, list[str], list[list]]]:
    """The discipline page's rows as workbook sheets: units, then collaborators.

    ``table`` is :func:`reports.selectors.discipline.discipline_table`'s answer.
    """
    own = table["own"]
    rows = [_discipline_line(gettext("%(unit)s (own)") % {"unit": own.unit.name}, own)]
    rows += [_discipline_line(row.unit.name, row) for row in table["children"]]
    rows.append(_discipline_line(gettext("Total"), table["total"]))
    sheets = [(_("Units"), DISCIPLINE_HEADER, rows)]
    if table["records"] is not None:
        sheets.append(
            (
                _("Collaborators"),
                [_("Collaborator"), _("State"), _("Submitted on")],
                [
                    [
                        record.collaborator.full_name,
                        str(record.get_state_display()),
                        timezone.localtime(record.submitted_at).strftime("%d/%m/%Y")
                        if record.submitted_at
                        else "",
                    ]
                    for record in table["records"]
                ],
            )
        )
    return sheets


def discipline_xlsx(table: dict) -> bytes:
    """The discipline page as a workbook."""
    return build_workbook(discipline_sheets(table))


def discipline_filename(unit: OrgUnit, period: ReportingPeriod) -> str:
    return f"discipline-{unit.pk}-{period.start:%Y-%m}.xlsx"
