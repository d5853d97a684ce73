"""Helpers of the public pages' Jinja2 templates (registered in web.jinja): localized fields,
dates with precision, links, charts."""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bills.models import DatePrecision, Vote
from web.paths import path


def date_precise(value: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date shown only as precisely as its source gives it: never an invented day."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return _("date not given")
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def date_iso(value: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """The machine-readable form of a date at its precision ("2025-12" for a month), or "" when
    unknown: HTML's <time datetime> accepts a month string, and must not be given an invented
    day or an empty value (HTML Living Standard §4.5.14, "valid month string")."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.MONTH:
        return value.strftime("%Y-%m")
    return value.isoformat()


def date_element(
    value: dt.date | None, precision: str = DatePrecision.DAY, *, language: str | None = None
) -> str:
    """`{{ date_element(event.date, event.date_precision) }}`: a <time> with a valid datetime, or a
    plain <span> where the source gives no date. Built here rather than by including a template:
    a timeline shows dozens. `language`: the active one, where the caller has read it."""
    return _date_element(value, precision, language or translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date_element(value: dt.date | None, precision: str, language: str | None) -> str:
    # Kept per date, precision and language: a family page shows a hundred and fifty dates, and
    # formatting one in the active language's format costs more than the rest of its line.
    iso, text = date_iso(value, precision), date_precise(value, precision)
    if iso:
        return format_html('<time datetime="{}">{}</time>', iso, text)
    return format_html("<span>{}</span>", text)


def unprefixed_path(request: HttpRequest) -> str:
    """The current URL without its language prefix, for the language switcher's `next`.

    Django's set_language resolves `next` in the default language and translates it to the
    chosen one; a prefixed path would not resolve there and the switch would not happen.
    """
    path = request.get_full_path()
    language = translation.get_language_from_path(request.path_info)
    if language:
        prefix = f"/{language}/"
        if path.startswith(prefix):
            return "/" + path[len(prefix) :]
    return path


def absolute_url(name: str, *args: str | int) -> str:
    """`{{ absolute_url("web:bill_embed", bill.slug) }}`: the URL on the public site (SITE_URL), in
    the active language, for code that other sites paste (the request's host may be a proxy's)."""
    return settings.SITE_URL + path(name, *args)


# The badge's text is drawn in the viewer's own sans-serif (no font is sent), so its width is an
# estimate, and `textLength` squeezes or stretches the text to it: an average 11px Verdana or
# DejaVu Sans glyph, Latin or Cyrillic, is about 7px wide.
BADGE_CHAR_PX = 7
BADGE_PADDING_PX = 12


@dataclass(frozen=True)
class BadgeLayout:
    """Whole pixels only: a float would be rendered with a decimal comma in Russian."""

    status_width: int
    status_x: int
    status_text: int
    days_width: int
    days_x: int
    days_text: int
    width: int


def _text_px(text: str) -> int:
    return len(text) * BADGE_CHAR_PX


def _box_px(text: str) -> int:
    # Even widths, so that the centre of each half is a whole pixel.
    return 2 * math.ceil((_text_px(text) + 2 * BADGE_PADDING_PX) / 2) if text else 0


def badge_layout(status: str, days: str = "") -> BadgeLayout:
    """The two boxes of the status badge: the status, then (if any) the days left."""
    status_width, days_width = _box_px(status), _box_px(days)
    return BadgeLayout(
        status_width=status_width,
        status_x=status_width // 2,
        status_text=_text_px(status),
        days_width=days_width,
        days_x=status_width + days_width // 2,
        days_text=_text_px(days),
        width=status_width + days_width,
    )


def days_left(days: int) -> str:
    if days < 0:
        return ngettext("%(n)d day ago", "%(n)d days ago", -days) % {"n": -days}
    if days == 0:
        return _("today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    x: float
    width: float


def vote_segments(vote: Vote) -> list[Segment]:
    """The stacked bar of a vote's known counts, as percentages of the chamber (or the total).

    Unknown (NULL) counts are left out, not drawn as zero.
    """
    parts = [
        ("yes", _("Yes"), vote.yes_count),
        ("no", _("No"), vote.no_count),
        ("abstain", _("Abstained"), vote.abstain_count),
        ("absent", _("Absent"), vote.absent_count),
        ("not-voting", _("Not voting"), vote.not_voting_count),
    ]
    known = [(k, label, c) for k, label, c in parts if c]
    seats = vote.action.chamber.seats if vote.action.chamber else None
    total = max(seats or 0, sum(c for _k, _l, c in known), 1)
    segments, x = [], 0.0
    for key, label, count in known:
        width = round(count / total * 100, 2)
        segments.append(Segment(key=key, label=label, count=count, x=round(x, 2), width=width))
        x += width
    return segments


def counts_known(vote: Vote) -> bool:
    return any(
        c is not None
        for c in (
            vote.yes_count,
            vote.no_count,
            vote.abstain_count,
            vote.absent_count,
            vote.not_voting_count,
        )
    )


def get_field_label(form, name: str) -> str:
    """The label of a form field by name (for error lists outside the field loop)."""
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name
