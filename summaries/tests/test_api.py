"""The API's approved summaries: who may read them, their figures without
collaborators' names, links to the files, and the audit trail's records."""

import pytest
from auditlog.models import LogEntry
from django.db.models import F
from django.test import Client

from summaries import services
from summaries.models import Summary
from tests.support.api import api_client

LIST = "/api/v1/summaries/"


@pytest.fixture
def approved(town, period, reports, staff):
    queued = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    # The PDF and Word files cost seconds to render: the workbook is enough here.
    summary = services.summary_compile(summary_id=queued.pk, render_brief=False)
    return services.summary_approve(summary=summary, user=staff)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_staff_and_leaders_read_approved_summaries(request, persona, approved):
    client = api_client(request.getfixturevalue(persona))
    rows = client.get(LIST).json()["results"]
    assert [row["id"] for row in rows] == [approved.pk]
    assert "figures" not in rows[0]
    detail = client.get(f"{LIST}{approved.pk}/")
    body = detail.json()
    assert body["figures"]["reports"]["total"]["value"] == 2
    assert body["unit"]["name"] == "Thị xã Hương Trà"


@pytest.mark.django_db
def test_a_draft_is_not_served(town, period, reports, staff):
    queued = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    draft = services.summary_compile(summary_id=queued.pk, render_brief=False)
    client = api_client(staff)
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{draft.pk}/").status_code == 404


@pytest.mark.django_db
def test_who_may_not(approved, other_staff, client_of, collaborator, other_town):
    assert api_client(other_staff).get(f"{LIST}{approved.pk}/").status_code == 404
    assert api_client(other_staff).get(LIST).json()["results"] == []
    assert client_of(collaborator).get(LIST).status_code == 404
    assert Client().get(f"{LIST}{approved.pk}/").status_code == 401
    own = api_client(approved.approved_by)
    assert own.get(LIST, {"unit": other_town.pk}).status_code == 404


@pytest.mark.django_db
def test_no_collaborator_is_named(approved, leader):
    snapshot = approved.snapshot
    assert snapshot["quote_candidates"] and snapshot["proposals"] is not None
    body = api_client(leader).get(f"{LIST}{approved.pk}/").content.decode()
    assert "Trần Thị Hoa" not in body and "Lê Văn Bình" not in body
    assert "quote_candidates" not in body and '"proposals"' not in body


@pytest.mark.django_db
def test_links_to_the_files_are_the_pages_downloads(approved, leader, client_of):
    Summary.objects.filter(pk=approved.pk).update(
        pdf="summaries/x.pdf", rendered_revision=F("revision")
    )
    files = api_client(leader).get(LIST).json()["results"][0]["files"]
    assert files["xlsx"].endswith(f"/summaries/{approved.pk}/files/xlsx/")
    assert files["pdf"].endswith(f"/summaries/{approved.pk}/files/pdf/")
    assert files["docx"] is None
    download = client_of(leader).get(files["xlsx"])
    assert download.status_code == 200


@pytest.mark.django_db
def test_a_summary_read_is_recorded_as_its_page(approved, leader):
    client = api_client(leader)
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    client.get(LIST)
    assert not accesses.exists()  # a list, as the list page
    client.get(f"{LIST}{approved.pk}/")
    entry = accesses.get()
    assert entry.actor == leader and entry.object_pk == str(approved.pk)
    assert entry.additional_data["kind"] == "view"


@pytest.mark.django_db
def test_the_list_reads_in_three_queries(approved, leader, django_assert_num_queries):
    client = api_client(leader)
    client.get(LIST)  # the key's use is noted once a minute
    # The key with its owner, the subtree's unit ids, the summaries.
    with django_assert_num_queries(3):
        assert len(client.get(LIST, {"format": "csv"}).content.splitlines()) == 2
