"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def population(request, **kwargs):
    raise Http404


def population_upload(request, **kwargs):
    raise Http404


def plan(request, **kwargs):
    raise Http404


def assignments(request, **kwargs):
    raise Http404


def quota_fill(request, **kwargs):
    raise Http404
