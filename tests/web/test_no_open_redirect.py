"""The browser-language redirect stays on the site (finding: `//evil.example/bills/` with a
Russian browser was sent to `//evil.example/ru/bills/`, a phishing link on the real domain)."""

from __future__ import annotations

import pytest
from django.test import Client

HOSTILE_PATHS = [
    "//evil.example/bills/",
    "//evil.example/",
    "/%2Fevil.example/bills/",
    "/%2F%2Fevil.example/bills/",
    "/\\evil.example/bills/",
    "/%5Cevil.example/bills/",
    "///evil.example/bills/",
]


def _get(client: Client, path: str, **headers):
    # As a raw request line: the test client would read a leading "//" as a host and drop it.
    return client.get("/", PATH_INFO=path, **headers)


def _location_stays_here(response) -> None:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "evil.example" not in location


@pytest.mark.django_db
@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_accept_language_never_redirects_off_the_site(path, language):
    response = _get(Client(), path, HTTP_ACCEPT_LANGUAGE=language)
    _location_stays_here(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_language_cookie_never_redirects_off_the_site(path, language):
    client = Client()
    client.cookies["django_language"] = language
    _location_stays_here(_get(client, path))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_redirect_still_takes_readers_to_their_language(language, kz_record):
    response = Client().get("/bills/", {"q": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/bills/?q=x"
