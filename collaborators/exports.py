"""The roster's files: rows built once, rendered by :mod:`dluan.xlsx` and
:mod:`dluan.pdf`; the views hand them to :func:`dluan.downloads.download`."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators import selectors
from collaborators.models import Collaborator
from collaborators.scoring import PART_LABELS
from collaborators.spreadsheets import COLUMNS
from dluan import pdf
from dluan.models import OrgUnit, User
from dluan.xlsx import build_workbook

# --- The import template ------------------------------------------------------------


def template_workbook() -> bytes:
    """An empty roster sheet with the columns the import reads, and one example row."""
    example = [
        "Nguyễn Văn An",
        gettext("male"),
        1968,
        "0905123456",
        "an.nguyen@example.vn",
        "Phường Tứ Hạ",
        "Phường Tứ Hạ; Xã Hương Toàn",
        "giáo viên",
        "tổ trưởng tổ dân phố",
        gettext("yes"),
        gettext("no"),
        "123-QĐ/TU",
        "01/03/2025",
        "01/03/2025",
        "28/02/2027",
        500000,
        "",
    ]
    return build_workbook(
        [(gettext("Collaborators"), [str(c.label) for c in COLUMNS], [example])]
    )


# --- The roster -----------------------------------------------------------------------


def roster_export_rows(queryset) -> tuple[list[str], list[list]]:
    """The header and one row per collaborator, as the export shows them.

    Labels are translated once, not once a row, and coverage areas come from one
    query joined to the roster's own, not a prefetch naming every collaborator.
    """
    header = [str(column.label) for column in COLUMNS] + [str(_("Status"))]
    genders = {value: str(label) for value, label in Collaborator.Gender.choices}
    statuses = {value: str(label) for value, label in Collaborator.Status.choices}
    yes, no = gettext("yes"), gettext("no")
    areas: dict[int, list[str]] = {}
    for collaborator_id, name in (
        Collaborator.coverage_areas.through.objects.filter(
            collaborator__in=queryset.order_by().values("pk")
        )
        .order_by("orgunit__path")
        .values_list("collaborator_id", "orgunit__name")
    ):
        areas.setdefault(collaborator_id, []).append(name)
    rows = []
    for c in queryset.prefetch_related(None).select_related("unit"):
        rows.append(
            [
                c.full_name,
                genders.get(c.gender, c.gender),
                c.birth_year,
                c.phone,
                c.email,
                c.unit.name,
                "; ".join(areas.get(c.pk, [])),
                c.occupation,
                c.position,
                yes if c.is_party_member else no,
                yes if c.is_retired else no,
                c.decision_number,
                _format_date(c.decision_date),
                _format_date(c.term_start),
                _format_date(c.term_end),
                int(c.monthly_allowance) if c.monthly_allowance is not None else None,
                c.notes,
                statuses.get(c.status, c.status),
            ]
        )
    return header, rows


def _format_date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def roster_workbook(queryset) -> bytes:
    header, rows = roster_export_rows(queryset)
    return build_workbook([(gettext("Collaborators"), header, rows)])


# --- Emulation scores ---------------------------------------------------------------


def score_sheet_rows(queryset, table: dict) -> list[list]:
    """Rank, name, unit, each part in per cent (None: did not apply), the total."""
    rows = []
    for rank, score in enumerate(queryset.with_related(), start=1):
        rows.append(
            [
                rank,
                score.collaborator.full_name,
                str(score.unit),
                *(
                    None
                    if score.parts.get(name) is None
                    else round(score.parts[name] * 100, 1)
                    for name in table
                ),
                float(score.total),
            ]
        )
    return rows


def scores_workbook(queryset, table: dict) -> bytes:
    """The ranking of ``queryset`` (scores) with a column for each part of ``table``."""
    header = [
        gettext("Rank"),
        gettext("Full name"),
        gettext("Unit"),
        *(f"{PART_LABELS.get(name, name)} (%)" for name in table),
        gettext("Score"),
    ]
    rows = score_sheet_rows(queryset, table)
    return build_workbook([(gettext("Emulation scores"), header, rows)])


def commendation_context(*, user: User, year: int, unit: OrgUnit | None) -> dict:
    """The commendation list: the top ``COMMENDATION_SIZE`` of the unit's subtree."""
    size = settings.COMMENDATION_SIZE
    issuer = unit or user.org_unit or OrgUnit.objects.filter(parent=None).first()
    top = list(
        selectors.score_ranking(user=user, year=year, unit=unit).with_related()[:size]
    )
    today = timezone.localdate()
    doc = {
        "issuer_lines": pdf.issuer_lines(issuer),
        # "Số" (number) and the title belong to the Party's document format.
        "number": "Số      -DS/BTGDV",
        "place_date": pdf.place_and_date(issuer, today),
        "title": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "subject": gettext(
            "Public-opinion collaborators with the highest emulation scores in %(year)s"
        )
        % {"year": year},
        "recipients": [
            gettext("Standing Committee (for report)"),
            gettext("Board files"),
        ],
        "sign_for": "",
        "sign_title": "TRƯỞNG BAN",
        "signer": "",
    }
    return {"doc": doc, "year": year, "unit": issuer, "scores": top}


def commendation_pdf(*, user: User, year: int, unit: OrgUnit | None) -> bytes:
    """The commendation list as PDF."""
    context = commendation_context(user=user, year=year, unit=unit)
    # An official document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        return pdf.render_pdf("collaborators/commendation_pdf.html", context)
