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
from django.urls import get_script_prefix
from django.utils import formats, translation
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from bills.models import DatePrecision
from bills.translation import localized as localized_field
from web import paths
from web import template_helpers as helpers


def page_locale(request: HttpRequest) -> dict[str, Any]:
    """A context processor of the Jinja2 engine: the page's language and script prefix, read
    once per render. The helpers below read them from the context: every read of Django's
    (get_language(), get_script_prefix()) goes through asgiref's Local, and a page asks two or
    three hundred times, which was a tenth of the dashboard. A template rendered without a
    request (or an imported macro, which has no page context) reads the active ones."""
    return {"LANGUAGE_CODE": translation.get_language(), "SCRIPT_PREFIX": get_script_prefix()}


def _language(context: Context) -> str | None:
    language = context.get("LANGUAGE_CODE")
    return language if language is not None else translation.get_language()


def _prefix(context: Context) -> str:
    prefix = context.get("SCRIPT_PREFIX")
    return prefix if prefix is not None else get_script_prefix()


@pass_context
def url(context: Context, name: str, *args: str | int) -> str:
    """`{{ url("web:bill_detail", slug) }}`: web.paths.path in the page's language."""
    return paths.path(name, *args, language=_language(context), prefix=_prefix(context))


@pass_context
def bill_url(context: Context, slug: str) -> str:
    """`{{ bill.slug|bill_url }}`: the bill page's path in the page's language (web.paths)."""
    return paths.slug_path(
        "web:bill_detail", slug, language=_language(context), prefix=_prefix(context)
    )


@pass_context
def localized(context: Context, obj: object, field: str) -> str:
    """`{{ bill|localized("title") }}`: the field in the page's language, else English."""
    return localized_field(obj, field, _language(context))


@pass_context
def date_element(context: Context, value: Any, precision: str = DatePrecision.DAY) -> str:
    """web.template_helpers.date_element in the page's language."""
    return helpers.date_element(value, precision, language=_language(context))


def querystring(request: HttpRequest, **changes: Any) -> str:
    """`{{ querystring(request, page=2) }}`: the request's query string with `changes` made,
    as Django's {% querystring %} gives it (None removes a key)."""
    context = SimpleNamespace(request=request)  # all it reads of a template context
    return defaulttags.querystring(context, **changes)  # type: ignore[arg-type]


@pass_context
def date(context: Context, value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, kept per value, format and language: a dashboard formats a few
    dozen dates and each costs more than the line it is on. (Unlike Django's engine, Jinja2 does
    not move an aware datetime to the current time zone first; TIME_ZONE is UTC here.)"""
    if value in (None, ""):
        return ""
    return _date(value, arg, _language(context))


@functools.lru_cache(maxsize=4096)
def _date(value: Any, arg: str | None, language: str | None) -> str:
    return defaultfilters.date(value, arg)


@pass_context
def gettext(context: Context, message: str) -> str:
    """Django's gettext, kept per message and language: a page asks for a hundred or more
    translations (a family page two hundred), and each went through Django's lookup of the
    active catalogue and its fallbacks. The catalogues do not change while a process runs."""
    return _gettext(message, _language(context))


@functools.lru_cache(maxsize=4096)
def _gettext(message: str, language: str | None) -> str:
    return translation.gettext(message)


@pass_context
def ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return _ngettext(singular, plural, number, _language(context))


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
        url=url,
        static=static,
        querystring=querystring,
        languages=languages,
        get_language=translation.get_language,
        date_element=date_element,
        days_left=helpers.days_left,
        unprefixed_path=helpers.unprefixed_path,
        vote_segments=helpers.vote_segments,
        absolute_url=helpers.absolute_url,
        badge_layout=helpers.badge_layout,
    )
    env.filters.update(
        localized=localized,
        date_precise=helpers.date_precise,
        bill_url=bill_url,
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
