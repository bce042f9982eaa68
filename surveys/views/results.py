"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def results(request, **kwargs):
    raise Http404


def crosstab(request, **kwargs):
    raise Http404


def text_answers(request, **kwargs):
    raise Http404


def bank_trend(request, **kwargs):
    raise Http404
