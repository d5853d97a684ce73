"""One function gives the client's address (web.ratelimit.client_ip), for the rate limits and
the admin lockout alike: the rightmost address the trusted proxies did not write, never what the
client put in the header, and the peer address when no proxy is configured."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from web.ratelimit import client_ip

PEER = "10.0.0.2"  # the nearest proxy, as the web process sees it


def _request(**headers):
    return RequestFactory().get("/", REMOTE_ADDR=PEER, **headers)


def test_no_header_configured_is_the_peer(settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == PEER


def test_x_forwarded_for_behind_one_proxy_is_its_rightmost_entry(settings):
    settings.CLIENT_IP_HEADER, settings.TRUSTED_PROXIES = "X-Forwarded-For", 1
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "203.0.113.9"
    # A client that forges the header only adds entries on the left: they are not believed.
    forged = "198.51.100.1, 203.0.113.9"
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=forged)) == "203.0.113.9"


def test_x_forwarded_for_behind_two_proxies_skips_the_inner_one(settings):
    settings.CLIENT_IP_HEADER, settings.TRUSTED_PROXIES = "X-Forwarded-For", 2
    chain = "198.51.100.1, 203.0.113.9, 10.0.0.1"  # forged, client, the outer proxy
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.9"
    # Fewer entries than proxies: the request did not come through them; the peer is used.
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == PEER


def test_x_real_ip_set_by_the_proxy(settings):
    settings.CLIENT_IP_HEADER, settings.TRUSTED_PROXIES = "X-Real-IP", 1
    assert client_ip(_request(HTTP_X_REAL_IP="2001:db8::7")) == "2001:db8::7"


@pytest.mark.parametrize("value", ["", "not an address", "203.0.113.9, junk", "999.1.1.1"])
def test_a_missing_or_malformed_header_falls_back_to_the_peer(settings, value):
    settings.CLIENT_IP_HEADER, settings.TRUSTED_PROXIES = "X-Forwarded-For", 1
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=value)) == PEER


def test_the_rate_limits_and_the_lockout_use_this_function():
    assert django_settings.RATELIMIT_IP_META_KEY == "web.ratelimit.client_ip"
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "web.ratelimit.client_ip"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
