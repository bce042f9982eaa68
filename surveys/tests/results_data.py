"""Approved responses made through the response service, for the results' tests."""

import uuid

from django.utils.datastructures import MultiValueDict

from surveys.models import Response, SurveyCell
from surveys.services.collect import Respondent, response_save


def respond(
    survey, data, *, weight=1.0, mode="face", sex="female", review=None, commune=None
):
    """Submit one response through the service, then approve it with ``weight``.

    A weight other than 1 is its population cell's (``surveys.weights``): the
    response gets a cell of its commune (the survey's unit unless given), sex and
    age group, weighing ``weight``.
    """
    if weight != 1.0 and commune is None:
        commune = survey.unit
    posted = MultiValueDict(
        {k: v if isinstance(v, list) else [v] for k, v in data.items()}
    )
    saved = response_save(
        survey=survey,
        client_id=uuid.uuid4(),
        mode=mode,
        data=posted,
        respondent=Respondent(
            commune=commune, sex=sex, age_group="30-44", occupation="farmer"
        ),
        submit=True,
    )
    assert saved.ok, saved.cleaned.errors
    cell = None
    if weight != 1.0:
        cell, _created = SurveyCell.objects.get_or_create(
            survey=survey, commune=commune, sex=sex, age_group="30-44"
        )
        assert cell.weight in (None, weight), "one weight per cell"
        SurveyCell.objects.filter(pk=cell.pk).update(weight=weight)
    Response.objects.filter(pk=saved.response.pk).update(
        review=review or Response.Review.APPROVED, cell=cell
    )
    return saved.response


def hand_set(survey):
    """25 approved face-to-face responses, and two that do not count.

    12 women: satisfied "yes", weight 1.5, channels tv + zalo, grid merge agree,
    aged 30. 10 men: "no", weight 0.5, channels tv, grid merge disagree, aged 50.
    3 men: "other" (weight 1), no other answer.
    """
    for i in range(12):
        respond(
            survey,
            {
                "q-satisfied": "yes",
                "q-channels": ["tv", "zalo"],
                "q-zalo_group": "Nhóm phòng chống sạt lở" if i < 2 else "Tổ dân phố 3",
                "q-grid-merge": "agree",
                "q-grid-nodistrict": "agree",
                "q-age_years": "30",
            },
            weight=1.5,
        )
    for _i in range(10):
        respond(
            survey,
            {
                "q-satisfied": "no",
                "q-why_not": "Đường truyền chậm",
                "q-channels": ["tv"],
                "q-grid-merge": "disagree",
                "q-grid-nodistrict": "agree",
                "q-age_years": "50",
            },
            weight=0.5,
            sex="male",
        )
    for _i in range(3):
        respond(
            survey,
            {"q-satisfied": "other", "q-satisfied-other": "Tạm được"},
            sex="male",
        )
    # Neither a rejected nor a pending response counts.
    respond(survey, {"q-satisfied": "no"}, review=Response.Review.REJECTED)
    respond(survey, {"q-satisfied": "no"}, review=Response.Review.PENDING)
