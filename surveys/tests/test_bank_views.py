"""The question bank: list and search, a new bank question, saving a survey's
question to it, copying bank questions into a survey."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import BankQuestion, Question, Response

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def client_of(client):
    """The test client signed in as ``user``, who reads English."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return _login


def _bank(unit, user, code, label="Ông/bà có hài lòng không?", **kw):
    defaults = {
        "kind": "single",
        "choices": [
            {"value": "yes", "label": "Hài lòng", "is_other": False},
            {"value": "no", "label": "Không hài lòng", "is_other": False},
        ],
    }
    return BankQuestion.objects.create(
        unit=unit, code=code, label=label, created_by=user, **(defaults | kw)
    )


@pytest.fixture
def bank(town, province, other_town, staff, other_staff):
    """The town's, the province's (above it) and another town's questions."""
    return {
        "town": _bank(town, staff, "trust_local", "Niềm tin vào chính quyền cơ sở"),
        "province": _bank(
            province, staff, "satisfied_egov", "Mức độ hài lòng với dịch vụ công"
        ),
        "other": _bank(other_town, other_staff, "other_q", "Câu của Hương Thủy"),
    }


def _form(**overrides):
    data = {
        "kind": "single",
        "name": "merge_support",
        "label": "Ông/bà có đồng tình với việc sáp nhập xã không?",
        "hint": "",
        "choices_text": "agree = Đồng tình\ndisagree = Không đồng tình",
        "rows_text": "",
    }
    return data | overrides


# --- The list ---------------------------------------------------------------------------


def test_staff_see_their_own_ancestors_and_not_other_towns(client_of, staff, bank):
    response = client_of(staff).get(reverse("surveys:bank-list"))
    codes = {item.code for item in response.context["page"]}
    assert codes == {"trust_local", "satisfied_egov"}


@pytest.mark.parametrize("query", ["HAI LONG", "hài lòng", "dich vu", "egov"])
def test_search_ignores_case_and_diacritics(client_of, staff, bank, query):
    response = client_of(staff).get(reverse("surveys:bank-list"), {"q": query})
    assert [item.code for item in response.context["page"]] == ["satisfied_egov"]


@pytest.mark.parametrize("persona", ["leader", "collaborator"])
def test_bank_is_for_staff(request, client_of, bank, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse("surveys:bank-list")).status_code == 404
    assert client.get(reverse("surveys:bank-create")).status_code == 404
    assert (
        client.get(reverse("surveys:bank-detail", args=[bank["town"].pk])).status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client, bank, survey):
    for url in [
        reverse("surveys:bank-list"),
        reverse("surveys:bank-create"),
        reverse("surveys:bank-detail", args=[bank["town"].pk]),
        reverse("surveys:bank-copy", args=[survey.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_other_towns_question_is_404(client_of, staff, bank):
    url = reverse("surveys:bank-detail", args=[bank["other"].pk])
    assert client_of(staff).get(url).status_code == 404


# --- Create ----------------------------------------------------------------------------


def test_staff_add_a_question_to_their_units_bank(client_of, staff, town):
    response = client_of(staff).post(
        reverse("surveys:bank-create"), _form(other="on", label=HOSTILE)
    )
    created = BankQuestion.objects.get(code="merge_support")
    assert response["Location"] == reverse("surveys:bank-detail", args=[created.pk])
    assert created.unit == town
    assert created.created_by == staff
    assert created.choices[-1] == {
        "value": "other",
        "label": "Khác (ghi rõ)",
        "is_other": True,
    }
    page = client_of(staff).get(response["Location"]).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_code_taken_in_the_unit_is_refused(client_of, staff, bank):
    response = client_of(staff).post(
        reverse("surveys:bank-create"), _form(name="trust_local")
    )
    assert response.status_code == 200
    assert "has a question “trust_local”" in str(response.context["form"].errors)
    assert BankQuestion.objects.filter(code="trust_local").count() == 1


def test_a_bank_grid(client_of, staff):
    client_of(staff).post(
        reverse("surveys:bank-create"),
        _form(kind="grid", name="policies", rows_text="a = Chính sách A"),
    )
    assert BankQuestion.objects.get(code="policies").rows == [
        {"name": "a", "label": "Chính sách A"}
    ]


# --- A survey's question saved to the bank -------------------------------------------------


def _question(survey, name):
    return Question.objects.get(version=survey.current_version, name=name)


def test_save_a_question_to_the_bank_and_mark_it(client_of, staff, survey, town):
    satisfied = _question(survey, "satisfied")
    url = reverse("surveys:bank-create") + f"?from={satisfied.pk}"
    response = client_of(staff).post(url)
    created = BankQuestion.objects.get(code="satisfied")
    assert response["Location"] == reverse("surveys:bank-detail", args=[created.pk])
    assert created.unit == town
    assert [c["value"] for c in created.choices] == ["yes", "no", "other"]
    assert created.choices[2]["is_other"] is True
    satisfied.refresh_from_db()
    assert satisfied.bank_question == created
    page = client_of(staff).get(reverse("surveys:questionnaire", args=[survey.pk]))
    assert 'data-testid="bank-mark"' in page.content.decode()
    # Again: it came from the bank already; nothing new.
    client_of(staff).post(url)
    assert BankQuestion.objects.count() == 1


def test_save_to_bank_suffixes_a_taken_code(client_of, staff, survey, town):
    _bank(town, staff, "satisfied")
    satisfied = _question(survey, "satisfied")
    client_of(staff).post(reverse("surveys:bank-create") + f"?from={satisfied.pk}")
    assert BankQuestion.objects.filter(code="satisfied_2").exists()


def test_save_to_bank_needs_post_and_the_survey(
    client_of, staff, other_staff, leader, survey
):
    satisfied = _question(survey, "satisfied")
    url = reverse("surveys:bank-create") + f"?from={satisfied.pk}"
    assert client_of(staff).get(url).status_code == 404
    assert client_of(other_staff).post(url).status_code == 404
    assert client_of(leader).post(url).status_code == 404
    assert (
        client_of(staff).post(reverse("surveys:bank-create") + "?from=x²").status_code
        == 404
    )
    assert not BankQuestion.objects.exists()


# --- Copying bank questions into a survey --------------------------------------------------


def test_copy_into_the_survey_marks_and_names_by_code(client_of, staff, survey, bank):
    client = client_of(staff)
    url = reverse("surveys:bank-copy", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "trust_local" in page and "other_q" not in page
    response = client.post(url, {"questions": [bank["town"].pk, bank["province"].pk]})
    assert response["Location"] == reverse("surveys:questionnaire", args=[survey.pk])
    copy = _question(survey, "trust_local")
    assert copy.bank_question == bank["town"]
    assert [c.value for c in copy.choices.all()] == ["yes", "no"]
    assert _question(survey, "satisfied_egov").bank_question == bank["province"]
    # Once more: the names are taken, the copies get a suffix.
    client.post(url, {"questions": [bank["town"].pk]})
    assert _question(survey, "trust_local_2").bank_question == bank["town"]


def test_copy_after_an_answer_makes_a_new_version(client_of, staff, survey, bank):
    answer = Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        state=Response.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    client_of(staff).post(
        reverse("surveys:bank-copy", args=[survey.pk]),
        {"questions": [bank["town"].pk]},
    )
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    assert survey.current_version.questions.filter(name="trust_local").exists()
    assert not answer.version.questions.filter(name="trust_local").exists()


def test_copy_refuses_another_towns_bank_question(client_of, staff, survey, bank):
    response = client_of(staff).post(
        reverse("surveys:bank-copy", args=[survey.pk]),
        {"questions": [bank["other"].pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["questions"]
    assert not Question.objects.filter(bank_question=bank["other"]).exists()


def test_copy_refuses_nothing_chosen(client_of, staff, survey, bank):
    response = client_of(staff).post(reverse("surveys:bank-copy", args=[survey.pk]))
    assert "Choose at least one question." in response.content.decode()


@pytest.mark.parametrize("persona", ["other_staff", "leader", "collaborator"])
def test_who_may_not_copy(request, client_of, survey, bank, persona):
    client = client_of(request.getfixturevalue(persona))
    url = reverse("surveys:bank-copy", args=[survey.pk])
    assert client.post(url, {"questions": [bank["town"].pk]}).status_code == 404
    assert not Question.objects.filter(bank_question__isnull=False).exists()


def test_bank_detail_lists_the_surveys_that_asked_it(
    client_of, staff, survey, other_survey, bank
):
    Question.objects.filter(version=survey.current_version, name="satisfied").update(
        bank_question=bank["province"]
    )
    Question.objects.filter(
        version=other_survey.current_version, name="satisfied"
    ).update(bank_question=bank["province"])
    response = client_of(staff).get(
        reverse("surveys:bank-detail", args=[bank["province"].pk])
    )
    assert list(response.context["surveys"]) == [survey]
    assert reverse("surveys:bank-trend", args=[bank["province"].pk]) in (
        response.content.decode()
    )
