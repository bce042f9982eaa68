import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from meetings.models import DocumentReceipt, ReferenceDocument
from meetings.tests.factories import DocumentFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def document(town, staff, collaborator):
    document = DocumentFactory(unit=town, uploaded_by=staff)
    DocumentReceipt.objects.create(
        document=document, collaborator=collaborator.collaborator
    )
    return document


def _post(meeting=None, collaborators=(), name="huong-dan.pdf", data=PDF_BYTES):
    payload = {
        "title": "Hướng dẫn tuyên truyền kỷ niệm Quốc khánh",
        "source": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "description": "",
        "file": SimpleUploadedFile(name, data),
        "collaborators": [c.pk for c in collaborators],
    }
    if meeting is not None:
        payload["meeting"] = meeting.pk
    return payload


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("leader", 200),
        ("collaborator", 200),
        ("other_collaborator", 404),
        ("other_staff", 404),
    ],
)
def test_document_page_access(request, client_of, document, persona, status):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(document.get_absolute_url()).status_code == status
    download = client.get(reverse("meetings:document-download", args=[document.pk]))
    assert download.status_code == status
    if status == 200:
        assert download["Content-Disposition"].startswith("attachment")
        assert b"".join(download.streaming_content) == b"%PDF-1.4 demo"


def test_anonymous_is_sent_to_login(client, document):
    for url in [
        reverse("meetings:document-list"),
        reverse("meetings:document-create"),
        document.get_absolute_url(),
        reverse("meetings:document-download", args=[document.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 200), ("leader", 404), ("collaborator", 404)]
)
def test_upload_page_access(request, client_of, persona, status):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse("meetings:document-create")).status_code == status


@pytest.mark.parametrize("value", ["²", "١", "x", ""])
def test_upload_page_ignores_a_meeting_that_is_not_a_number(client_of, staff, value):
    response = client_of(staff).get(
        reverse("meetings:document-create"), {"meeting": value}
    )
    assert response.status_code == 200


def test_collaborator_cannot_upload(client_of, collaborator):
    response = client_of(collaborator).post(
        reverse("meetings:document-create"),
        _post(collaborators=[collaborator.collaborator]),
    )
    assert response.status_code == 404
    assert not ReferenceDocument.objects.exists()


def test_staff_hand_out_at_a_meeting(client_of, staff, meeting, collaborator):
    response = client_of(staff).post(
        reverse("meetings:document-create"), _post(meeting)
    )
    document = ReferenceDocument.objects.get()
    assert response.status_code == 302
    assert document.meeting == meeting
    assert document.receipts.count() == 2
    assert collaborator.notifications.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tai-lieu.pdf", b"MZ\x90\x00 an executable"),
        ("tai-lieu.docx", PDF_BYTES),
    ],
)
def test_document_not_what_its_name_says_is_refused(
    client_of, staff, collaborator, name, data
):
    response = client_of(staff).post(
        reverse("meetings:document-create"),
        _post(collaborators=[collaborator.collaborator], name=name, data=data),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ReferenceDocument.objects.exists()


def test_oversized_document_is_refused(client_of, staff, collaborator, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = client_of(staff).post(
        reverse("meetings:document-create"),
        _post(collaborators=[collaborator.collaborator]),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ReferenceDocument.objects.exists()


def test_no_recipient_is_refused(client_of, staff):
    response = client_of(staff).post(reverse("meetings:document-create"), _post())
    assert response.status_code == 400
    assert not ReferenceDocument.objects.exists()


def test_cannot_hand_out_to_someone_out_of_scope(client_of, staff, other_town):
    stranger = CollaboratorFactory(
        unit=other_town, with_account=True, gender=Collaborator.Gender.FEMALE
    )
    response = client_of(staff).post(
        reverse("meetings:document-create"), _post(collaborators=[stranger])
    )
    assert response.status_code == 400
    assert not ReferenceDocument.objects.exists()


def test_collaborator_confirms_reading(client_of, document, collaborator):
    url = reverse("meetings:document-confirm-read", args=[document.pk])
    client = client_of(collaborator)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert DocumentReceipt.objects.get().read_at is not None


@pytest.mark.parametrize("persona", ["other_collaborator", "staff", "other_staff"])
def test_only_the_recipient_confirms(request, client_of, document, persona):
    client = client_of(request.getfixturevalue(persona))
    url = reverse("meetings:document-confirm-read", args=[document.pk])
    assert client.post(url).status_code == 404
    assert DocumentReceipt.objects.get().read_at is None


def test_staff_see_who_has_not_read(client_of, staff, document, collaborator):
    page = client_of(staff).get(reverse("meetings:document-list")).content.decode()
    assert 'data-testid="unread-table"' in page
    assert collaborator.collaborator.full_name in page
    DocumentReceipt.objects.update(read_at="2026-01-01T08:00:00+07:00")
    page = client_of(staff).get(reverse("meetings:document-list")).content.decode()
    assert 'data-testid="unread-table"' not in page


def test_lists_are_scoped(client_of, document, other_staff, other_collaborator):
    for user in (other_staff, other_collaborator):
        page = client_of(user).get(reverse("meetings:document-list")).content.decode()
        assert document.title not in page


@pytest.mark.parametrize("persona", ["staff", "collaborator"])
def test_document_list_query_count_does_not_grow(
    request, client_of, town, staff, collaborator, persona, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            doc = DocumentFactory(unit=town, uploaded_by=staff)
            DocumentReceipt.objects.create(
                document=doc, collaborator=collaborator.collaborator
            )

    client = client_of(request.getfixturevalue(persona))
    url = reverse("meetings:document-list")
    add(2)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    add(10)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(url)
