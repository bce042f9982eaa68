"""The client's address, for the sign-in lockout and the audit trail: what a client
writes in X-Forwarded-For itself never counts."""

from django.test import RequestFactory

from dluan.auth import client_ip


def _request(forwarded=None):
    extra = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(_request("6.6.6.6")) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    # A client that writes its own header gets the proxy's entry after it.
    assert client_ip(_request("6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request()) == "10.0.0.2"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 2
    assert client_ip(_request("6.6.6.6, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    assert client_ip(_request("10.0.0.1")) == "10.0.0.2"
