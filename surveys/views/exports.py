"""(To be built: see surveys/urls.py.)"""

from django.http import Http404


def response_export(request, **kwargs):
    raise Http404
