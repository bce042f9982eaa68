"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def xlsform_import(request, **kwargs):
    raise Http404


def xlsform_export(request, **kwargs):
    raise Http404
