"""A Party document as a Word file (.docx) with python-docx (see dluan.document).

The same heading, sections, paragraphs and tables as the PDF, in the Party's
document format (Times New Roman, A4, margins 20/15/20/30 mm). Charts add nothing
here: their figures are in the tables.
"""

import io
import json
import re

from django.utils import translation
from django.utils.translation import pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dluan.pdf import RenderCache

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
SMALL_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
GAP = Pt(4)
# Characters XML 1.0 cannot hold: lxml refuses them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text))


def _set_font(style, size) -> None:
    style.font.name = FONT
    style.font.size = size
    # Word picks the East Asian and complex-script fonts separately.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # The page number, centred at the foot of every page.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)


def _paragraph(
    container,
    text: str = "",
    *,
    bold=False,
    italic=False,
    underline=False,
    size=None,
    align=None,
    indent=False,
    space_after=GAP,
):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(_clean(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = size
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), space_after
    if indent:
        fmt.first_line_indent = Mm(10)
    return paragraph


def _cell_lines(cell, lines, *, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """Fill a cell with ``(text, bold, italic, underline, size)`` lines."""
    first = True
    for text, bold, italic, underline, size in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(_clean(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = size
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)


def _heading(document, doc: dict, confidentiality: str, draft: bool) -> None:
    if confidentiality or draft:
        marks = document.add_table(rows=1, cols=2)
        if draft:
            _cell_lines(
                marks.cell(0, 0),
                [(pgettext("document", "Draft"), False, True, False, SMALL_SIZE)],
                align=WD_ALIGN_PARAGRAPH.LEFT,
            )
        if confidentiality:
            _cell_lines(
                marks.cell(0, 1),
                [(confidentiality, True, False, False, SMALL_SIZE)],
                align=WD_ALIGN_PARAGRAPH.RIGHT,
            )
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.width, right.width = Mm(72), Mm(93)
    issuer = doc["issuer_lines"]
    lines = [
        (line, index == len(issuer) - 1, False, False, SMALL_SIZE)
        for index, line in enumerate(issuer)
    ]
    lines += [("*", False, False, False, SMALL_SIZE)]
    lines += [(doc["number"], False, False, False, SMALL_SIZE)]
    _cell_lines(left, lines)
    _cell_lines(
        right,
        [
            ("ĐẢNG CỘNG SẢN VIỆT NAM", True, False, True, Pt(14)),
            ("", False, False, False, SMALL_SIZE),
            (doc["place_date"], False, True, False, BODY_SIZE),
        ],
    )
    _paragraph(document, space_after=Pt(6))
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, doc["title"], bold=True, size=Pt(15), align=center)
    if doc.get("subject"):
        _paragraph(document, doc["subject"], bold=True, align=center, space_after=0)
    _paragraph(document, "-----", align=center, space_after=Pt(10))


def _table(document, table: dict) -> None:
    if table["caption"]:
        _paragraph(
            document, table["caption"], italic=True, size=TABLE_SIZE, space_after=0
        )
    grid = document.add_table(rows=1 + len(table["rows"]), cols=len(table["header"]))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    numeric = set(table["numeric"])
    # ``table.cell(r, c)`` walks every cell each time: read each row's cells once.
    rows = iter(grid.rows)
    for cell, text in zip(next(rows).cells, table["header"], strict=True):
        _cell_lines(cell, [(text, True, False, False, TABLE_SIZE)])
    for grid_row, row in zip(rows, table["rows"], strict=True):
        for column, (cell, text) in enumerate(zip(grid_row.cells, row, strict=True)):
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if column in numeric
                else WD_ALIGN_PARAGRAPH.LEFT
            )
            _cell_lines(cell, [(text, False, False, False, TABLE_SIZE)], align=align)
    _paragraph(document, space_after=Pt(2))


def _closing(document, doc: dict) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.width, right.width = Mm(75), Mm(90)
    if doc["recipients"]:
        _cell_lines(
            left,
            [("Nơi nhận:", True, True, False, Pt(12))]
            + [
                (f"- {line}", False, False, False, Pt(11)) for line in doc["recipients"]
            ],
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
    lines = []
    if doc["sign_for"]:
        lines.append((doc["sign_for"].upper(), True, False, False, BODY_SIZE))
    lines.append((doc["sign_title"].upper(), True, False, False, BODY_SIZE))
    lines += [("", False, False, False, BODY_SIZE)] * 4
    lines.append((doc["signer"], True, False, False, BODY_SIZE))
    _cell_lines(right, lines)


def build_docx(document_data: dict) -> bytes:
    """A .docx of the document."""
    document = Document()
    _page(document)
    _set_font(document.styles["Normal"], BODY_SIZE)
    doc = document_data["doc"]
    _heading(document, doc, document_data["confidentiality"], document_data["draft"])
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    for section in document_data["sections"]:
        _paragraph(
            document,
            f"{section['number']}. {section['title'].upper()}",
            bold=True,
            space_after=GAP,
        )
        for part in section["parts"]:
            if part["heading"]:
                _paragraph(document, part["heading"], bold=True, italic=True)
            for paragraph in part["paragraphs"]:
                _paragraph(
                    document,
                    paragraph["text"],
                    italic=paragraph["italic"],
                    align=justify,
                    indent=True,
                )
            for table in part["tables"]:
                _table(document, table)
    _closing(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_DOCX_CACHE = RenderCache()


def render_document_docx(document: dict) -> bytes:
    """The document as .docx bytes, in Vietnamese like every Party document."""
    source = json.dumps(document, sort_keys=True, default=str)
    with translation.override("vi"):
        return _DOCX_CACHE.get_or_render(source, lambda: build_docx(document))
