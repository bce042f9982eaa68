"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def response_list(request, **kwargs):
    raise Http404


def response_bulk(request, **kwargs):
    raise Http404


def response_detail(request, **kwargs):
    raise Http404


def response_review(request, **kwargs):
    raise Http404


def weights(request, **kwargs):
    raise Http404
