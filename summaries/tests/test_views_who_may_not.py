"""Summary pages: who may not open them or act on them."""

import pytest
from django.urls import reverse

from summaries.models import Summary, SummaryRead
from summaries.tests.helpers import (
    FILES,
    PAGES,
    STAFF_ACTIONS,
    counts,
    flashed,
    url,
    vi,
)

# --- Who may not -------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(client, draft):
    gets = [reverse("summaries:summary-list")]
    gets += [url(name, draft) for name in (*PAGES, "summary-edit")]
    gets += [url("summary-download", draft, kind) for kind in FILES]
    posts = [reverse("summaries:summary-compile")]
    posts += [
        url(name, draft) for name in (*STAFF_ACTIONS, "summary-edit", "summary-read")
    ]
    for target in gets:
        response = client.get(target)
        assert response.status_code == 302, target
        assert response["Location"].startswith("/login/"), target
    for target in posts:
        response = client.post(target)
        assert response.status_code == 302, target
        assert response["Location"].startswith("/login/"), target
    assert Summary.objects.get().status == Summary.Status.DRAFT


def test_collaborator_gets_404_everywhere(client_of, collaborator, approved, period):
    client = client_of(collaborator)
    assert client.get(reverse("summaries:summary-list")).status_code == 404
    for name in (*PAGES, "summary-edit"):
        assert client.get(url(name, approved)).status_code == 404, name
    for kind in FILES:
        assert client.get(url("summary-download", approved, kind)).status_code == 404
    for name in (*STAFF_ACTIONS, "summary-edit", "summary-read"):
        assert client.post(url(name, approved)).status_code == 404, name
    response = client.post(
        reverse("summaries:summary-compile"),
        {"unit": approved.unit_id, "period": period.pk},
    )
    assert response.status_code == 404
    assert not SummaryRead.objects.exists()
    assert Summary.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_other_units_staff_gets_404_on_every_summary_of_the_unit(
    request, client_of, other_staff, state
):
    summary = request.getfixturevalue(state)
    before = counts()
    client = client_of(other_staff)
    for name in (*PAGES, "summary-edit"):
        assert client.get(url(name, summary)).status_code == 404, name
    for kind in FILES:
        assert client.get(url("summary-download", summary, kind)).status_code == 404
    for name in (*STAFF_ACTIONS, "summary-edit", "summary-read"):
        assert client.post(url(name, summary)).status_code == 404, name
    response = client.get(reverse("summaries:summary-list"))
    assert response.status_code == 200
    assert url("summary-detail", summary) not in response.content.decode()
    assert counts() == before
    summary.refresh_from_db()
    assert summary.status == state


def test_other_units_staff_cannot_compile_for_the_unit(
    client_of, other_staff, town, period
):
    response = client_of(other_staff).post(
        reverse("summaries:summary-compile"), {"unit": town.pk, "period": period.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("summaries:summary-list")
    assert flashed(response) == [vi("Choose a unit and a reporting period.")]
    assert not Summary.objects.exists()


def test_leader_gets_404_on_a_draft(client_of, leader, draft):
    client = client_of(leader)
    for name in PAGES:
        assert client.get(url(name, draft)).status_code == 404, name
    for kind in FILES:
        assert client.get(url("summary-download", draft, kind)).status_code == 404
    assert client.post(url("summary-read", draft)).status_code == 404
    response = client.get(reverse("summaries:summary-list"))
    assert url("summary-detail", draft) not in response.content.decode()
    assert not SummaryRead.objects.exists()


def test_leader_gets_404_on_staff_actions(client_of, leader, approved, draft, period):
    # Version 1 approved, version 2 a draft of the same period.
    client = client_of(leader)
    before = counts()
    for summary in (approved, draft):
        assert client.get(url("summary-edit", summary)).status_code == 404
        assert client.post(url("summary-edit", summary)).status_code == 404
        for name in STAFF_ACTIONS:
            assert client.post(url(name, summary)).status_code == 404, name
    response = client.post(
        reverse("summaries:summary-compile"),
        {"unit": approved.unit_id, "period": period.pk},
    )
    assert response.status_code == 404
    assert counts() == before
    draft.refresh_from_db()
    assert draft.status == Summary.Status.DRAFT


def test_leader_sees_no_compile_form(client_of, leader, approved):
    response = client_of(leader).get(reverse("summaries:summary-list"))
    assert response.status_code == 200
    assert response.context["compile_form"] is None
    assert reverse("summaries:summary-compile") not in response.content.decode()
    assert url("summary-detail", approved) in response.content.decode()


def test_actions_refuse_a_get(client_of, staff, draft):
    # Actions that change something take only POST.
    client = client_of(staff)
    for name in (*STAFF_ACTIONS, "summary-read"):
        assert client.get(url(name, draft)).status_code == 405, name
    assert client.get(reverse("summaries:summary-compile")).status_code == 405


def test_unknown_file_kind_is_404(client_of, staff, draft):
    response = client_of(staff).get(f"/summaries/{draft.pk}/files/exe/")
    assert response.status_code == 404
