"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def interview_list(request, **kwargs):
    raise Http404


def interview_new(request, **kwargs):
    raise Http404


def interview_form(request, **kwargs):
    raise Http404
