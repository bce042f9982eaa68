"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def report_edit(request, **kwargs):
    raise Http404


def report_approve(request, **kwargs):
    raise Http404


def report_download(request, **kwargs):
    raise Http404
