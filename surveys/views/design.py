"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def survey_list(request, **kwargs):
    raise Http404


def survey_create(request, **kwargs):
    raise Http404


def survey_detail(request, **kwargs):
    raise Http404


def survey_edit(request, **kwargs):
    raise Http404


def survey_status(request, **kwargs):
    raise Http404


def questionnaire(request, **kwargs):
    raise Http404


def question_create(request, **kwargs):
    raise Http404


def question_edit(request, **kwargs):
    raise Http404


def question_delete(request, **kwargs):
    raise Http404


def question_move(request, **kwargs):
    raise Http404


def questionnaire_preview(request, **kwargs):
    raise Http404
