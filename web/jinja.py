"""The Jinja2 environment of the public pages (templates under web/jinja2/).

The public pages are rendered by Jinja2 rather than Django's engine: they are what advocates load
in bursts, and Jinja2 compiles a template to Python once, where Django's engine walks its nodes
and resolves every variable anew on each render (issue 13: the bill page spent most of its time
there). The admin and the e-mails stay on Django's engine.

The helpers are web.template_helpers (feeds use some of them too), and the translations are
Django's catalogues: `{{ _("…") }}` and `{% trans %}…{% endtrans %}` give the
same msgids as `{% translate %}` and `{% blocktranslate %}` did (web.management.commands.
makemessages extracts them).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.utils import formats, translation
from jinja2 import Environment

from web import paths
from web import template_helpers as helpers


def querystring(request: HttpRequest, **changes: Any) -> str:
    """`{{ querystring(request, page=2) }}`: the request's query string with `changes` made,
    as Django's {% querystring %} gives it (None removes a key)."""
    context = SimpleNamespace(request=request)  # all it reads of a template context
    return defaulttags.querystring(context, **changes)  # type: ignore[arg-type]


def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, kept per value, format and language: a dashboard formats a few
    dozen dates and each costs more than the line it is on. (Unlike Django's engine, Jinja2 does
    not move an aware datetime to the current time zone first; TIME_ZONE is UTC here.)"""
    if value in (None, ""):
        return ""
    return _date(value, arg, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date(value: Any, arg: str | None, language: str | None) -> str:
    return defaultfilters.date(value, arg)


def gettext(message: str) -> str:
    """Django's gettext, kept per message and language: a page asks for a hundred or more
    translations (a family page two hundred), and each went through Django's lookup of the
    active catalogue and its fallbacks. The catalogues do not change while a process runs."""
    return _gettext(message, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _gettext(message: str, language: str | None) -> str:
    return translation.gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _ngettext(singular, plural, number, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _ngettext(singular: str, plural: str, number: int, language: str | None) -> str:
    return translation.ngettext(singular, plural, number)


def languages() -> list[dict[str, Any]]:
    """The site's languages, each as get_language_info() describes it (for the switcher)."""
    return [translation.get_language_info(code) for code, _name in settings.LANGUAGES]


def environment(**options: Any) -> Environment:
    # Django's backend asks for autoescaping already; said here too, so no other caller can forget.
    # keep_trailing_newline: as Django's engine does, so pages and included parts end as written.
    options.pop("autoescape", None)
    env = Environment(
        extensions=["jinja2.ext.i18n"], autoescape=True, keep_trailing_newline=True, **options
    )
    # newstyle: `_("… %(name)s", name=x)` and {% trans %} escape their variables, as Django does.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        url=paths.path,
        static=static,
        querystring=querystring,
        languages=languages,
        get_language=translation.get_language,
        date_element=helpers.date_element,
        days_left=helpers.days_left,
        unprefixed_path=helpers.unprefixed_path,
        vote_segments=helpers.vote_segments,
        absolute_url=helpers.absolute_url,
        badge_layout=helpers.badge_layout,
    )
    env.filters.update(
        localized=helpers.localized,
        date_precise=helpers.date_precise,
        bill_url=helpers.bill_url,
        counts_known=helpers.counts_known,
        get_field_label=helpers.get_field_label,
        date=date,
        capfirst=defaultfilters.capfirst,
        linebreaks=defaultfilters.linebreaks_filter,
        floatformat=defaultfilters.floatformat,
        stringformat=defaultfilters.stringformat,
        urlencode=defaultfilters.urlencode,
        filesizeformat=defaultfilters.filesizeformat,
        localize=formats.localize,
    )
    return env


def template_messages(source: str) -> list[tuple[int, str | tuple[str, str]]]:
    """The translatable strings of a Jinja2 template as (line, msgid) or (line, (singular,
    plural)) pairs: what `_()`, `gettext()`, `ngettext()` and {% trans %} blocks ask for."""
    found: list[tuple[int, str | tuple[str, str]]] = []
    extracted = environment().extract_translations(source)  # type: ignore[attr-defined]
    for line, _function, message in extracted:
        if isinstance(message, tuple):
            found.append((line, (message[0], message[1])))
        else:
            found.append((line, message))
    return found
