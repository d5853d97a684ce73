"""Template helpers that replace a costlier built-in must give what it gives."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from web.selectors import cut_title
from web.templatetags.web_tags import bill_url


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_bill_url_is_what_reverse_gives(language):
    with translation.override(language):
        for slug in ("kz-lgbt-propaganda-ban", "bench-1", "SLUG", "a_b"):
            assert bill_url(slug) == reverse("web:bill_detail", args=[slug])


def test_board_titles_are_cut_as_truncatechars_cuts_them():
    from django.template.defaultfilters import truncatechars

    for text in ("short", "x" * 80, "y" * 81, "word " * 30):
        assert cut_title(text) == truncatechars(text, 80)
