"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def online_link(request, **kwargs):
    raise Http404


def link_list(request, **kwargs):
    raise Http404


def link_slips(request, **kwargs):
    raise Http404
