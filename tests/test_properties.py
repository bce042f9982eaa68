"""Arbitrary input at the report form, the roster import, the search boxes and the
date fields: never a server error, and a report or an import is saved whole or not
at all.

Text is any Unicode a browser can send (lone surrogates are replaced by the
browser, so they are left out), with NUL, direction marks, emoji, combining marks
and control characters mixed in, from empty to 10,000 characters. The examples are
derandomized: every run, here and in CI, tries the same ones.
"""

import datetime
import io
import itertools
import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from collaborators.models import Collaborator
from collaborators.spreadsheets import COLUMNS
from dluan.forms import NULL_CHARACTERS_MESSAGE
from meetings.models import Meeting
from reports.models import OpinionReport, OpinionStream
from reports.tests.conftest import report_post
from reports.tests.factories import IssueFactory

settings.register_profile(
    "dluan-properties",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
PROFILE = settings.get_profile("dluan-properties")

SPECIAL = [
    "\x00",
    "a\x00b",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "😀",
    "👩‍👩‍👧",
    "e\u0301\u0323",
    "đĐ",
    "\r\n",
    "\x1b[31m",
    "\x07\x08\x0b\x7f",
    "\u2028",
    "_x0000_",
    "<script>",
    "' OR 1=1 --",
    "%s%n",
    "=1+1",
    "\\",
    "１２/０３/２０２５",
    "٣١/١٢/٢٠٢٤",
]
# Any code point UTF-8 can carry: what a form can post.
CHARACTERS = st.characters(codec="utf-8")
pieces = st.one_of(st.text(CHARACTERS, max_size=20), st.sampled_from(SPECIAL))
short_text = st.lists(pieces, max_size=6).map("".join)
long_text = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.text(CHARACTERS, min_size=1, max_size=8),
    st.integers(min_value=0, max_value=10_000),
)
any_text = st.one_of(short_text, long_text)
day = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
dates = st.one_of(
    short_text,
    day.map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    day.map(str),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["31/02/2025", "00/00/0000", "29/02/2023", "1/1/1", "99/99/9999"]),
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    short_text,
    st.sampled_from(["", "0", "-1", "1e9", "NaN", "inf", "0x10", "１"]),
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def server_error(response) -> bool:
    return response.status_code >= 500


# --- The report form ----------------------------------------------------------------


# Text a form accepts: any Unicode but NUL, with the marks and emoji mixed in.
clean_pieces = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
    st.sampled_from([piece for piece in SPECIAL if "\x00" not in piece]),
)
clean_text = st.lists(clean_pieces, max_size=6).map("".join)
clean_title = clean_text.filter(lambda text: 0 < len(text.strip()) <= 255)
recent_day = st.dates(
    min_value=datetime.date.today() - datetime.timedelta(days=300),
    max_value=datetime.date.today(),
).map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}")


@st.composite
def report_fields(draw):
    """Either a report the form should take, or one built to be refused."""
    if draw(st.booleans()):
        return {
            "title": draw(clean_title),
            "description": draw(st.one_of(clean_text, long_text.map(strip_nul))),
            "proposals": draw(clean_text),
            "summary": draw(clean_title),
            "occurred_on": draw(st.one_of(st.just(""), recent_day)),
        }
    return {
        "title": draw(any_text),
        "description": draw(any_text),
        "proposals": draw(any_text),
        "summary": draw(any_text),
        "occurred_on": draw(dates),
    }


def strip_nul(text: str) -> str:
    return text.replace("\x00", "")


@PROFILE
@given(
    fields=report_fields(),
    action=st.sampled_from(["submit", "save", "submit_confirmed"]),
)
@pytest.mark.django_db
def test_report_form_is_saved_whole_or_not_at_all(
    client_of, collaborator, commune, fields, action
):
    client = client_of(collaborator)
    title, description, summary = (
        fields["title"],
        fields["description"],
        fields["summary"],
    )
    known = set(OpinionReport.objects.values_list("pk", flat=True))
    streams = OpinionStream.objects.count()
    post = report_post(
        commune,
        title=title,
        description=description,
        proposals=fields["proposals"],
        occurred_on=fields["occurred_on"],
        action=action,
    )
    post["streams-0-summary"] = summary
    response = client.post(reverse("reports:report-create"), post)
    assert not server_error(response)
    new = OpinionReport.objects.exclude(pk__in=known)
    assert new.count() <= 1
    report = new.first()
    if report is None:
        assert OpinionStream.objects.count() == streams
        assert response.status_code == 200
        assert response.context["form"].errors or any(
            response.context["formset"].errors
        )
        return
    # Saved: with what was typed (trimmed), and with its opinion stream.
    assert nfc(report.title) == nfc(title.strip())
    assert nfc(report.description) == nfc(description.strip())
    assert "\x00" not in report.title + report.description + report.proposals
    kept = report.streams.all()
    expected = 1 if summary.strip() else 0
    assert len(kept) in {expected, 1}
    assert OpinionStream.objects.count() == streams + len(kept)
    # What was saved shows again, on the report page.
    assert not server_error(client.get(report.get_absolute_url()))


@pytest.mark.parametrize("field", ["title", "description", "proposals", "summary"])
def test_a_nul_is_refused_with_a_message(client_of, collaborator, commune, field):
    post = report_post(commune, action="submit")
    key = "streams-0-summary" if field == "summary" else field
    post[key] = "Sạt lở\x00bờ sông"
    response = client_of(collaborator).post(reverse("reports:report-create"), post)
    assert response.status_code == 200
    with translation.override("vi"):
        message = str(NULL_CHARACTERS_MESSAGE)
    assert message in response.content.decode()
    assert not OpinionReport.objects.exists()
    assert not OpinionStream.objects.exists()


@PROFILE
@given(text=any_text)
@pytest.mark.django_db
def test_autosave_never_fails(client_of, collaborator, commune, text):
    client = client_of(collaborator)
    before = OpinionReport.objects.count()
    post = report_post(commune, title=text, description=text)
    response = client.post(reverse("reports:report-autosave"), post)
    assert not server_error(response)
    assert OpinionReport.objects.count() - before in {0, 1}


# --- The search boxes and the filters -------------------------------------------------


@PROFILE
@given(query=any_text, page=numbers, period=numbers, unit=numbers, topic=numbers)
@pytest.mark.django_db
def test_search_and_filters_never_fail(
    client_of, staff, collaborator, town, query, page, period, unit, topic
):
    issue = IssueFactory(unit=town, created_by=staff)
    staff_client = client_of(staff)
    for url, params in [
        (reverse("reports:report-queue"), {"q": query, "period": period}),
        (reverse("reports:report-queue"), {"unit": unit, "topic": topic}),
        (reverse("reports:report-queue"), {"q": query, "page": page}),
        (reverse("reports:issue-list"), {"q": query, "status": query, "page": page}),
        (reverse("reports:issue-detail", args=[issue.pk]), {"q": query}),
        (reverse("collaborators:collaborator-list"), {"q": query, "unit": unit}),
        (reverse("collaborators:collaborator-export"), {"q": query}),
        (reverse("reports:warnings"), {"page": page, "unit": unit}),
        (reverse("meetings:document-create"), {"meeting": period}),
    ]:
        response = staff_client.get(url, params)
        assert not server_error(response), (url, params)
    response = client_of(collaborator).get(
        reverse("reports:report-list"), {"page": page}
    )
    assert not server_error(response)


@PROFILE
@given(year=numbers, period=numbers, unit=numbers)
@pytest.mark.django_db
def test_date_filters_never_fail(client_of, staff, collaborator, year, period, unit):
    client = client_of(staff)
    person = collaborator.collaborator
    for url, params in [
        (reverse("collaborators:scores"), {"year": year, "unit": unit}),
        (reverse("collaborators:scores-export"), {"year": year}),
        (reverse("collaborators:score-detail", args=[person.pk]), {"year": year}),
        (reverse("reports:discipline"), {"period": period, "unit": unit}),
        (reverse("reports:discipline-export"), {"period": period}),
    ]:
        response = client.get(url, params)
        assert not server_error(response), (url, params)


@PROFILE
@given(
    title=any_text,
    starts_on=dates,
    starts_time=st.one_of(short_text, st.sampled_from(["08:00", "25:61", "7:5"])),
    place=any_text,
)
@pytest.mark.django_db
def test_meeting_dates_are_saved_whole_or_not_at_all(
    client_of, staff, title, starts_on, starts_time, place
):
    before = Meeting.objects.count()
    response = client_of(staff).post(
        reverse("meetings:meeting-create"),
        {
            "kind": Meeting.Kind.AD_HOC,
            "title": title,
            "starts_on": starts_on,
            "starts_time": starts_time,
            "place": place,
            "chair": "",
        },
    )
    assert not server_error(response)
    added = Meeting.objects.count() - before
    assert added == (1 if response.status_code == 302 else 0)


# --- The roster import ------------------------------------------------------------


def xlsx_of(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(column.label) for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ILLEGAL_IN_XML = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]}
# What a workbook can hold: XML has no place for most control characters, but
# a workbook may spell them as _x0000_, which openpyxl reads back.
cell_text = st.one_of(short_text, long_text).map(
    lambda text: "".join(ch for ch in text if ch not in ILLEGAL_IN_XML)[:2000]
)
cells = st.one_of(
    cell_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 1, 2), max_value=datetime.date(9999, 1, 1)),
    st.booleans(),
    st.none(),
)
GOOD_ROW = {
    "full_name": "Nguyễn Văn An",
    "gender": "Nam",
    "birth_year": 1968,
    "phone": "0905123456",
    "unit": "Phường Tứ Hạ",
    "coverage_areas": "Phường Tứ Hạ",
    "occupation": "giáo viên",
    "is_party_member": "có",
    "decision_date": "01/03/2025",
    "term_start": "01/03/2025",
    "term_end": "28/02/2027",
    "monthly_allowance": 500000,
}


PHONES = itertools.count(1)


def good_row() -> list:
    # A phone no example used before: a repeated one is an error of its own.
    values = dict(GOOD_ROW, phone=f"0905{next(PHONES):06d}")
    return [values.get(column.key) for column in COLUMNS]


@st.composite
def rows(draw):
    """A few rows, each a valid one with some of its cells replaced."""
    table = []
    for _number in range(draw(st.integers(min_value=1, max_value=4))):
        row = good_row()
        changes = draw(
            st.lists(
                st.tuples(st.integers(min_value=0, max_value=len(row) - 1), cells),
                max_size=len(row),
            )
        )
        for index, value in changes:
            row[index] = value
        table.append(row)
    return table


@PROFILE
@given(table=rows(), mode=st.sampled_from(["all", "valid"]))
@pytest.mark.django_db
def test_roster_import_is_whole_or_nothing(client_of, staff, commune, table, mode):
    client = client_of(staff)
    before = Collaborator.objects.count()
    upload = io.BytesIO(xlsx_of(table))
    upload.name = "roster.xlsx"
    response = client.post(reverse("collaborators:import-upload"), {"file": upload})
    assert not server_error(response)
    if response.status_code != 302:
        assert response.context["form"].errors
        assert Collaborator.objects.count() == before
        return
    columns_url = response["Location"]
    form = client.get(columns_url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    response = client.post(columns_url, data)
    assert not server_error(response)
    if response.status_code != 302:
        assert Collaborator.objects.count() == before
        return
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert not server_error(preview)
    valid, total = preview.context["valid_count"], preview.context["total"]
    response = client.post(preview_url, {"mode": mode})
    assert not server_error(response)
    added = Collaborator.objects.count() - before
    if mode == "valid":
        assert added in {0, valid}
    else:
        assert added in {0, total}
        assert added == 0 or valid == total
    names = Collaborator.objects.values_list("full_name", "occupation")
    assert not any("\x00" in name + occupation for name, occupation in names)
