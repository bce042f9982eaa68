"""The sample's pages: who may, who may not, and what each shows and saves."""

import datetime
import uuid

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from dluan.tests.factories import OrgUnitFactory
from surveys.models import AgeGroup, Assignment, Response, Sex, Survey, SurveyCell
from surveys.selectors.quotas import collaborator_fill, quota_fill
from surveys.services.collect import Respondent, response_save

PAGES = [
    "surveys:population",
    "surveys:plan",
    "surveys:assignments",
    "surveys:quota-fill",
]
READABLE = ["surveys:population", "surveys:plan", "surveys:quota-fill"]
CELLS = [(sex, age) for sex in Sex.values for age in AgeGroup.values]


def url(name, survey):
    return reverse(name, args=[survey.pk])


@pytest.fixture
def cells(survey, commune, other_commune):
    """Tứ Hạ 800 people, Hương Toàn 400, 100 and 50 per cell; quotas 5 and 2."""
    for sex, age in CELLS:
        SurveyCell.objects.create(
            survey=survey,
            commune=commune,
            sex=sex,
            age_group=age,
            population=100,
            quota=5,
        )
        SurveyCell.objects.create(
            survey=survey,
            commune=other_commune,
            sex=sex,
            age_group=age,
            population=50,
            quota=2,
        )
    return survey


# --- Who may -----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, survey):
    for name in [*PAGES, "surveys:population-upload"]:
        response = client.get(url(name, survey))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("admin_user", 200), ("other_staff", 404), ("collaborator", 404)],
)
def test_pages_for_staff_only_of_the_town(
    request, client_of, survey, commune, name, persona, status
):
    user = request.getfixturevalue(persona)
    if persona == "collaborator":
        # Even assigned to the survey, a collaborator has none of these pages.
        Assignment.objects.create(
            survey=survey, collaborator=user.collaborator, commune=commune, target=5
        )
    assert client_of(user).get(url(name, survey)).status_code == status


@pytest.mark.parametrize("name", READABLE)
def test_leader_reads(client_of, leader, cells, name):
    response = client_of(leader).get(url(name, cells))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="p-' not in page
    assert 'name="target"' not in page
    assert "plan-apply" not in page


def test_leader_has_no_assignments_page(client_of, leader, survey):
    assert client_of(leader).get(url("surveys:assignments", survey)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_leader_cannot_post(client_of, leader, cells, commune, name):
    before = list(SurveyCell.objects.values_list("population", "quota"))
    data = {
        f"p-{commune.pk}-male-18-29": "1",
        "margin": "5",
        "confidence": "95",
        "proportion": "50",
        "response_rate": "100",
        "allocation": "equal",
        "action": "auto",
    }
    expected = 405 if name == "surveys:quota-fill" else 404
    assert client_of(leader).post(url(name, cells), data).status_code == expected
    assert list(SurveyCell.objects.values_list("population", "quota")) == before
    assert not Assignment.objects.exists()


# --- Population --------------------------------------------------------------------


def test_staff_type_the_population(client_of, staff, survey, commune, other_commune):
    client = client_of(staff)
    page = client.get(url("surveys:population", survey)).content.decode()
    # One labelled input per commune × sex × age group.
    assert page.count('name="p-') == 16
    assert f'for="id_p-{commune.pk}-female-60+"' in page
    data = {f"p-{commune.pk}-{sex}-{age}": "120" for sex, age in CELLS}
    data[f"p-{other_commune.pk}-male-18-29"] = "12,5"  # not a number: refused
    response = client.post(url("surveys:population", survey), data)
    assert response.status_code == 200
    assert not SurveyCell.objects.exists()
    data[f"p-{other_commune.pk}-male-18-29"] = "1.000"  # grouped as boards write
    response = client.post(url("surveys:population", survey), data)
    assert response.status_code == 302
    assert (
        SurveyCell.objects.get(
            commune=other_commune, sex="male", age_group="18-29"
        ).population
        == 1000
    )
    page = client.get(url("surveys:population", survey)).content.decode()
    assert (
        '<td class="text-end fw-semibold" data-testid="population-total">1960</td>'
        in page
    )


def test_population_of_another_towns_commune_is_ignored(
    client_of, staff, survey, commune
):
    stranger = OrgUnitFactory(name="Phường Phú Bài")
    data = {f"p-{stranger.pk}-male-18-29": "5", f"p-{commune.pk}-male-18-29": "7"}
    client_of(staff).post(url("surveys:population", survey), data)
    assert not SurveyCell.objects.filter(commune=stranger).exists()
    # A blank figure is none: 0.
    men = SurveyCell.objects.filter(commune=commune, sex="male")
    assert dict(men.values_list("age_group", "population")) == {
        "18-29": 7,
        "30-44": 0,
        "45-59": 0,
        "60+": 0,
    }


# --- The plan ----------------------------------------------------------------------


def test_plan_shows_n_and_the_method(client_of, staff, survey, commune):
    response = client_of(staff).get(
        url("surveys:plan", survey),
        {
            "margin": "5",
            "confidence": "95",
            "proportion": "50",
            "response_rate": "100",
            "allocation": "equal",
        },
    )
    assert response.status_code == 200
    assert response.context["method"]["n"] == 385
    page = response.content.decode()
    assert "n₀ = z²·p·q/e²" in page
    # A GET changes nothing.
    assert not SurveyCell.objects.exists()
    assert Survey.objects.get(pk=survey.pk).sample_size is None


def test_apply_saves_the_plan_and_quotas(
    client_of, staff, cells, commune, other_commune
):
    response = client_of(staff).post(
        url("surveys:plan", cells),
        {
            "margin": "5",
            "confidence": "95",
            "proportion": "50",
            "response_rate": "100",
            "allocation": "proportional",
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get(pk=cells.pk)
    # N = 1,200: 384.15 / (1 + 383.15 / 1200) = 291.2 → 292.
    assert survey.sample_size == 292
    assert survey.allocation == "proportional"
    quotas = dict(
        SurveyCell.objects.filter(survey=survey)
        .values_list("commune")
        .annotate(q=Sum("quota"))
    )
    # 292 · 800 / 1200 = 194.67 → 195; 97.33 → 97.
    assert quotas == {commune.pk: 195, other_commune.pk: 97}
    page = client_of(staff).get(url("surveys:plan", survey)).content.decode()
    assert 'data-testid="quota-total">292<' in page


def test_plan_of_a_closed_survey_cannot_change(client_of, staff, cells):
    Survey.objects.filter(pk=cells.pk).update(status=Survey.Status.CLOSED)
    response = client_of(staff).post(
        url("surveys:plan", cells),
        {
            "margin": "5",
            "confidence": "95",
            "proportion": "50",
            "response_rate": "100",
            "allocation": "equal",
        },
    )
    assert response.status_code == 404
    assert set(SurveyCell.objects.values_list("quota", flat=True)) == {5, 2}


def test_bad_plan_inputs_are_refused(client_of, staff, cells):
    response = client_of(staff).post(
        url("surveys:plan", cells),
        {
            "margin": "0",
            "confidence": "97",
            "proportion": "150",
            "response_rate": "1",
            "allocation": "equal",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "margin",
        "confidence",
        "proportion",
        "response_rate",
    }
    assert Survey.objects.get(pk=cells.pk).sample_size is None


# --- Assignments -------------------------------------------------------------------


@pytest.fixture
def team(commune, other_commune, collaborator, other_collaborator):
    """Tứ Hạ: the collaborator and two more (one covering it from elsewhere, one
    suspended); Hương Toàn: other_collaborator."""
    extra = CollaboratorFactory(unit=other_commune, full_name="Võ Thị Lan")
    extra.coverage_areas.add(commune)
    CollaboratorFactory(
        unit=commune, full_name="Đặng Văn Hùng", status=Collaborator.Status.SUSPENDED
    )
    return extra


def test_assign_automatically(
    client_of,
    staff,
    cells,
    commune,
    other_commune,
    team,
    collaborator,
    other_collaborator,
):
    response = client_of(staff).post(
        url("surveys:assignments", cells), {"action": "auto"}
    )
    assert response.status_code == 302
    targets = {
        (a.commune_id, a.collaborator.full_name): a.target
        for a in Assignment.objects.select_related("collaborator")
    }
    # Tứ Hạ's 40 shared by its two active collaborators; Hương Toàn's 16 by two
    # (Võ Thị Lan's unit is Hương Toàn too).
    assert targets == {
        (commune.pk, "Trần Thị Hoa"): 20,
        (commune.pk, "Võ Thị Lan"): 20,
        (other_commune.pk, "Lê Văn Bình"): 8,
        (other_commune.pk, "Võ Thị Lan"): 8,
    }
    assert sum(targets.values()) == 56


def test_change_and_remove_an_assignment(
    client_of, staff, cells, commune, collaborator
):
    client = client_of(staff)
    record = collaborator.collaborator
    response = client.post(
        url("surveys:assignments", cells),
        {
            "action": "save",
            "commune": commune.pk,
            "collaborator": record.pk,
            "target": 12,
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.target == 12
    page = client.get(url("surveys:assignments", cells)).content.decode()
    assert "Trần Thị Hoa" in page
    client.post(
        url("surveys:assignments", cells),
        {"action": "remove", "assignment": assignment.pk},
    )
    assert not Assignment.objects.exists()


def test_collaborator_of_another_commune_or_town_is_refused(
    client_of, staff, cells, commune, other_collaborator, other_town
):
    stranger = CollaboratorFactory(unit=OrgUnitFactory(parent=other_town))
    client = client_of(staff)
    for person in (other_collaborator.collaborator, stranger):
        response = client.post(
            url("surveys:assignments", cells),
            {
                "action": "save",
                "commune": commune.pk,
                "collaborator": person.pk,
                "target": 3,
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["collaborator"]
    assert not Assignment.objects.exists()


def test_removing_another_surveys_assignment_is_404(
    client_of, staff, cells, other_survey, other_collaborator, other_town
):
    stranger_commune = OrgUnitFactory(parent=other_town)
    foreign = Assignment.objects.create(
        survey=other_survey,
        collaborator=other_collaborator.collaborator,
        commune=stranger_commune,
        target=3,
    )
    response = client_of(staff).post(
        url("surveys:assignments", cells),
        {"action": "remove", "assignment": foreign.pk},
    )
    assert response.status_code == 404
    assert Assignment.objects.filter(pk=foreign.pk).exists()


def test_hostile_names_are_escaped(client_of, staff, cells, commune):
    person = CollaboratorFactory(unit=commune, full_name="<script>alert(1)</script>")
    Assignment.objects.create(
        survey=cells, collaborator=person, commune=commune, target=1
    )
    page = client_of(staff).get(url("surveys:assignments", cells)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


# --- Quota fill --------------------------------------------------------------------


def _response(
    survey,
    commune,
    sex,
    age,
    *,
    review="pending",
    state="submitted",
    over=False,
    collaborator=None,
):
    return Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        commune=commune,
        sex=sex,
        age_group=age,
        state=state,
        review=review,
        over_quota=over,
        collaborator=collaborator,
        submitted_at=timezone.now() if state == "submitted" else None,
    )


@pytest.fixture
def answered(cells, commune, other_commune, collaborator):
    record = collaborator.collaborator
    for review in ("approved", "approved", "pending", "has_issues", "rejected"):
        _response(cells, commune, "male", "18-29", review=review, collaborator=record)
    for _ in range(6):
        _response(cells, commune, "female", "60+", review="approved")
    _response(cells, commune, "female", "60+", over=True)
    _response(cells, commune, "female", "60+", state="draft")
    _response(cells, other_commune, "male", "30-44", review="approved")
    return cells


def test_quota_fill_figures(answered, commune, other_commune):
    table = quota_fill(answered)
    rows = {row.commune.pk: row for row in table.rows}
    tu_ha = {(c.sex, c.age_group): c for c in rows[commune.pk].cells}
    young_men = tu_ha[("male", "18-29")]
    assert (young_men.quota, young_men.submitted, young_men.approved) == (5, 4, 2)
    assert young_men.percent == 80
    old_women = tu_ha[("female", "60+")]
    assert (old_women.submitted, old_women.approved, old_women.over_quota) == (7, 6, 1)
    assert old_women.percent == 140
    assert rows[commune.pk].total.quota == 40
    assert rows[commune.pk].total.submitted == 11
    assert rows[other_commune.pk].total.approved == 1
    assert (table.total.quota, table.total.submitted, table.total.approved) == (
        56,
        12,
        9,
    )


def test_collaborator_fill(answered, commune, collaborator):
    record = collaborator.collaborator
    Assignment.objects.create(
        survey=answered, collaborator=record, commune=commune, target=10
    )
    [fill] = collaborator_fill(answered, record)
    assert (fill.commune, fill.target, fill.done) == (commune, 10, 4)


def test_quota_fill_page_and_its_live_fragment(client_of, leader, answered):
    client = client_of(leader)
    page = client.get(url("surveys:quota-fill", answered)).content.decode()
    assert 'data-hx-trigger="every 30s"' in page
    assert "<html" in page
    fragment = client.get(url("surveys:quota-fill", answered), HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert text.startswith('<div id="quota-fill"')
    assert "Phường Tứ Hạ" in text
    assert "HX-Request" in fragment["Vary"]


def test_quota_fill_queries_do_not_grow(
    client_of, staff, answered, town, django_assert_num_queries
):
    client = client_of(staff)
    client.get(url("surveys:quota-fill", answered))  # warm the session
    with django_assert_num_queries(8) as first:
        client.get(url("surveys:quota-fill", answered), HTTP_HX_REQUEST="true")
    for index in range(5):
        commune = OrgUnitFactory(name=f"Xã Bình Tiến {index}", parent=town)
        for sex, age in CELLS:
            SurveyCell.objects.create(
                survey=answered, commune=commune, sex=sex, age_group=age, quota=3
            )
        _response(answered, commune, "male", "45-59", review="approved")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(
            url("surveys:quota-fill", answered), HTTP_HX_REQUEST="true"
        )
    assert "Xã Bình Tiến 4" in response.content.decode()


def test_quota_fill_other_town_404(client_of, other_staff, answered):
    response = client_of(other_staff).get(
        url("surveys:quota-fill", answered), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404


def test_response_over_quota_is_marked_by_collect(staff, survey, commune):
    """The quotas set here are what the collect service marks answers against."""
    SurveyCell.objects.create(
        survey=survey, commune=commune, sex="male", age_group="18-29", quota=1
    )
    data = {"q-satisfied": "yes"}
    who = Respondent(
        commune=commune, sex="male", age_group="18-29", occupation="farmer"
    )
    saved = [
        response_save(
            survey=survey,
            client_id=uuid.uuid4(),
            mode="face",
            data=data,
            respondent=who,
            submit=True,
            entered_by=staff,
            started_at=timezone.now() - datetime.timedelta(minutes=10),
        )
        for _ in range(2)
    ]
    assert [s.response.over_quota for s in saved] == [False, True]
    cell = quota_fill(survey).rows[0].cells[0]
    assert (cell.quota, cell.submitted, cell.over_quota) == (1, 2, 1)


def test_pages_are_well_formed(client_of, staff, answered, commune, collaborator):
    from tests.support.pages import html_problems

    Assignment.objects.create(
        survey=answered,
        collaborator=collaborator.collaborator,
        commune=commune,
        target=4,
    )
    client = client_of(staff)
    plan_query = (
        "?margin=5&confidence=95&proportion=50&response_rate=90&allocation=equal"
    )
    problems = []
    for name, query in [
        ("surveys:population", ""),
        ("surveys:plan", plan_query),
        ("surveys:assignments", ""),
        ("surveys:quota-fill", ""),
    ]:
        response = client.get(url(name, answered) + query)
        assert response.status_code == 200
        found, _document = html_problems(name, response.content.decode())
        problems += found
    assert problems == []


def test_too_many_communes_to_type_are_uploaded(
    client_of, staff, survey, commune, other_commune, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    client = client_of(staff)
    page = client.get(url("surveys:population", survey)).content.decode()
    assert 'data-testid="too-many-to-type"' in page
    assert 'name="p-' not in page
    assert 'data-testid="upload-submit"' in page
    data = {f"p-{commune.pk}-male-18-29": "5"}
    assert client.post(url("surveys:population", survey), data).status_code == 404


def test_changes_reach_the_audit_trail(client_of, staff, cells, commune):
    from auditlog.models import LogEntry

    client = client_of(staff)
    data = {f"p-{commune.pk}-{sex}-{age}": "100" for sex, age in CELLS}
    data[f"p-{commune.pk}-male-18-29"] = "140"
    client.post(url("surveys:population", cells), data)
    entry = LogEntry.objects.get_for_model(SurveyCell).get(
        action=LogEntry.Action.UPDATE,
        object_pk=str(
            SurveyCell.objects.get(commune=commune, sex="male", age_group="18-29").pk
        ),
    )
    assert entry.actor == staff
    assert "140" in str(entry.changes)
