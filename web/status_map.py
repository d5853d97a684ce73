"""A map of the countries of a bill family, coloured by each bill's status, drawn on the server.

The outlines are Natural Earth's 1:110m countries, projected and simplified once by
web/shapes/build.py into web/shapes/countries.json (public domain, web/shapes/LICENSE.md). The
map is framed on the member countries, with the neighbours inside the frame drawn in a neutral
class, clipped to it. No script, nothing from another origin, no style attribute (strict CSP):
the colours are classes in static/css/site.css, and each member carries its label (which says
the status in words) as a <title>, so colour is not the only signal.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from bills.choices import BillStatus

SHAPES = Path(__file__).with_name("shapes") / "countries.json"

# The record's statuses, and "lapsed" for a bill that died with its legislature's term, a status
# a family page can show for a country whose bill is not (yet) in the record.
MAP_STATUSES: tuple[str, ...] = (*BillStatus.values, "lapsed")

# The frame, in the data's units (about 11 km at the equator): the members' box plus a margin, at
# least MIN_SIDE on each side so a single small country shows its region, and no taller than
# wide nor more than twice as wide as tall, so it reads on a 360 px phone and on a desktop.
MARGIN = 0.08
MIN_MARGIN = 30
MIN_SIDE = 220
MAX_ASPECT = 2.0
# Neighbours are clipped a little outside the frame, so that the cut edges' strokes are not seen.
CLIP_PAD = 10

Ring = tuple[tuple[int, int], ...]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    rings: tuple[Ring, ...]
    box: Box


@dataclass(frozen=True)
class MemberShape:
    code: str
    status: str
    label: str
    d: str


@functools.cache
def _countries() -> dict[str, Country]:
    data = json.loads(SHAPES.read_text(encoding="utf-8"))
    countries = {}
    for code, entry in data.items():
        rings = tuple(tuple(zip(flat[0::2], flat[1::2], strict=True)) for flat in entry["rings"])
        countries[code] = Country(
            code=code, name=entry["name"], rings=rings, box=_box(p for r in rings for p in r)
        )
    return countries


@functools.cache
def map_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes the map can draw as members (Kosovo is XK)."""
    return frozenset(code for code in _countries() if len(code) == 2)


def _box(points: Iterable[tuple[float, float]]) -> Box:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _frame(boxes: Iterable[Box]) -> Box:
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    x0, y0, x1, y1 = min(x0s), min(y0s), max(x1s), max(y1s)
    margin = max(MARGIN * max(x1 - x0, y1 - y0), MIN_MARGIN)
    width = max(x1 - x0 + 2 * margin, MIN_SIDE)
    height = max(y1 - y0 + 2 * margin, MIN_SIDE)
    width = max(width, height)
    height = max(height, width / MAX_ASPECT)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (
        math.floor(cx - width / 2),
        math.floor(cy - height / 2),
        math.ceil(cx + width / 2),
        math.ceil(cy + height / 2),
    )


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _clip(ring: Ring, box: Box) -> Ring:
    """The ring cut to the box (Sutherland-Hodgman: one pass per edge, fine for a rectangle)."""
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    )
    points: list[tuple[float, float]] = list(ring)
    for inside, cross in edges:
        if not points:
            break
        out: list[tuple[float, float]] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
        points = out
    rounded: list[tuple[int, int]] = []
    for x, y in points:
        p = (round(x), round(y))
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    while len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return tuple(rounded) if len(rounded) >= 3 else ()


def _cross_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _cross_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def _path(rings: Iterable[Ring]) -> str:
    """SVG path data: an absolute move to each ring's start, then relative whole-unit lines."""
    parts = []
    for ring in rings:
        (x, y), rest = ring[0], ring[1:]
        steps: list[int] = []
        for nx, ny in rest:
            steps += (nx - x, ny - y)
            x, y = nx, ny
        parts.append(f"M{_numbers(ring[0])}l{_numbers(steps)}z")
    return "".join(parts)


def _numbers(values: Iterable[int]) -> str:
    # A minus sign separates numbers by itself: "3-4" is 3, -4.
    text = ""
    for value in values:
        text += f"{value}" if not text or value < 0 else f" {value}"
    return text


@functools.lru_cache(maxsize=64)
def _geometry(codes: frozenset[str]) -> tuple[str, str, dict[str, str]]:
    """The frame (an SVG viewBox), the neighbours' path clipped to it and each member's path:
    drawn from the outlines alone, so once per set of members, not on every page view."""
    countries = _countries()
    frame = _frame(countries[code].box for code in codes)
    clip = (frame[0] - CLIP_PAD, frame[1] - CLIP_PAD, frame[2] + CLIP_PAD, frame[3] + CLIP_PAD)
    neighbours: list[Ring] = []
    for code, country in countries.items():
        if code in codes or not _overlaps(country.box, clip):
            continue
        for ring in country.rings:
            ring_box = _box(ring)
            if not _overlaps(ring_box, clip):
                continue
            inside = clip[0] <= ring_box[0] and clip[1] <= ring_box[1]
            inside = inside and ring_box[2] <= clip[2] and ring_box[3] <= clip[3]
            cut = ring if inside else _clip(ring, clip)
            if cut:
                neighbours.append(cut)
    x0, y0, x1, y1 = frame
    paths = {code: _path(countries[code].rings) for code in codes}
    return f"{x0} {y0} {x1 - x0} {y1 - y0}", _path(neighbours), paths


def status_map_svg(
    *, statuses: Mapping[str, str], labels: Mapping[str, str], title: str
) -> SafeString:
    """An inline SVG map of the countries in `statuses` (ISO 3166-1 alpha-2 code to a status in
    MAP_STATUSES), each with the class map-status-<status> and its `labels` entry (the text a
    reader is given, for example "Georgia: enacted") as its <title>; `title` names the map.

    Raises ValueError for a code the map does not know (see map_codes()), a status not in
    MAP_STATUSES, no countries, or labels that do not name exactly the countries in statuses:
    a country silently missing from a map would tell a reader its bill does not exist.
    """
    if not statuses:
        raise ValueError("a status map needs at least one country")
    unknown = sorted(code for code in statuses if code not in map_codes())
    if unknown:
        raise ValueError(
            f"no outline for {', '.join(map(repr, unknown))}: "
            "a country is named by its ISO 3166-1 alpha-2 code in upper case"
        )
    bad = sorted(
        f"{code}={status!r}" for code, status in statuses.items() if status not in MAP_STATUSES
    )
    if bad:
        raise ValueError(f"unknown status for {', '.join(bad)}: expected one of {MAP_STATUSES}")
    if set(labels) != set(statuses):
        missing, extra = sorted(set(statuses) - set(labels)), sorted(set(labels) - set(statuses))
        raise ValueError(f"labels must name the mapped countries: missing {missing}, extra {extra}")

    view_box, neighbours, paths = _geometry(frozenset(statuses))
    members = [
        MemberShape(code=code, status=statuses[code], label=labels[code], d=paths[code])
        for code in sorted(statuses)
    ]
    # Jinja2 returns a plain string; its template escaped every value in it.
    return mark_safe(  # noqa: S308
        render_to_string(
            "components/status_map.svg",
            {
                "view_box": view_box,
                "title": title,
                "neighbours": neighbours,
                "members": members,
            },
        )
    )
