import pytest
from django.urls import reverse

from dluan.tests.factories import OrgUnitFactory
from dluan.uploads import IMAGES, check_upload
from reports.models import OpinionReport
from reports.tests.conftest import jpeg_with_gps
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)


def _reports(author, count, streams=2, topics=()):
    made = []
    for _index in range(count):
        report = OpinionReportFactory(author=author)
        for _stream in range(streams):
            OpinionStreamFactory(report=report)
        report.topics.set(topics)
        made.append(report)
    return made


# --- Queue -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("reports:report-queue"))
    assert response.status_code == 302


def test_collaborator_cannot_open_the_queue(client_of, collaborator):
    assert (
        client_of(collaborator).get(reverse("reports:report-queue")).status_code == 404
    )


def test_staff_sees_own_subtree_only(
    client_of, staff, other_staff, report, other_report
):
    page = client_of(staff).get(reverse("reports:report-queue")).context["page"]
    assert set(page) == {report, other_report}
    page = client_of(other_staff).get(reverse("reports:report-queue")).context["page"]
    assert list(page) == []


def test_queue_hides_drafts_and_orders_urgent_then_oldest(
    client_of, staff, collaborator
):
    author = collaborator.collaborator
    old, new = _reports(author, 2, streams=0)
    urgent = OpinionReportFactory(author=author, urgency=3)
    OpinionReportFactory(author=author, status=OpinionReport.Status.DRAFT)
    page = client_of(staff).get(reverse("reports:report-queue")).context["page"]
    assert list(page) == [urgent, old, new]


def test_search_ignores_diacritics(client_of, staff, collaborator):
    target = OpinionReportFactory(
        author=collaborator.collaborator, title="Tín dụng đen ở chợ"
    )
    OpinionReportFactory(author=collaborator.collaborator, title="Sạt lở")
    response = client_of(staff).get(
        reverse("reports:report-queue"), {"q": "tin dung den"}
    )
    assert list(response.context["page"]) == [target]


def test_search_covers_streams_and_proposals(client_of, staff, collaborator):
    report = OpinionReportFactory(
        author=collaborator.collaborator, proposals="Kè bờ sông"
    )
    OpinionStreamFactory(report=report, summary="Người dân hoảng sợ")
    report.refresh_search_text()
    report.save()
    client = client_of(staff)
    for query in ("hoang so", "KE BO SONG"):
        page = client.get(reverse("reports:report-queue"), {"q": query}).context["page"]
        assert list(page) == [report]


def test_filters(client_of, staff, collaborator, topic):
    author = collaborator.collaborator
    tagged = OpinionReportFactory(author=author, kind="urgent", urgency=2)
    tagged.topics.add(topic)
    OpinionStreamFactory(report=tagged, direction="concern")
    other = OpinionReportFactory(author=author)
    OpinionStreamFactory(report=other, direction="support")
    client = client_of(staff)
    for params in (
        {"topic": topic.pk},
        {"direction": "concern"},
        {"kind": "urgent"},
        {"urgency": 2},
        {"unit": collaborator.org_unit.pk, "topic": topic.pk},
        {"period": tagged.period_id, "direction": "concern"},
    ):
        page = client.get(reverse("reports:report-queue"), params).context["page"]
        assert list(page) == [tagged], params
    page = client.get(reverse("reports:report-queue"), {"status": "accepted"}).context[
        "page"
    ]
    assert list(page) == []


@pytest.mark.parametrize("count", [1, 6])
def test_queue_query_count_does_not_grow(
    client_of, staff, collaborator, django_assert_num_queries, count
):
    topics = [TopicFactory(), TopicFactory()]
    _reports(collaborator.collaborator, count, streams=3, topics=topics)
    client = client_of(staff)
    client.get(reverse("reports:report-queue"))  # warm the session
    with django_assert_num_queries(13):
        response = client.get(reverse("reports:report-queue"))
    assert len(response.context["page"]) == count
    assert [report.stream_count for report in response.context["page"]] == [3] * count


def test_queue_says_how_many_and_a_search_pages_without_counting(
    client_of, staff, collaborator
):
    _reports(collaborator.collaborator, 27, streams=1)
    client = client_of(staff)
    page = client.get(reverse("reports:report-queue")).context["page"]
    assert (page.paginator.count_kind, page.paginator.count) == ("exact", 27)
    response = client.get(reverse("reports:report-queue"), {"q": "khai thac"})
    page = response.context["page"]
    assert page.paginator.count_kind == "uncounted"
    assert len(page) == 25 and page.has_next()
    text = response.content.decode()
    assert "Trang 1" in text and "Trang 1 /" not in text
    second = client.get(reverse("reports:report-queue"), {"q": "khai thac", "page": 2})
    assert len(second.context["page"]) == 2
    assert not second.context["page"].has_next()


def test_queue_unit_filter_goes_down_the_tree_a_level_at_a_time(
    client_of, staff, admin_user, town, commune, other_town, collaborator
):
    street = OrgUnitFactory(name="Tổ dân phố 3", kind="other", parent=commune)
    report = OpinionReportFactory(author=collaborator.collaborator, unit=street)

    def listed(response):
        form = response.context["form"]
        return [label for value, label in form.fields["unit"].widget.choices if value]

    client = client_of(staff)
    names = listed(client.get(reverse("reports:report-queue")))
    assert names == [town.indented_name, commune.indented_name]
    # A unit picked shows the way down to it and the level below it...
    response = client.get(reverse("reports:report-queue"), {"unit": commune.pk})
    assert street.indented_name in listed(response)
    # ...and any unit of the subtree filters, listed or not.
    response = client.get(reverse("reports:report-queue"), {"unit": street.pk})
    assert list(response.context["page"]) == [report]
    # Outside the subtree is not a choice at all.
    response = client.get(reverse("reports:report-queue"), {"unit": other_town.pk})
    assert response.context["form"].errors["unit"]
    # A superuser starts from the provinces and the level below them.
    names = listed(client_of(admin_user).get(reverse("reports:report-queue")))
    assert town.indented_name in names and other_town.indented_name in names
    assert commune.indented_name not in names


# --- Report page ----------------------------------------------------------------------------------


def test_report_page_who_may(
    client_of, report, collaborator, staff, leader, admin_user
):
    url = report.get_absolute_url()
    for user in (collaborator, staff, leader, admin_user):
        assert client_of(user).get(url).status_code == 200, user


def test_report_page_who_may_not(
    client_of, report, other_collaborator, other_staff, client
):
    url = report.get_absolute_url()
    assert client.get(url).status_code == 302
    assert client_of(other_collaborator).get(url).status_code == 404
    assert client_of(other_staff).get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_report_page_query_count_does_not_grow(
    client_of, staff, collaborator, commune, django_assert_num_queries, count
):
    from reports import services

    report = OpinionReportFactory(author=collaborator.collaborator)
    for _index in range(count):
        OpinionStreamFactory(report=report)
    report.topics.set([TopicFactory() for _index in range(count)])
    services.attachments_add(
        report=report,
        user=collaborator,
        files=[
            check_upload(jpeg_with_gps(f"a{i}.jpg"), allowed=IMAGES)
            for i in range(count)
        ],
    )
    client = client_of(staff)
    client.get(report.get_absolute_url())
    # 13, and the audit trail's reading of the report's author and its insert.
    with django_assert_num_queries(15):
        response = client.get(report.get_absolute_url())
    assert len(response.context["streams"]) == count
    assert len(response.context["attachments"]) == count


# --- Actions ---------------------------------------------------------------------------------------

ACTIONS = [
    ("reports:report-accept", {}),
    ("reports:report-return", {"question": "Bao nhiêu hộ?"}),
    ("reports:report-rumour", {"is_rumour": "1"}),
    (
        "reports:report-rate",
        {"depth": 4, "balance": 4, "timeliness": 4, "usefulness": 4},
    ),
]


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_actions_refused_to_others(
    client_of, report, collaborator, other_staff, leader, name, data
):
    url = reverse(name, args=[report.pk])
    post = {"version": report.version, **data}
    for user in (collaborator, other_staff, leader):
        assert client_of(user).post(url, post).status_code == 404, user
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.version == 1


def test_accept(client_of, staff, report):
    response = client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ACCEPTED
    assert report.reviewed_by == staff


def test_stale_form_gets_a_conflict_and_nothing_changes(client_of, staff, report):
    client = client_of(staff)
    stale = report.version
    client.post(
        reverse("reports:report-rate", args=[report.pk]),
        {
            "version": stale,
            "depth": 5,
            "balance": 5,
            "timeliness": 5,
            "usefulness": 5,
            "feedback": "Rất tốt",
        },
    )
    response = client.post(
        reverse("reports:report-return", args=[report.pk]),
        {"version": stale, "question": "Bổ sung?"},
        follow=True,
    )
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.feedback == "Rất tốt"
    messages = [m.level_tag for m in response.context["messages"]]
    assert messages[-1] == "error"


def test_return_without_question_re_renders_with_error(client_of, staff, report):
    response = client_of(staff).post(
        reverse("reports:report-return", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 400
    assert response.context["return_form"].errors["question"]
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED


def test_rating_feedback_is_shown_to_the_collaborator(
    client_of, staff, report, collaborator
):
    client_of(staff).post(
        reverse("reports:report-rate", args=[report.pk]),
        {
            "version": report.version,
            "depth": 4,
            "balance": 2,
            "timeliness": 5,
            "usefulness": 3,
            "feedback": "Cần nêu thêm ý kiến trái chiều.",
        },
    )
    page = client_of(collaborator).get(report.get_absolute_url())
    assert "Cần nêu thêm ý kiến trái chiều." in page.content.decode()
    assert page.context["report"].quality_balance == 2


def test_retag(client_of, staff, report, topic):
    client_of(staff).post(
        reverse("reports:report-retag", args=[report.pk]),
        {"version": report.version, "topics": [topic.pk]},
    )
    assert list(report.topics.all()) == [topic]


def test_staff_archives(client_of, staff, report):
    client_of(staff).post(
        reverse("reports:report-archive", args=[report.pk]), {"version": report.version}
    )
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ARCHIVED


def test_history_is_shown_on_the_report(client_of, staff, report, collaborator):
    client_of(staff).post(
        reverse("reports:report-return", args=[report.pk]),
        {"version": report.version, "question": "Bao nhiêu hộ dân?"},
    )
    page = client_of(collaborator).get(report.get_absolute_url())
    assert [e.action for e in page.context["events"]] == ["returned"]
    assert "Bao nhiêu hộ dân?" in page.content.decode()


def test_report_page_offers_the_open_issues_of_its_unit_and_above(
    client_of, admin_user, staff, report, town, other_town, province
):
    own = IssueFactory(unit=town, created_by=staff, title="Sạt lở bờ sông Bồ")
    above = IssueFactory(unit=province, created_by=admin_user, title="Tin giả")
    elsewhere = IssueFactory(unit=other_town, created_by=admin_user, title="Khác")
    closed = IssueFactory(unit=town, created_by=staff, title="Đã xong", status="closed")
    response = client_of(admin_user).get(report.get_absolute_url())
    offered = set(response.context["link_form"].fields["issue"].queryset)
    assert offered == {own, above}
    assert elsewhere not in offered and closed not in offered
    # Linking to one of them works; one from another town is refused by the form.
    client = client_of(admin_user)
    url = reverse("reports:report-issue-link", args=[report.pk])
    client.post(url, {"issue": elsewhere.pk})
    report.refresh_from_db()
    assert report.issue_id is None
    client.post(url, {"issue": own.pk})
    report.refresh_from_db()
    assert report.issue_id == own.pk


def test_report_page_suggests_the_open_issues_it_resembles(
    client_of, staff, collaborator, town
):
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        title="Ghe hút cát hoạt động ban đêm trên sông Bồ",
    )
    alike = IssueFactory(
        unit=town,
        created_by=staff,
        title="Ghe hút cát trái phép ban đêm trên sông Bồ",
    )
    IssueFactory(unit=town, created_by=staff, title="Tín dụng đen ở chợ Tứ Hạ")
    IssueFactory(
        unit=town,
        created_by=staff,
        title="Ghe hút cát ban đêm trên sông Bồ (đã xong)",
        status="resolved",
    )
    response = client_of(staff).get(report.get_absolute_url())
    assert response.context["similar_issues"] == [alike]
    assert alike.get_absolute_url() in response.content.decode()
