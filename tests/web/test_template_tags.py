"""Template helpers that replace a costlier built-in must give what it gives."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from web.selectors import cut_title


def _render(source: str, context: dict, *, request=None) -> str:
    from django.template import engines

    return engines["jinja2"].from_string(source).render(context, request=request)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize("with_request", [True, False])
def test_bill_url_is_what_reverse_gives(language, with_request, rf):
    # With a request, the page's language comes from the context (web.jinja.page_locale);
    # without one, from the active language.
    with translation.override(language):
        request = rf.get("/") if with_request else None
        for slug in ("kz-lgbt-propaganda-ban", "bench-1", "SLUG", "a_b"):
            rendered = _render("{{ slug|bill_url }}", {"slug": slug}, request=request)
            assert rendered == reverse("web:bill_detail", args=[slug])


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_page_helpers_speak_the_page_language(language, rf):
    """Links, translations, dates and localized fields in the language the page is rendered
    in, read once per render (web.jinja.page_locale), as Django's own would give them."""
    import datetime as dt

    from django.template import defaultfilters
    from django.utils.translation import gettext

    from bills.models import Jurisdiction

    jurisdiction = Jurisdiction(
        code="KZ", name="Kazakhstan", name_ru="Казахстан", name_kk="Қазақстан"
    )
    day = dt.date(2025, 11, 12)
    with translation.override(language):
        rendered = _render(
            '{{ url("web:bill_list") }}|{{ _("Bills") }}|{{ day|date("j F Y") }}|'
            '{{ jurisdiction|localized("name") }}|{{ date_element(day) }}',
            {"day": day, "jurisdiction": jurisdiction},
            request=rf.get("/"),
        )
        expected = [
            reverse("web:bill_list"),
            gettext("Bills"),
            defaultfilters.date(day, "j F Y"),
            jurisdiction.localized("name"),
        ]
    parts = rendered.split("|")
    assert parts[:4] == expected
    assert parts[4].startswith('<time datetime="2025-11-12">')
    assert {"en": "/bills/", "ru": "/ru/bills/", "kk": "/kk/bills/"}[language] == parts[0]


def test_board_titles_are_cut_as_truncatechars_cuts_them():
    from django.template.defaultfilters import truncatechars

    for text in ("short", "x" * 80, "y" * 81, "word " * 30):
        assert cut_title(text) == truncatechars(text, 80)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_api_paths_are_what_reverse_gives(language):
    from web.paths import slug_path

    with translation.override(language):
        for slug in ("kz-lgbt-propaganda-ban", "bench-1"):
            assert slug_path("api:bill-detail", slug) == reverse("api:bill-detail", args=[slug])


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_choice_labels_are_what_django_gives(language):
    """get_<field>_display() reads labels built once per language (bills.choice_labels): the
    same labels Django's own builds on every call, in the active language, and the value itself
    for a value outside the choices."""
    from bills.choices import Classification
    from bills.models import Bill, BillStatus, Event

    with translation.override(language):
        for status in BillStatus:
            assert Bill(status=status).get_status_display() == str(status.label)
        for classification in Classification:
            event = Event(classification=classification)
            assert event.get_classification_display() == str(classification.label)
        assert Bill(status="no-such-status").get_status_display() == "no-such-status"
    with translation.override("ru"):
        assert Bill(status=BillStatus.ENACTED).get_status_display() != "enacted"


def test_jinja_templates_give_their_strings_to_makemessages(tmp_path):
    """web.management.commands.makemessages hands xgettext the gettext() and ngettext() calls a
    Jinja2 template amounts to, on the template's own lines."""
    from web.management.commands.makemessages import BuildFile

    folder = tmp_path / "jinja2"
    folder.mkdir()
    template = folder / "page.html"
    template.write_text(
        '<h1>{{ _("Signing window") }}</h1>\n'
        "<p>{% trans counter=n %}{{ counter }} bill{% pluralize %}{{ counter }} bills"
        "{% endtrans %}</p>\n",
        encoding="utf-8",
    )

    class Translatable:
        file = "page.html"
        path = str(template)
        dirpath = str(folder)

    class Command:
        domain = "django"

    build = BuildFile(Command(), "django", Translatable())
    build.preprocess()
    lines = (folder / "page.html.py").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "gettext('Signing window'); "
    assert lines[1] == "ngettext('%(counter)s bill', '%(counter)s bills', n); "
