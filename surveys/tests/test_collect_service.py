"""response_save: one response per client id, the flags, the quota, the online cap."""

import datetime
import uuid

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from surveys.models import Answer, Response, Survey
from surveys.services.collect import Refused, Respondent, response_save
from surveys.tests.factories import SurveyCellFactory

pytestmark = pytest.mark.django_db


def data(**extra):
    values = {
        "q-satisfied": ["other"],
        "q-satisfied-other": ["Tùy thủ tục"],
        "q-channels": ["tv", "zalo"],
        "q-zalo_group": ["Nhóm tổ dân phố 3"],
        "q-rating": ["4"],
        "q-grid-merge": ["agree"],
        "q-grid-nodistrict": ["unsure"],
        "q-age_years": ["47"],
        "q-visited_on": ["02/09/2026"],
    }
    values.update({k: v if isinstance(v, list) else [v] for k, v in extra.items()})
    return MultiValueDict(values)


@pytest.fixture
def who(commune):
    return Respondent(
        commune=commune, sex="female", age_group="30-44", occupation="farmer"
    )


@pytest.fixture
def save(survey, collaborator, who):
    def _save(client_id=None, *, submit=True, user=collaborator, **kwargs):
        kwargs.setdefault("data", data())
        kwargs.setdefault("respondent", who)
        kwargs.setdefault("mode", Response.Mode.FACE_TO_FACE)
        kwargs.setdefault("started_at", timezone.now() - datetime.timedelta(minutes=10))
        return response_save(
            survey=kwargs.pop("survey", survey),
            client_id=client_id or uuid.uuid4(),
            submit=submit,
            entered_by=user,
            collaborator=getattr(user, "collaborator", None),
            **kwargs,
        )

    return _save


def test_submission_saves_answers_and_one_row_per_answer(save, collaborator):
    saved = save()
    assert saved.ok and saved.created
    response = saved.response
    assert response.state == Response.State.SUBMITTED
    assert response.submitted_at == response.ended_at
    assert response.collaborator == collaborator.collaborator
    assert response.fingerprint
    assert response.answers["satisfied__other"] == "Tùy thủ tục"
    assert response.answers["grid"] == {"merge": "agree", "nodistrict": "unsure"}
    rows = Answer.objects.filter(response=response)
    # satisfied, channels ×2, zalo_group, rating, grid ×2, age_years, visited_on
    assert rows.count() == 9
    other = rows.get(question__name="satisfied")
    assert other.choice.is_other and other.text == "Tùy thủ tục"
    assert rows.get(question__name="age_years").number == 47
    assert rows.get(question__name="visited_on").date == datetime.date(2026, 9, 2)
    assert rows.get(question__name="zalo_group").search_text == "nhom to dan pho 3"
    assert set(rows.filter(question__name="grid").values_list("row", flat=True)) == {
        "merge",
        "nodistrict",
    }


def test_the_same_client_id_twice_makes_one_response(save):
    client_id = uuid.uuid4()
    first = save(client_id)
    again = save(client_id, data=data(**{"q-rating": "1"}))
    assert not again.created
    assert again.response.pk == first.response.pk
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 9
    assert Response.objects.get().answers["rating"] == "4"


def test_draft_then_submit_keeps_the_drafts_start(save):
    client_id = uuid.uuid4()
    began = timezone.now() - datetime.timedelta(minutes=30)
    draft = save(client_id, submit=False, data=data(), started_at=began)
    assert draft.response.state == Response.State.DRAFT
    assert not Answer.objects.exists()
    done = save(client_id, started_at=timezone.now())
    assert done.response.pk == draft.response.pk
    assert done.response.state == Response.State.SUBMITTED
    assert done.response.started_at == began
    assert Response.objects.count() == 1


def test_a_draft_may_be_incomplete_a_submission_may_not(save):
    client_id = uuid.uuid4()
    partial = MultiValueDict({"q-rating": ["3"], "q-satisfied": ["other"]})
    assert save(client_id, submit=False, data=partial).ok
    refused = save(client_id, data=partial)
    assert not refused.ok
    assert "satisfied" in refused.cleaned.errors  # "other" needs its words now
    assert Response.objects.get().state == Response.State.DRAFT


def test_another_accounts_client_id_is_refused(save, other_collaborator):
    client_id = uuid.uuid4()
    save(client_id, submit=False)
    with pytest.raises(Refused) as refused:
        save(client_id, user=other_collaborator)
    assert refused.value.code == "taken"
    response = Response.objects.get()
    assert response.state == Response.State.DRAFT
    assert response.entered_by.username == "ctv_tuha"


def test_bad_answers_save_nothing(save):
    saved = save(data=data(**{"q-age_years": "abc", "q-why_not": "Không áp dụng"}))
    assert not saved.ok
    assert set(saved.cleaned.errors) == {"age_years", "why_not"}
    assert not Response.objects.exists()


def test_closed_survey_refuses(save, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    with pytest.raises(Refused) as refused:
        save(survey=survey)
    assert refused.value.code == "closed"
    Survey.objects.filter(pk=survey.pk).update(
        status=Survey.Status.OPEN,
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    survey.refresh_from_db()
    with pytest.raises(Refused):
        save(survey=survey)
    assert not Response.objects.exists()


def test_flag_fast(save, survey):
    # Nine answers at 4 seconds each: 36 seconds at least.
    fast = save(started_at=timezone.now() - datetime.timedelta(seconds=20))
    slow = save(started_at=timezone.now() - datetime.timedelta(seconds=60))
    assert fast.response.flag_fast
    assert not slow.response.flag_fast


def test_flag_duplicate(save, staff, other_collaborator, survey, other_commune):
    first = save(data=data(**{"q-age_years": "30"}))
    assert not first.response.flag_duplicate
    # The same choices, whatever the number and the words: near-identical.
    second = save(data=data(**{"q-age_years": "61", "q-satisfied-other": "Khác"}))
    assert second.response.flag_duplicate
    first.response.refresh_from_db()
    assert first.response.flag_duplicate
    different = save(data=data(**{"q-rating": "2"}))
    assert not different.response.flag_duplicate
    # Another interviewer's alike answers are theirs, not a copy.
    from surveys.tests.factories import AssignmentFactory

    AssignmentFactory(
        survey=survey,
        collaborator=other_collaborator.collaborator,
        commune=other_commune,
    )
    theirs = save(user=other_collaborator)
    assert not theirs.response.flag_duplicate


def test_over_quota(save, survey, commune, who):
    SurveyCellFactory(
        survey=survey, commune=commune, sex="female", age_group="30-44", quota=2
    )
    one = save(data=data(**{"q-rating": "1"}))
    two = save(data=data(**{"q-rating": "2"}))
    assert not one.response.over_quota
    assert not two.response.over_quota
    # A rejected one leaves its place to the next.
    Response.objects.filter(pk=one.response.pk).update(review=Response.Review.REJECTED)
    three = save(data=data(**{"q-rating": "3"}))
    assert not three.response.over_quota
    four = save(data=data(**{"q-rating": "5"}))
    assert four.response.over_quota
    # Kept all the same, for the reviewer to decide.
    assert four.response.state == Response.State.SUBMITTED
    # Another cell (no quota set) is never over.
    male = save(respondent=Respondent(commune=commune, sex="male", age_group="30-44"))
    assert not male.response.over_quota


def test_online_cap_refuses_the_next_one(save, survey):
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.BOTH, answer_cap=2)
    survey.refresh_from_db()
    online = {
        "survey": survey,
        "user": None,
        "mode": Response.Mode.ONLINE,
        "respondent": Respondent(),
    }
    assert save(submit=False, **online).ok  # a draft takes no place
    assert save(**online).ok
    assert save(**online).ok
    with pytest.raises(Refused) as refused:
        save(**online)
    assert refused.value.code == "cap"
    survey.refresh_from_db()
    assert survey.online_count == 2
    assert Response.objects.submitted().count() == 2
    # Face-to-face answers are not capped.
    assert save(survey=survey).ok


def test_a_submission_racing_its_own_autosave_submits_once(save, monkeypatch):
    """The autosave's draft is inserted between the submission's look-up and its
    insert: the submission goes again and submits that draft."""
    client_id = uuid.uuid4()
    save(client_id, submit=False, data=MultiValueDict({"q-rating": ["3"]}))
    real = Response.objects.select_for_update
    calls = []

    def miss_once(*args, **kwargs):
        calls.append(1)
        return Response.objects.none() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(Response.objects, "select_for_update", miss_once)
    saved = save(client_id)
    assert len(calls) == 2
    assert saved.ok
    response = Response.objects.get()
    assert response.state == Response.State.SUBMITTED
    assert response.answers["rating"] == "4"
    assert Answer.objects.filter(response=response).count() == 9


def test_an_online_double_tap_racing_takes_one_place(save, survey, monkeypatch):
    """Two submissions of one client id at once through the link: the second
    finds the first's response on insert; its place under the cap is given back."""
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.BOTH, answer_cap=5)
    survey.refresh_from_db()
    client_id = uuid.uuid4()
    online = {
        "survey": survey,
        "user": None,
        "mode": Response.Mode.ONLINE,
        "respondent": Respondent(),
    }
    first = save(client_id, **online)
    real = Response.objects.select_for_update
    calls = []

    def miss_once(*args, **kwargs):
        calls.append(1)
        return Response.objects.none() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(Response.objects, "select_for_update", miss_once)
    again = save(client_id, **online)
    assert len(calls) == 2
    assert again.response.pk == first.response.pk and not again.created
    survey.refresh_from_db()
    assert survey.online_count == 1
    assert Response.objects.count() == 1
