"""Build web/shapes/countries.json, the country outlines behind web/status_map.py.

Source: Natural Earth's 1:110m "Admin 0 - Countries" (public domain, see LICENSE.md here), as
shipped in the geopandas 0.14.4 wheel from PyPI at geopandas/datasets/naturalearth_lowres/
(its .dbf is dated 2022-12-10). geopandas set ISO_A3 to ADM0_A3 where Natural Earth had -99
(France, Norway, N. Cyprus, Somaliland) and moved Crimea from Russia to Ukraine (its issue 2382).
Neither geopandas nor the tools below are dependencies of the product: they are needed only to
run this script, from a throw-away folder:

    d=$(mktemp -d) && pip download -q --no-deps -d "$d" geopandas==0.14.4 pyshp==3.1.6 \\
        pycountry==26.2.16 && (cd "$d" && for w in *.whl; do unzip -q -o "$w"; done) \\
        && PYTHONPATH="$d" python web/shapes/build.py \\
        "$d/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp"

What it writes, {code: {"name": ..., "rings": [[x0, y0, x1, y1, ...], ...]}}:
- code: ISO 3166-1 alpha-2 (pycountry maps the file's alpha-3), Kosovo as XK (the code the
  EU and CLDR use); the two areas with no ISO code keep Natural Earth's three-letter ADM0_A3
  (CYN, SOL), so they are drawn as neighbours but can never be asked for as a two-letter code.
- rings: the Equal Earth projection (Savric, Patterson and Jenny 2018), scaled so the world is
  about 3600 units wide (a unit is ~11 km at the equator), y downwards as in SVG, in whole units;
  simplified (Douglas-Peucker, 0.75 units) and without islands under 30 square units unless they
  are a country's largest part. Holes (Lesotho in South Africa) are rings of their own, drawn
  with fill-rule evenodd.
- Antarctica is left out, and so is Russia's sliver east of 180 degrees (it would stretch every
  frame that holds Russia across the whole world).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import pycountry
import shapefile

OUT = Path(__file__).with_name("countries.json")
SCALE = 1800 / 2.7066297  # Equal Earth's x at the equator on 180 degrees is 2.7066297
TOLERANCE = 0.75
MIN_AREA = 30
NON_ISO = {"-99": "XK", "CYN": "CYN", "SOL": "SOL"}
DROPPED = {"ATA"}

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def project(lon: float, lat: float) -> tuple[int, int]:
    """Equal Earth, forward, in whole units with y downwards."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return round(x * SCALE), round(-y * SCALE)


def simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas-Peucker on an open polyline, keeping both ends."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = math.hypot(dx, dy)
    best, index = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if norm == 0:
            d = math.hypot(px - x1, py - y1)
        else:
            d = abs(dy * (px - x1) - dx * (py - y1)) / norm
        if d > best:
            best, index = d, i
    if best <= tolerance:
        return [points[0], points[-1]]
    left = simplify(points[: index + 1], tolerance)
    return left[:-1] + simplify(points[index:], tolerance)


def area(ring: list[tuple[int, int]]) -> float:
    pairs = itertools.pairwise([*ring, ring[0]])
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def ring_clean(lonlat: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """A source ring projected and simplified, without its closing point or repeated points."""
    projected: list[tuple[int, int]] = []
    for lon, lat in lonlat:
        point = project(lon, lat)
        if not projected or projected[-1] != point:
            projected.append(point)
    if len(projected) > 1 and projected[0] == projected[-1]:
        projected.pop()
    if len(projected) < 3:
        return []
    # Split the closed ring at its farthest point from the start, so both halves keep their ends.
    far = max(range(len(projected)), key=lambda i: math.dist(projected[0], projected[i]))
    closed = [*projected, projected[0]]
    ring = simplify(closed[: far + 1], TOLERANCE)[:-1] + simplify(closed[far:], TOLERANCE)[:-1]
    return ring if len(ring) >= 3 else []


def code_of(iso_a3: str) -> str | None:
    if iso_a3 in DROPPED:
        return None
    if iso_a3 in NON_ISO:
        return NON_ISO[iso_a3]
    country = pycountry.countries.get(alpha_3=iso_a3)
    if country is None:
        raise SystemExit(f"no ISO 3166-1 alpha-2 code for {iso_a3}")
    return str(country.alpha_2)


Entry = dict[str, str | list[list[int]]]


def build(source: Path) -> dict[str, Entry]:
    countries: dict[str, Entry] = {}
    reader = shapefile.Reader(str(source))
    for item in reader.shapeRecords():
        code = code_of(item.record["iso_a3"])
        if code is None:
            continue
        shape = item.shape
        bounds = [*shape.parts, len(shape.points)]
        rings = []
        for start, end in itertools.pairwise(bounds):
            part = [(float(lon), float(lat)) for lon, lat in shape.points[start:end]]
            if code == "RU" and max(lon for lon, _lat in part) < -160:
                continue
            ring = ring_clean(part)
            if ring:
                rings.append(ring)
        largest = max(area(r) for r in rings)
        kept = [r for r in rings if area(r) >= MIN_AREA or area(r) == largest]
        countries[code] = {
            "name": item.record["name"],
            "rings": [[c for point in ring for c in point] for ring in kept],
        }
    return dict(sorted(countries.items()))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="naturalearth_lowres.shp")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    countries = build(args.source)
    # One country a line, so that a rebuild's diff shows which outlines changed.
    lines = ["{"]
    for i, (code, value) in enumerate(countries.items()):
        comma = "," if i < len(countries) - 1 else ""
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        lines.append(f"{json.dumps(code)}:{body}{comma}")
    lines.append("}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for c in countries.values() for r in c["rings"] if isinstance(r, list))
    print(f"{args.out}: {len(countries)} countries, {points} points")


if __name__ == "__main__":
    main(sys.argv[1:])
