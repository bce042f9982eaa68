"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def bank_list(request, **kwargs):
    raise Http404


def bank_create(request, **kwargs):
    raise Http404


def bank_detail(request, **kwargs):
    raise Http404


def bank_copy(request, **kwargs):
    raise Http404
