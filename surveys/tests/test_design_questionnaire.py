"""The questionnaire page, the question form, versions, show-if rules, the preview."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Question, QuestionnaireVersion, Response, Survey
from surveys.tests.factories import add_choices

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def client_of(client):
    """The test client signed in as ``user``, who reads English: the assertions
    name the source strings, whatever the catalogue holds."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return _login


def _answered(survey):
    """A submitted response to the current version."""
    return Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        state=Response.State.SUBMITTED,
        submitted_at=timezone.now(),
    )


def _q(survey, name):
    survey.refresh_from_db()
    return Question.objects.get(version=survey.current_version, name=name)


def _data(**overrides):
    data = {
        "kind": "single",
        "name": "trust",
        "label": "Ông/bà có tin tưởng vào chính quyền cơ sở không?",
        "hint": "",
        "choices_text": "yes = Tin tưởng\nno = Chưa tin tưởng",
        "rows_text": "",
        "minimum": "",
        "maximum": "",
        "join": "and",
    }
    for n in (1, 2, 3):
        data.update({f"if{n}_question": "", f"if{n}_is": "equals", f"if{n}_value": ""})
    data.update(overrides)
    return data


def _url(name, survey, question=None):
    args = [survey.pk] if question is None else [survey.pk, question.pk]
    return reverse(f"surveys:{name}", args=args)


# --- Reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_managers_read_the_questionnaire(request, client_of, survey, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(_url("questionnaire", survey))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ông/bà có hài lòng với dịch vụ công trực tuyến không?" in page
    assert "Hài lòng (<code>yes</code>)" in page
    assert "Sắp xếp đơn vị hành chính cấp xã" in page  # a grid row
    by_name = {q.name: q for q in response.context["questions"]}
    assert by_name["why_not"].rule_text == (
        "Shown when question satisfied = Không hài lòng"
    )
    assert by_name["zalo_group"].rule_text == (
        "Shown when question channels has Zalo, Facebook selected"
    )
    editable = 'data-testid="question-create"' in page
    assert editable == (persona == "staff")


@pytest.mark.parametrize("persona", ["other_staff", "collaborator"])
def test_questionnaire_hidden_from_outsiders(request, client_of, survey, persona):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(_url("questionnaire", survey)).status_code == 404
    assert client_of(user).get(_url("preview", survey)).status_code == 404


def test_anonymous_is_sent_to_login(client, survey):
    question = _q(survey, "satisfied")
    for url in [
        _url("questionnaire", survey),
        _url("question-create", survey),
        _url("question-edit", survey, question),
        _url("preview", survey),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_questionnaire_query_count_is_pinned(
    client_of, staff, survey, django_assert_num_queries
):
    client = client_of(staff)
    for n in range(10):
        add_choices(
            Question.objects.create(
                version=survey.current_version,
                name=f"extra{n}",
                kind="single",
                label="Thêm",
                order=100 + n,
            ),
            ("a", "A"),
            ("b", "B"),
        )
    # Session, user, unit, subtree ids, survey, questions, their choices, whether
    # answered, unread notices.
    with django_assert_num_queries(9):
        response = client.get(_url("questionnaire", survey))
    assert len(response.context["questions"]) == 19


# --- Adding and editing -----------------------------------------------------------------


def test_staff_adds_a_question_with_other_and_a_rule(client_of, staff, survey):
    version = survey.current_version
    response = client_of(staff).post(
        _url("question-create", survey),
        _data(
            other="on",
            required="on",
            if1_question="satisfied",
            if1_is="one_of",
            if1_value="no, other",
            if2_question="channels",
            if2_is="selected",
            if2_value="zalo",
            join="or",
        ),
    )
    assert response.status_code == 302
    question = _q(survey, "trust")
    assert question.version == version  # nobody answered: the same version
    assert question.required
    assert [(c.value, c.label, c.is_other) for c in question.choices.all()] == [
        ("yes", "Tin tưởng", False),
        ("no", "Chưa tin tưởng", False),
        ("other", "Khác (ghi rõ)", True),
    ]
    assert question.show_if == {
        "op": "or",
        "rules": [
            {"question": "satisfied", "is": "one_of", "value": ["no", "other"]},
            {"question": "channels", "is": "selected", "value": "zalo"},
        ],
    }
    assert question.order > _q(survey, "visited_on").order


def test_a_grid_and_a_number(client_of, staff, survey):
    client = client_of(staff)
    client.post(
        _url("question-create", survey),
        _data(
            kind="grid",
            name="policies",
            choices_text="agree = Tán thành\ndisagree = Phản đối",
            rows_text="r1 = Chính sách A\nr2 = Chính sách B",
        ),
    )
    assert _q(survey, "policies").rows == [
        {"name": "r1", "label": "Chính sách A"},
        {"name": "r2", "label": "Chính sách B"},
    ]
    response = client.post(
        _url("question-create", survey),
        _data(kind="number", name="children", minimum="5", maximum="1"),
    )
    assert response.context["form"].errors["maximum"]
    client.post(
        _url("question-create", survey),
        _data(kind="number", name="children", minimum="0", maximum="20"),
    )
    children = _q(survey, "children")
    assert (children.minimum, children.maximum) == (0, 20)
    assert not children.choices.exists()


def test_a_section_heading(client_of, staff, survey):
    client_of(staff).post(
        _url("question-create", survey),
        _data(kind="section", name="part2", label="Phần II. Ý kiến khác"),
    )
    section = _q(survey, "part2")
    assert section.kind == "section"
    assert not section.choices.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "satisfied"}, "name", "Another question of this survey"),
        ({"name": "có dấu"}, "name", ""),
        ({"choices_text": "yes = Có"}, "choices_text", "at least two choices"),
        ({"choices_text": "yes = Có\nyes = Không"}, "choices_text", "used twice"),
        ({"choices_text": "có dấu = Có\nno = Không"}, "choices_text", "may hold only"),
        ({"kind": "grid", "rows_text": ""}, "rows_text", "at least one row"),
        (
            {"other": "on", "choices_text": "other = A\nb = B"},
            "choices_text",
            "kept for",
        ),
    ],
)
def test_question_form_refusals(client_of, staff, survey, overrides, field, message):
    count = Question.objects.count()
    response = client_of(staff).post(
        _url("question-create", survey), _data(**overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message in " ".join(errors)
    assert Question.objects.count() == count


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"if1_question": "rating", "if1_is": "selected", "if1_value": "1"},
            "“Selected” applies to a multiple-choice question",
        ),
        (
            {"if1_question": "satisfied", "if1_value": "maybe"},
            "“maybe” is not a code of question satisfied",
        ),
        (
            {"if1_question": "satisfied", "if1_value": "yes, no"},
            "Only “one of” takes several codes",
        ),
        ({"if1_question": "satisfied", "if1_value": ""}, "Give the code"),
        ({"if1_question": "nosuch", "if1_value": "x"}, "if1_question"),
    ],
)
def test_rule_refusals(client_of, staff, survey, overrides, message):
    response = client_of(staff).post(
        _url("question-create", survey), _data(**overrides)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not Question.objects.filter(name="trust").exists()


def test_a_rule_cannot_look_at_a_later_question(client_of, staff, survey):
    satisfied = _q(survey, "satisfied")
    response = client_of(staff).post(
        _url("question-edit", survey, satisfied),
        _data(
            name="satisfied",
            if1_question="visited_on",
            if1_value="x",
        ),
    )
    assert response.status_code == 200
    # Only earlier questions are offered.
    assert list(response.context["form"].errors) == ["if1_question"]


def test_edit_form_shows_the_rule_as_conditions(client_of, staff, survey):
    why_not = _q(survey, "why_not")
    form = client_of(staff).get(_url("question-edit", survey, why_not)).context["form"]
    assert form["if1_question"].value() == "satisfied"
    assert form["if1_is"].value() == "equals"
    assert form["if1_value"].value() == "no"
    assert form.earlier.keys() == {"satisfied"}


def test_edit_keeps_choices_and_other(client_of, staff, survey):
    satisfied = _q(survey, "satisfied")
    client = client_of(staff)
    form = client.get(_url("question-edit", survey, satisfied)).context["form"]
    assert form["choices_text"].value() == "yes = Hài lòng\nno = Không hài lòng"
    assert form["other"].value() is True
    response = client.post(
        _url("question-edit", survey, satisfied),
        _data(
            name="satisfied",
            label=HOSTILE,
            hint=HOSTILE,
            required="on",
            other="on",
            choices_text=f"yes = {HOSTILE}\nno = Không hài lòng",
        ),
    )
    assert response.status_code == 302
    edited = _q(survey, "satisfied")
    assert edited.pk == satisfied.pk
    assert edited.label == HOSTILE
    for url in [_url("questionnaire", survey), _url("preview", survey)]:
        page = client.get(url).content.decode()
        assert HOSTILE not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_rename_refused_while_a_rule_looks_at_it(client_of, staff, survey):
    satisfied = _q(survey, "satisfied")
    response = client_of(staff).post(
        _url("question-edit", survey, satisfied),
        _data(name="happy", other="on"),
    )
    assert response.status_code == 200
    assert "why_not" in str(response.context["form"].errors["name"])
    assert _q(survey, "satisfied")


def test_kind_change_that_breaks_a_later_rule_is_refused(client_of, staff, survey):
    channels = _q(survey, "channels")
    response = client_of(staff).post(
        _url("question-edit", survey, channels),
        _data(
            name="channels",
            kind="single",
            choices_text="tv = TV\nzalo = Zalo",
        ),
    )
    assert response.status_code == 200
    assert "zalo_group" in str(response.context["form"].errors)
    assert _q(survey, "channels").kind == "multiple"


@pytest.mark.parametrize("persona", ["leader", "other_staff", "collaborator"])
def test_who_may_not_change_questions(request, client_of, survey, persona):
    user = request.getfixturevalue(persona)
    client = client_of(user)
    question = _q(survey, "rating")
    assert client.get(_url("question-create", survey)).status_code == 404
    assert client.post(_url("question-create", survey), _data()).status_code == 404
    assert (
        client.post(
            _url("question-edit", survey, question), _data(name="rating")
        ).status_code
        == 404
    )
    assert client.post(_url("question-delete", survey, question)).status_code == 404
    assert (
        client.post(
            _url("question-move", survey, question), {"direction": "up"}
        ).status_code
        == 404
    )
    assert _q(survey, "rating").label == question.label
    assert not Question.objects.filter(name="trust").exists()


def test_archived_survey_is_frozen(client_of, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.ARCHIVED)
    client = client_of(staff)
    assert client.get(_url("question-create", survey)).status_code == 404
    page = client.get(_url("questionnaire", survey)).content.decode()
    assert 'data-testid="question-create"' not in page


# --- Delete and move --------------------------------------------------------------------


def test_delete_and_move(client_of, staff, survey):
    client = client_of(staff)
    why_not = _q(survey, "why_not")
    response = client.post(_url("question-delete", survey, why_not))
    assert response.status_code == 302
    assert not Question.objects.filter(
        version=survey.current_version, name="why_not"
    ).exists()
    rating = _q(survey, "rating")
    client.post(_url("question-move", survey, rating), {"direction": "up"})
    names = list(
        survey.current_version.questions.order_by("order").values_list(
            "name", flat=True
        )
    )
    assert names[:4] == ["intro", "satisfied", "rating", "channels"]
    assert client.get(_url("question-move", survey, rating)).status_code == 405


def test_delete_asks_first_and_the_question_stays_until_confirmed(
    client_of, staff, survey
):
    client = client_of(staff)
    rating = _q(survey, "rating")
    questionnaire = client.get(reverse("surveys:questionnaire", args=[survey.pk]))
    delete_url = _url("question-delete", survey, rating)
    # The questionnaire's "Delete" is a link to the question's confirmation page.
    assert f'href="{delete_url}"' in questionnaire.content.decode()
    page = client.get(delete_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert rating.label in html and "confirm-delete" in html
    assert _q(survey, "rating")
    response = client.post(delete_url)
    assert response.status_code == 302
    assert not survey.current_version.questions.filter(name="rating").exists()


def test_delete_page_of_an_answered_questionnaire_says_a_version_is_made(
    client_of, staff, survey
):
    _answered(survey)
    page = client_of(staff).get(_url("question-delete", survey, _q(survey, "rating")))
    assert 'data-testid="delete-new-version"' in page.content.decode()


def test_delete_page_is_the_unit_staffs_only(
    client_of, leader, other_staff, collaborator, survey
):
    url = _url("question-delete", survey, _q(survey, "rating"))
    for user in (leader, other_staff, collaborator):
        assert client_of(user).get(url).status_code == 404


def test_delete_refused_while_a_rule_looks_at_it(client_of, staff, survey):
    satisfied = _q(survey, "satisfied")
    response = client_of(staff).post(
        _url("question-delete", survey, satisfied), follow=True
    )
    assert "why_not" in " ".join(str(m) for m in response.context["messages"])
    assert _q(survey, "satisfied")


def test_move_refused_above_the_question_its_rule_looks_at(client_of, staff, survey):
    why_not = _q(survey, "why_not")
    response = client_of(staff).post(
        _url("question-move", survey, why_not), {"direction": "up"}, follow=True
    )
    assert "not an earlier question" in " ".join(
        str(m) for m in response.context["messages"]
    )
    assert _q(survey, "why_not").order > _q(survey, "satisfied").order


# --- Versions ---------------------------------------------------------------------------


def test_a_change_after_an_answer_makes_version_2(client_of, staff, survey):
    answer = _answered(survey)
    client = client_of(staff)
    page = client.get(_url("questionnaire", survey)).content.decode()
    assert "a change will make version 2" in page
    satisfied = _q(survey, "satisfied")
    response = client.post(
        _url("question-edit", survey, satisfied),
        _data(name="satisfied", label="Câu hỏi đã sửa", other="on"),
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    answer.refresh_from_db()
    assert answer.version.number == 1
    old = Question.objects.get(version=answer.version, name="satisfied")
    assert old.label == "Ông/bà có hài lòng với dịch vụ công trực tuyến không?"
    new = _q(survey, "satisfied")
    assert new.label == "Câu hỏi đã sửa"
    assert new.pk != old.pk
    assert survey.current_version.questions.count() == 9


def test_a_stale_page_edits_the_copy(client_of, staff, survey):
    """A question of version 1, named after version 2 was made, means its copy."""
    old = _q(survey, "rating")
    _answered(survey)
    client = client_of(staff)
    client.post(_url("question-create", survey), _data())  # makes version 2
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    response = client.post(
        _url("question-edit", survey, old),
        _data(
            name="rating",
            kind="rating",
            label="Chấm điểm lại",
            choices_text="1 = 1\n2 = 2\n3 = 3",
        ),
    )
    assert response.status_code == 302
    assert _q(survey, "rating").label == "Chấm điểm lại"
    old.refresh_from_db()
    assert old.label != "Chấm điểm lại"
    assert QuestionnaireVersion.objects.filter(survey=survey).count() == 2


def test_delete_after_an_answer_leaves_version_1_whole(client_of, staff, survey):
    _answered(survey)
    rating = _q(survey, "rating")
    client_of(staff).post(_url("question-delete", survey, rating))
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    assert not survey.current_version.questions.filter(name="rating").exists()
    assert Question.objects.filter(pk=rating.pk).exists()


def test_an_invalid_change_after_an_answer_makes_no_version(client_of, staff, survey):
    _answered(survey)
    satisfied = _q(survey, "satisfied")
    client_of(staff).post(_url("question-delete", survey, satisfied))
    assert QuestionnaireVersion.objects.filter(survey=survey).count() == 1


# --- Preview ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_preview_shows_the_questions(request, client_of, survey, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(_url("preview", survey))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="q-satisfied"' in page
    assert "Sắp xếp đơn vị hành chính cấp xã" in page
    assert not Response.objects.exists()
