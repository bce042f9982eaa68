"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def online(request, **kwargs):
    raise Http404


def thanks(request, **kwargs):
    raise Http404


def personal(request, **kwargs):
    raise Http404
