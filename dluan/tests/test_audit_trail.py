"""The audit trail page: staff read their subtree's entries, admins all; nobody changes them."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator
from reports.models import OpinionReport
from reports.tests.factories import OpinionReportFactory

URL = reverse("audit-trail")


@pytest.fixture
def report(collaborator):
    return OpinionReportFactory(
        author=collaborator.collaborator, title="Sạt lở bờ sông"
    )


@pytest.fixture
def far_report(other_town):
    """A report of the other town, read by its staff."""
    from dluan.models import User
    from dluan.tests.factories import UserFactory

    user = UserFactory(role=User.Role.COLLABORATOR, org_unit=other_town)
    author = Collaborator.objects.create(
        full_name="Võ Thị Lan",
        gender=Collaborator.Gender.FEMALE,
        unit=other_town,
        user=user,
    )
    return OpinionReportFactory(author=author, title="Giải tỏa chợ Thủy Dương")


@pytest.fixture
def seen(client_of, staff, other_staff, report, far_report):
    """Each town's staff have read their own report once."""
    client_of(staff).get(reverse("reports:report-detail", args=[report.pk]))
    client_of(other_staff).get(reverse("reports:report-detail", args=[far_report.pk]))
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 2


def rows(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="audit-entries"') :]


def test_staff_read_the_entries_of_their_subtree_only(
    client_of, staff, other_staff, report, far_report, seen
):
    page = rows(client_of(staff).get(URL))
    assert report.title in page
    assert staff.full_name in page
    assert far_report.title not in page
    assert other_staff.full_name not in page
    # The report is theirs to open: the entry links to it.
    assert f'href="{reverse("reports:report-detail", args=[report.pk])}"' in page

    other = rows(client_of(other_staff).get(URL))
    assert far_report.title in other
    assert report.title not in other


def test_staff_read_the_changes_made_in_their_subtree(client_of, staff, report, seen):
    client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]), {"version": report.version}
    )
    page = rows(client_of(staff).get(URL, {"kind": "change"}))
    assert report.title in page
    assert staff.full_name in page


def test_an_admin_reads_every_entry(client_of, admin_user, report, far_report, seen):
    page = rows(client_of(admin_user).get(URL))
    assert report.title in page
    assert far_report.title in page


@pytest.mark.parametrize("persona", ["collaborator", "leader"])
def test_collaborators_and_leaders_get_404(request, client_of, persona, seen):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, seen):
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_changes_nothing(client_of, admin_user, staff, seen):
    before = list(LogEntry.objects.values_list("pk", "action", "additional_data"))
    for user in (staff, admin_user):
        client = client_of(user)
        for method in ("post", "put", "delete", "patch"):
            assert getattr(client, method)(URL).status_code == 405
    assert list(LogEntry.objects.values_list("pk", "action", "additional_data")) == (
        before
    )
    # The page itself offers no form but its GET filters.
    html = client_of(staff).get(URL).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "<form" in main
    assert not re.search(r"<form[^>]*method=\"post\"", main)


def test_the_admin_log_entries_are_read_only(client_of, admin_user, seen):
    client = client_of(admin_user)
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).first()
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    changelist = reverse("admin:auditlog_logentry_changelist")
    assert client.get(change).status_code == 200
    assert client.post(change, {"object_repr": "x"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert LogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


# --- Filters ----------------------------------------------------------------------


def test_filter_by_who(client_of, admin_user, staff, other_staff, report, seen):
    client = client_of(admin_user)
    page = rows(client.get(URL, {"actor": other_staff.username}))
    assert report.title not in page
    page = rows(client.get(URL, {"actor": staff.username.upper()}))
    assert report.title in page


def test_an_unknown_username_says_so_and_lists_nothing(client_of, staff, report, seen):
    response = client_of(staff).get(URL, {"actor": "khong-co-ai"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "invalid-feedback" in html
    assert report.title not in rows(response)


def test_filter_by_kind(client_of, staff, report, seen):
    client = client_of(staff)
    assert report.title in rows(client.get(URL, {"kind": "view"}))
    assert report.title not in rows(client.get(URL, {"kind": "download"}))
    assert report.title not in rows(client.get(URL, {"kind": "archive"}))


def test_an_export_shows_its_filters(client_of, staff, seen):
    client = client_of(staff)
    client.get(reverse("collaborators:collaborator-export"), {"q": "Hoa"})
    page = rows(client.get(URL, {"kind": "export"}))
    assert page.count('data-testid="audit-entry"') == 1
    assert "q=Hoa" in page
    assert staff.full_name in page


def test_filter_by_archive(client_of, collaborator, staff, commune):
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        title="Bản nháp về rác thải",
        status=OpinionReport.Status.DRAFT,
        submitted_at=None,
    )
    report.status = OpinionReport.Status.ARCHIVED
    report.save()
    client = client_of(staff)
    assert report.title in rows(client.get(URL, {"kind": "archive"}))
    page = rows(client.get(URL, {"kind": "change"}))
    assert report.title not in page


def test_filter_by_object_type(client_of, staff, collaborator, report, seen):
    client = client_of(staff)
    record = Collaborator.objects.get(user=collaborator)
    client.get(reverse("collaborators:collaborator-detail", args=[record.pk]))
    page = rows(
        client.get(URL, {"kind": "view", "object_type": "reports.opinionreport"})
    )
    assert report.title in page
    assert record.full_name not in page
    page = rows(
        client.get(URL, {"kind": "view", "object_type": "collaborators.collaborator"})
    )
    assert record.full_name in page
    assert report.title not in page


def test_filter_by_unit_below_ones_own(
    client_of, staff, commune, other_commune, other_collaborator, report, seen
):
    other = OpinionReportFactory(
        author=other_collaborator.collaborator, title="Đường ngập nước"
    )
    client = client_of(staff)
    client.get(reverse("reports:report-detail", args=[other.pk]))
    page = rows(client.get(URL, {"unit": commune.pk}))
    assert report.title in page
    assert other.title not in page


def test_another_units_id_is_refused(client_of, staff, other_town, far_report, seen):
    response = client_of(staff).get(URL, {"unit": other_town.pk})
    assert far_report.title not in rows(response)
    assert "invalid-feedback" in response.content.decode()


def test_filter_by_date_range(client_of, staff, report, seen):
    client = client_of(staff)
    today = timezone.localdate()
    day = today.strftime("%d/%m/%Y")
    assert report.title in rows(client.get(URL, {"date_from": day, "date_to": day}))
    yesterday = (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert report.title not in rows(client.get(URL, {"date_to": yesterday}))
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert report.title not in rows(client.get(URL, {"date_from": tomorrow}))


def test_an_end_before_the_start_is_refused(client_of, staff, report, seen):
    response = client_of(staff).get(
        URL, {"date_from": "10/05/2026", "date_to": "01/05/2026"}
    )
    assert "invalid-feedback" in response.content.decode()
    assert report.title not in rows(response)


# --- Scale --------------------------------------------------------------------------


def _entries(count: int, *, unit, actor):
    report_type = ContentType.objects.get_for_model(OpinionReport)
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=report_type,
            object_pk=str(1_000_000 + n),
            object_id=1_000_000 + n,
            object_repr=f"Báo cáo {n}",
            action=LogEntry.Action.ACCESS,
            actor=actor,
            remote_addr="10.0.0.1",
            additional_data={"kind": "view", "unit": unit.pk},
        )
        for n in range(count)
    )


def test_query_count_is_pinned_and_does_not_grow_with_entries(
    client_of, staff, commune, report, seen, django_assert_num_queries
):
    client = client_of(staff)
    _entries(30, unit=commune, actor=staff)
    client.get(URL)
    # Session, user, their unit, its subtree, the page's keys, its rows, which
    # of its reports the reader may open, the unread count, the unit filter.
    with django_assert_num_queries(9):
        first = client.get(URL)
    _entries(90, unit=commune, actor=staff)
    with django_assert_num_queries(9):
        second = client.get(URL)
    assert first.status_code == second.status_code == 200
    assert len(re.findall('data-testid="audit-entry"', second.content.decode())) == 25
    with django_assert_num_queries(9):
        assert client.get(URL, {"page": 4}).status_code == 200


def test_no_admin_page_deletes_entries_along_with_something_else(rf, admin_user):
    from django.contrib import admin
    from django.urls import resolve

    request = rf.post(reverse("admin:dluan_user_delete", args=[admin_user.pk]))
    request.user = admin_user
    request.resolver_match = resolve(request.path)
    model_admin = admin.site._registry[LogEntry]
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)
