"""Summary pages, what staff and leaders may do: compiling on demand and its
progress, editing and approving a draft, read receipts and the files."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from dluan.models import Notification
from summaries import services
from summaries.models import Summary, SummaryRead
from summaries.tests.helpers import (
    FILES,
    NARRATIVE,
    PAGES,
    STAFF_ACTIONS,
    compiled,
    counts,
    edit_data,
    flashed,
    url,
    vi,
)

# --- Who may: staff compile, edit and approve --------------------------------------


def test_staff_list_shows_the_units_summaries_and_the_compile_form(
    client_of, staff, draft, period, town, commune, other_commune
):
    response = client_of(staff).get(reverse("summaries:summary-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert url("summary-detail", draft) in page
    assert reverse("summaries:summary-compile") in page
    form = response.context["compile_form"]
    units = [pk for pk, _label in form.fields["unit"].choices]
    assert units == [town.pk, commune.pk, other_commune.pk]
    assert period in form.fields["period"].queryset


def test_staff_compiles_on_demand_version_1(
    client_of, staff, town, period, reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(
            reverse("summaries:summary-compile"), {"unit": town.pk, "period": period.pk}
        )
    summary = Summary.objects.get()
    assert response.status_code == 302
    assert response["Location"] == summary.get_absolute_url()
    assert (summary.unit, summary.period, summary.version) == (town, period, 1)
    assert summary.requested_by == staff
    # In tests the task runs eagerly, inline, once the request commits.
    assert summary.status == Summary.Status.DRAFT
    assert summary.files_ready
    assert summary.snapshot["reports"]["accepted"]["value"] == 2
    assert flashed(response) == [
        vi("Version %(version)s is being compiled.") % {"version": 1}
    ]


def test_compiling_again_makes_version_2_with_the_narrative(
    client_of, staff, draft, period, django_capture_on_commit_callbacks
):
    services.summary_edit(
        summary=draft, user=staff, data={"general_situation": NARRATIVE}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(
            reverse("summaries:summary-compile"),
            {"unit": draft.unit_id, "period": period.pk},
        )
    new = Summary.objects.get(version=2)
    assert response["Location"] == new.get_absolute_url()
    assert new.general_situation == NARRATIVE
    assert new.status == Summary.Status.DRAFT
    draft.refresh_from_db()
    assert draft.status == Summary.Status.DRAFT  # the old version is kept


def test_new_version_of_an_approved_summary_carries_the_narrative(
    client_of, staff, draft, django_capture_on_commit_callbacks
):
    services.summary_edit(
        summary=draft, user=staff, data={"general_situation": NARRATIVE}
    )
    services.summary_approve(summary=draft, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(url("summary-recompile", draft))
    new = Summary.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    assert new.general_situation == NARRATIVE
    assert new.status == Summary.Status.DRAFT
    assert new.approved_by is None


def test_two_compile_requests_while_one_is_queued_give_the_same_version(
    client_of, staff, town, period
):
    queued = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    client = client_of(staff)
    for _attempt in range(2):
        response = client.post(
            reverse("summaries:summary-compile"), {"unit": town.pk, "period": period.pk}
        )
        assert response["Location"] == queued.get_absolute_url()
    assert list(Summary.objects.values_list("version", "status")) == [(1, "queued")]


def test_recompile_while_queued_gives_the_same_version(client_of, staff, town, period):
    queued = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    response = client_of(staff).post(url("summary-recompile", queued))
    assert response["Location"] == queued.get_absolute_url()
    assert Summary.objects.count() == 1


def test_staff_detail_of_a_draft(client_of, staff, draft):
    response = client_of(staff).get(url("summary-detail", draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="brief"' in page
    assert url("summary-edit", draft) in page
    assert url("summary-approve", draft) in page
    assert url("summary-download", draft, "pdf") in page
    assert url("summary-download", draft, "xlsx") in page
    assert 'data-testid="summary-progress"' not in page
    # Vietnamese by default: the navigation, the heading, the status, the brief.
    assert "Trang chủ" in page
    assert "Báo cáo tổng hợp" in page
    assert "Nháp" in page
    assert "BÁO CÁO" in page
    assert 'lang="vi"' in page


def test_edit_saves_the_narrative_and_picked_quotes(
    client_of, staff, draft, django_capture_on_commit_callbacks
):
    client = client_of(staff)
    form = client.get(url("summary-edit", draft))
    assert form.status_code == 200
    candidates = form.context["form"].candidates
    assert len(candidates) == 2
    key = next(k for k, quote in candidates.items() if "Tứ Hạ" in quote["text"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("summary-edit", draft),
            edit_data(draft, general_situation=NARRATIVE, picked=[key]),
        )
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [vi("Summary saved.")]
    saved = Summary.objects.get()
    assert saved.general_situation == NARRATIVE
    assert [quote["text"] for quote in saved.quotes] == [candidates[key]["text"]]
    assert saved.edited_by == staff
    assert saved.revision == draft.revision + 1
    # The brief was rendered again from the new text (eagerly, after commit).
    assert saved.files_ready
    page = client.get(url("summary-detail", saved)).content.decode()
    assert NARRATIVE in page


def test_edit_with_a_stale_revision_shows_the_conflict_and_changes_nothing(
    client_of, staff, draft
):
    services.summary_edit(
        summary=draft, user=staff, data={"general_situation": "Bản của người khác."}
    )
    response = client_of(staff).post(
        url("summary-edit", draft),
        edit_data(draft, general_situation=NARRATIVE, revision=draft.revision),
    )
    assert response.status_code == 200
    conflict = vi(
        "Someone else changed this summary while you were editing. "
        "Open it again to see their changes."
    )
    assert conflict in response.context["form"].non_field_errors()
    saved = Summary.objects.get()
    assert saved.general_situation == "Bản của người khác."
    assert saved.revision == draft.revision + 1


def test_edit_ignores_fields_set_on_the_server(
    client_of, staff, other_staff, other_town, draft
):
    snapshot = draft.snapshot
    response = client_of(staff).post(
        url("summary-edit", draft),
        edit_data(
            draft,
            general_situation=NARRATIVE,
            status="approved",
            unit=other_town.pk,
            period=0,
            approved_by=other_staff.pk,
            approved_at="2026-01-01 08:00",
            version=99,
            snapshot="{}",
            progress=5,
            error="hỏng",
        ),
    )
    assert response.status_code == 302
    saved = Summary.objects.get()
    assert saved.general_situation == NARRATIVE
    assert saved.status == Summary.Status.DRAFT
    assert saved.unit == draft.unit
    assert saved.period == draft.period
    assert saved.approved_by is None
    assert saved.approved_at is None
    assert saved.version == 1
    assert saved.snapshot == snapshot
    assert saved.progress == 100
    assert saved.error == ""


def test_approve_makes_it_read_only_and_tells_the_leader(
    client_of, staff, leader, other_staff, draft
):
    client = client_of(staff)
    response = client.post(url("summary-approve", draft), {"revision": draft.revision})
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [
        vi("Summary approved; the unit's leaders have been told.")
    ]
    draft.refresh_from_db()
    assert draft.status == Summary.Status.APPROVED
    assert draft.approved_by == staff
    [notice] = Notification.objects.all()
    assert notice.recipient == leader
    assert notice.url == draft.get_absolute_url()

    # Read-only: the edit page sends back with a message, nothing is saved.
    only_drafts = vi("Only a draft can be changed; make a new version to change it.")
    client.get(draft.get_absolute_url())  # shows (and clears) the messages
    response = client.get(url("summary-edit", draft))
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [only_drafts]
    client.get(draft.get_absolute_url())
    response = client.post(
        url("summary-edit", draft), edit_data(draft, general_situation=NARRATIVE)
    )
    assert response["Location"] == draft.get_absolute_url()
    approved_at = draft.approved_at
    client.get(draft.get_absolute_url())
    response = client.post(url("summary-approve", draft), {"revision": draft.revision})
    assert flashed(response) == [only_drafts]
    draft.refresh_from_db()
    assert draft.general_situation == ""
    assert draft.approved_at == approved_at
    assert Notification.objects.count() == 1
    page = client.get(url("summary-detail", draft)).content.decode()
    assert url("summary-edit", draft) not in page
    assert url("summary-approve", draft) not in page
    assert url("summary-recompile", draft) in page


def test_approve_with_a_stale_revision_fails(client_of, staff, draft):
    stale = draft.revision
    services.summary_edit(
        summary=draft, user=staff, data={"general_situation": NARRATIVE}
    )
    response = client_of(staff).post(url("summary-approve", draft), {"revision": stale})
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [
        vi(
            "Someone else changed this summary while you were editing. "
            "Open it again to see their changes."
        )
    ]
    draft.refresh_from_db()
    assert draft.status == Summary.Status.DRAFT
    assert not Notification.objects.exists()


def test_leader_reads_an_approved_summary_once_and_staff_see_when(
    client, client_of, staff, leader, approved
):
    reader = client_of(leader)
    response = reader.get(url("summary-detail", approved))
    assert response.status_code == 200
    assert url("summary-read", approved) in response.content.decode()
    assert url("summary-edit", approved) not in response.content.decode()
    assert url("summary-approve", approved) not in response.content.decode()
    assert response.context["readers"] is None

    response = reader.post(url("summary-read", approved))
    assert response["Location"] == approved.get_absolute_url()
    receipt = SummaryRead.objects.get()
    assert (receipt.summary, receipt.user) == (approved, leader)
    reader.post(url("summary-read", approved))
    assert list(SummaryRead.objects.all()) == [receipt]
    assert SummaryRead.objects.get().read_at == receipt.read_at
    page = reader.get(url("summary-detail", approved)).content.decode()
    assert url("summary-read", approved) not in page

    client.logout()
    response = client_of(staff).get(url("summary-detail", approved))
    readers = response.context["readers"]
    assert [(row["user"], row["read"]) for row in readers] == [(leader, receipt)]
    when = formats.date_format(timezone.localtime(receipt.read_at), "d/m/Y H:i")
    assert f"{leader.get_full_name()}: {when}" in response.content.decode()


def test_a_draft_cannot_be_marked_read(client_of, staff, draft):
    response = client_of(staff).post(url("summary-read", draft))
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [vi("Only an approved summary can be marked as read.")]
    assert not SummaryRead.objects.exists()


def test_leader_downloads_the_real_pdf_and_the_workbook(
    client_of,
    staff,
    leader,
    town,
    period,
    reports,
    django_capture_on_commit_callbacks,
):
    summary = compiled(town, period, staff)
    services.summary_edit(
        summary=summary, user=staff, data={"general_situation": NARRATIVE}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_of(staff).post(
            url("summary-approve", summary), {"revision": summary.revision + 1}
        )
    summary.refresh_from_db()
    assert summary.status == Summary.Status.APPROVED
    assert summary.files_ready  # rendered again after the approval

    client = client_of(leader)
    response = client.get(url("summary-download", summary, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(url("summary-download", summary, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    response = client.get(url("summary-download", summary, "docx"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_files_are_404_until_rendered_again_after_an_edit(client_of, staff, draft):
    services.summary_edit(
        summary=draft, user=staff, data={"general_situation": NARRATIVE}
    )  # the render is queued on commit, which never comes here
    client = client_of(staff)
    assert client.get(url("summary-download", draft, "pdf")).status_code == 404
    assert client.get(url("summary-download", draft, "docx")).status_code == 404
    # The workbook holds only the frozen figures: still there.
    assert client.get(url("summary-download", draft, "xlsx")).status_code == 200
    response = client.get(url("summary-status", draft))
    assert response.status_code == 200
    assert 'data-testid="summary-progress"' in response.content.decode()


@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_a_get_changes_nothing(request, client_of, approved, draft, persona):
    user = request.getfixturevalue(persona)
    client = client_of(user)
    before = counts()
    states = list(Summary.objects.values_list("pk", "status", "revision"))
    targets = [reverse("summaries:summary-list"), reverse("home")]
    for summary in (approved, draft):
        targets += [url(name, summary) for name in (*PAGES, "summary-edit")]
        targets += [url("summary-download", summary, kind) for kind in FILES]
        targets += [url(name, summary) for name in (*STAFF_ACTIONS, "summary-read")]
    for target in targets:
        assert client.get(target).status_code in (200, 204, 302, 404, 405), target
    assert counts() == before
    assert list(Summary.objects.values_list("pk", "status", "revision")) == states


def test_admin_opens_any_units_summary(client_of, admin_user, draft):
    response = client_of(admin_user).get(url("summary-detail", draft))
    assert response.status_code == 200
    assert url("summary-approve", draft) in response.content.decode()


# --- Failure, retry and progress ---------------------------------------------------


def test_failed_summary_shows_the_error_and_a_retry_button(
    client_of, staff, leader, draft, django_capture_on_commit_callbacks
):
    Summary.objects.filter(pk=draft.pk).update(
        status=Summary.Status.FAILED, error="Lỗi khi dựng biểu đồ (thử nghiệm)."
    )
    client = client_of(staff)
    response = client.get(url("summary-detail", draft))
    page = response.content.decode()
    assert 'data-testid="summary-failed"' in page
    assert "Lỗi khi dựng biểu đồ (thử nghiệm)." in page
    assert url("summary-retry", draft) in page
    assert 'data-testid="summary-progress"' not in page
    # A failed one is finished too: a page still polling reloads itself.
    status = client.get(url("summary-status", draft))
    assert status.status_code == 204
    assert status["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("summary-retry", draft))
    assert len(callbacks) == 1
    assert response["Location"] == draft.get_absolute_url()
    assert flashed(response) == [vi("The compilation has been queued again.")]
    retried = Summary.objects.get()
    assert retried.version == 1
    assert retried.status == Summary.Status.DRAFT
    assert retried.error == ""
    assert retried.files_ready


def test_retry_of_a_compiled_summary_is_refused(client_of, staff, draft):
    response = client_of(staff).post(url("summary-retry", draft))
    assert flashed(response) == [vi("Only a failed compilation can be retried.")]
    draft.refresh_from_db()
    assert draft.status == Summary.Status.DRAFT


def test_status_partial_shows_progress_while_running_then_asks_for_a_reload(
    client_of, staff, town, period, reports
):
    queued = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    client = client_of(staff)
    detail = client.get(url("summary-detail", queued)).content.decode()
    assert 'data-testid="summary-progress"' in detail
    assert f'hx-get="{url("summary-status", queued)}"' in detail
    assert 'data-testid="brief"' not in detail

    response = client.get(url("summary-status", queued))
    assert response.status_code == 200
    partial = response.content.decode()
    assert 'data-testid="summary-progress"' in partial
    assert '<progress id="summary-progress-bar"' in partial
    assert vi("Waiting for the worker…") in partial
    assert "HX-Refresh" not in response

    Summary.objects.filter(pk=queued.pk).update(
        status=Summary.Status.COMPILING, progress=42, progress_step="workbook"
    )
    partial = client.get(url("summary-status", queued)).content.decode()
    assert 'value="42"' in partial
    assert vi("Compiling: %(step)s").split(":")[0] in partial

    services.summary_compile(summary_id=queued.pk)
    response = client.get(url("summary-status", queued))
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert response.content == b""
