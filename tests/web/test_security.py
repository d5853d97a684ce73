"""Light and private: a strict CSP, no inline script or style, nothing loaded from elsewhere."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/bills/", "/bills/kz-lgbt-propaganda-ban/", "/ru/", "/kk/bills/?status=bogus"]


@pytest.mark.parametrize("url", PAGES)
def test_csp_header_is_strict(client, kz_open, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src"):
        assert "unsafe-inline" not in directives[name]
        assert "unsafe-eval" not in directives[name]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_or_style_and_only_own_assets(client, kz_open, url):
    body = client.get(url).content.decode()
    assert "<script" not in body  # the pages need no JavaScript at all
    assert "<style" not in body
    assert not re.search(r"\sstyle=", body), "inline style attributes are blocked by the CSP"
    assert not re.search(r"\son[a-z]+=", body), "inline event handlers are blocked by the CSP"
    # Every stylesheet, script, image and icon comes from our own origin.
    for attr in re.findall(r'<(?:link|img|script|source)\b[^>]*\b(?:href|src)="([^"]+)"', body):
        assert attr.startswith(("/", "data:")), attr


def test_every_form_has_a_csrf_token(client, kz_open):
    body = client.get("/bills/kz-lgbt-propaganda-ban/").content.decode()
    for form in re.findall(r'<form[^>]*method="post".*?</form>', body, flags=re.S):
        assert 'name="csrfmiddlewaretoken"' in form


def test_pages_have_landmarks_and_labels(client, kz_open):
    body = client.get("/bills/").content.decode()
    assert '<a class="skip-link" href="#main">' in body
    for landmark in ("<header", "<main", "<nav", "<footer"):
        assert landmark in body
    assert '<html lang="en">' in body
    inputs = re.findall(r'<(?:input|select)\b[^>]*\bid="([^"]+)"', body)
    assert inputs
    for input_id in inputs:
        assert f'for="{input_id}"' in body, f"no label for {input_id}"
