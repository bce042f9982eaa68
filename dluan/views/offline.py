"""The installable app: service worker, manifest, outbox page, the phone's state.

Work in progress (issue 22): the views below answer 404 until built.
"""

from django.http import Http404


def service_worker(request):
    raise Http404


def manifest(request):
    raise Http404


def state(request):
    raise Http404


def pages(request):
    raise Http404


def outbox(request):
    raise Http404
