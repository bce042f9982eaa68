"""The staff's pages of the online link and the personal links: who may, what
they show, the QR codes drawn in the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import PersonalLink, Survey
from surveys.services.links import personal_link_make, qr_svg
from surveys.tests.factories import AssignmentFactory
from tests.support.pages import html_problems

HOSTILE = "<script>alert(1)</script>"
PAGES = ["surveys:online-link", "surveys:link-list", "surveys:link-slips"]


@pytest.fixture
def assigned(survey, collaborator, commune):
    """The collaborator works on the survey: still none of these pages is theirs."""
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    return collaborator


def _url(name, survey):
    return reverse(name, args=[survey.pk])


@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        *[(name, "staff", 200) for name in PAGES],
        *[(name, "admin_user", 200) for name in PAGES],
        *[(name, "other_staff", 404) for name in PAGES],
        *[(name, "assigned", 404) for name in PAGES],
        ("surveys:online-link", "leader", 200),
        # The personal links and their slips (keys to answers) are the staff's.
        ("surveys:link-list", "leader", 404),
        ("surveys:link-slips", "leader", 404),
    ],
)
def test_who_may_see_the_link_pages(request, client_of, survey, name, persona, status):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(_url(name, survey))
    assert response.status_code == status


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, survey, name):
    response = client.get(_url(name, survey))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_towns_survey_is_404(client_of, staff, other_survey):
    for name in PAGES:
        assert client_of(staff).get(_url(name, other_survey)).status_code == 404


def test_online_link_page_shows_url_qr_cap_and_count(client_of, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(
        mode=Survey.Mode.BOTH, answer_cap=1000, online_count=37
    )
    response = client_of(staff).get(_url("surveys:online-link", survey))
    page = response.content.decode()
    assert f"http://testserver/s/{survey.public_key}/" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'data-testid="online-count">37 / 1000<' in page
    assert 'data-testid="answer-cap">1000<' in page
    assert 'data-testid="not-online"' not in page
    problems, _document = html_problems(_url("surveys:online-link", survey), page)
    assert problems == []


def test_online_link_page_says_closed_or_full(client_of, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(
        mode=Survey.Mode.ONLINE, answer_cap=5, online_count=5
    )
    url = _url("surveys:online-link", survey)
    full = client_of(staff).get(url)
    assert full.context["state"] == "full"
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert client_of(staff).get(url).context["state"] == "closed"


def test_online_link_of_a_face_to_face_survey_says_so(client_of, staff, survey):
    page = client_of(staff).get(_url("surveys:online-link", survey)).content.decode()
    assert 'data-testid="not-online"' in page


def test_staff_make_links_numbered_in_order(client_of, staff, survey, commune):
    url = _url("surveys:link-list", survey)
    response = client_of(staff).post(url, {"count": 3})
    assert response.status_code == 302
    response = client_of(staff).post(url, {"count": 2, "commune": commune.pk})
    assert response.status_code == 302
    links = list(PersonalLink.objects.filter(survey=survey).order_by("number"))
    assert [link.number for link in links] == [1, 2, 3, 4, 5]
    assert [link.commune_id for link in links] == [
        None,
        None,
        None,
        commune.pk,
        commune.pk,
    ]
    assert len({link.token for link in links}) == 5


@pytest.mark.parametrize("count", ["0", "501", "abc"])
def test_a_bad_number_of_links_is_refused(client_of, staff, survey, count):
    response = client_of(staff).post(
        _url("surveys:link-list", survey), {"count": count}
    )
    assert response.status_code == 400
    assert not PersonalLink.objects.exists()


def test_a_commune_of_another_town_is_refused(client_of, staff, survey, other_town):
    from dluan.models import OrgUnit
    from dluan.tests.factories import OrgUnitFactory

    outside = OrgUnitFactory(
        name="Phường Thủy Dương", kind=OrgUnit.Kind.COMMUNE, parent=other_town
    )
    response = client_of(staff).post(
        _url("surveys:link-list", survey), {"count": 2, "commune": outside.pk}
    )
    assert response.status_code == 400
    assert not PersonalLink.objects.exists()


def test_leader_cannot_make_links(client_of, leader, survey):
    url = _url("surveys:link-list", survey)
    assert client_of(leader).post(url, {"count": 3}).status_code == 404
    assert not PersonalLink.objects.exists()


def test_other_staff_cannot_make_links(client_of, other_staff, survey):
    response = client_of(other_staff).post(
        _url("surveys:link-list", survey), {"count": 3}
    )
    assert response.status_code == 404
    assert not PersonalLink.objects.exists()


def test_link_list_shows_used_and_unused_numbers(client_of, staff, survey):
    links = personal_link_make(survey=survey, count=4)
    PersonalLink.objects.filter(pk__in=[links[0].pk, links[2].pk]).update(
        used_at=timezone.now()
    )
    page = client_of(staff).get(_url("surveys:link-list", survey)).content.decode()
    assert 'data-testid="count-total">4<' in page
    assert 'data-testid="count-used">2<' in page
    assert 'data-testid="count-unused">2<' in page
    assert 'data-testid="count-fill">50 %<' in page
    assert page.count('data-testid="link-row"') == 4
    # The list shows slip numbers, never the one-time tokens.
    for link in links:
        assert link.token not in page
    problems, _document = html_problems(_url("surveys:link-list", survey), page)
    assert problems == []


def test_link_list_query_count_does_not_grow(
    client_of, staff, survey, django_assert_num_queries
):
    personal_link_make(survey=survey, count=2)
    client = client_of(staff)
    url = _url("surveys:link-list", survey)
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    personal_link_make(survey=survey, count=30)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(url)


def test_slips_carry_title_board_number_url_and_qr(client_of, staff, survey, commune):
    links = personal_link_make(survey=survey, count=3, commune=commune)
    PersonalLink.objects.filter(pk=links[0].pk).update(used_at=timezone.now())
    response = client_of(staff).get(_url("surveys:link-slips", survey))
    page = response.content.decode()
    assert page.count('data-testid="slip"') == 2  # the used one is not printed
    assert links[0].token not in page
    for link in links[1:]:
        assert f"http://testserver/p/{link.token}/" in page
    assert survey.title in page
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in page
    assert page.count("<svg") == 2
    assert "js/print.js" in page
    problems, _document = html_problems(_url("surveys:link-slips", survey), page)
    assert problems == []
    with_used = client_of(staff).get(
        _url("surveys:link-slips", survey), {"include_used": "on"}
    )
    assert with_used.content.decode().count('data-testid="slip"') == 3


def test_slips_of_one_commune(client_of, staff, survey, commune, other_commune):
    personal_link_make(survey=survey, count=2, commune=commune)
    personal_link_make(survey=survey, count=1, commune=other_commune)
    page = client_of(staff).get(
        _url("surveys:link-slips", survey), {"commune": other_commune.pk}
    )
    assert page.content.decode().count('data-testid="slip"') == 1


def test_slips_query_count_does_not_grow(
    client_of, staff, survey, django_assert_num_queries
):
    personal_link_make(survey=survey, count=2)
    client = client_of(staff)
    url = _url("surveys:link-slips", survey)
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    personal_link_make(survey=survey, count=20)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(url)


def test_hostile_title_is_escaped_on_the_staff_pages(client_of, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(title=HOSTILE)
    personal_link_make(survey=survey, count=1)
    for name in PAGES:
        page = client_of(staff).get(_url(name, survey)).content.decode()
        assert HOSTILE not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name


def test_qr_svg_has_no_style_no_id_and_a_label():
    svg = str(qr_svg("https://example.vn/p/abc/", label='Slip "7" <b>'))
    assert svg.startswith("<svg ")
    assert not re.search(r"\sstyle=", svg)
    assert not re.search(r"\sid=", svg)
    assert 'aria-label="Slip &quot;7&quot; &lt;b&gt;"' in svg
    assert 'role="img"' in svg
    assert "<path " in svg


def test_qr_svg_draws_the_modules_of_the_url():
    """The drawn squares are exactly the dark modules of the URL's QR code."""
    import qrcode

    url = "https://example.vn/s/KEY123/"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    svg = str(qr_svg(url))
    size = len(matrix)
    assert f'viewBox="0 0 {size} {size}"' in svg
    path = re.search(r'<path d="([^"]*)"', svg).group(1)
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)", path)}
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert drawn == dark
    assert (4, 4) in drawn  # the top-left finder pattern, inside the quiet zone
    assert (0, 0) not in drawn


@pytest.mark.parametrize("name", ["surveys:online-link", "surveys:link-slips"])
def test_read_pages_refuse_post_after_checking_access(
    client_of, staff, other_staff, survey, name
):
    assert client_of(other_staff).post(_url(name, survey)).status_code == 404
    assert client_of(staff).post(_url(name, survey)).status_code == 405
