"""The bill family map (web.status_map): well-formed SVG with no style attribute, no script and no
link, each member in its status class with its label as a <title>, escaped, small, framed on the
members; unknown codes and statuses refused by name; every status styled in site.css."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings

from web import status_map
from web.status_map import MAP_STATUSES, map_codes, status_map_svg

SVG = "{http://www.w3.org/2000/svg}"
# The "LGBT propaganda" family: Africa to Central Asia, the widest frame the map is meant for.
FAMILY = {
    "RU": "enacted",
    "HU": "enacted",
    "KG": "enacted",
    "GE": "enacted",
    "BG": "enacted",
    "KZ": "awaiting-signature",
    "GH": "passed-upper",
    "UG": "vetoed",
}
NAMES = {
    "RU": "Russia",
    "HU": "Hungary",
    "KG": "Kyrgyzstan",
    "GE": "Georgia",
    "BG": "Bulgaria",
    "KZ": "Kazakhstan",
    "GH": "Ghana",
    "UG": "Uganda",
}


def labels_for(statuses: dict[str, str]) -> dict[str, str]:
    return {code: f"{NAMES.get(code, code)}: {status}" for code, status in statuses.items()}


def draw(statuses: dict[str, str] = FAMILY, title: str = "LGBT propaganda laws") -> str:
    return status_map_svg(statuses=statuses, labels=labels_for(statuses), title=title)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = map(float, root.attrib["viewBox"].split())
    return x, y, x + width, y + height


def points(d: str) -> list[tuple[int, int]]:
    """The absolute points of path data made of M (absolute), l (relative) and z."""
    out: list[tuple[int, int]] = []
    for ring in re.findall(r"M([^Mz]*)z", d):
        start, _, rest = ring.partition("l")
        x, y = (int(n) for n in re.findall(r"-?\d+", start))
        out.append((x, y))
        numbers = [int(n) for n in re.findall(r"-?\d+", rest)]
        for dx, dy in zip(numbers[0::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            out.append((x, y))
    return out


def members(root: ET.Element) -> dict[str, ET.Element]:
    found = {}
    for path in root.iter(f"{SVG}path"):
        classes = path.attrib["class"].split()
        if "map-member" in classes:
            (status,) = (c.removeprefix("map-status-") for c in classes if c != "map-member")
            title = path.find(f"{SVG}title")
            assert title is not None
            found[title.text or ""] = path
            assert status in MAP_STATUSES
    return found


def test_the_family_map_is_an_svg_image_named_by_its_title_and_sized_by_its_view_box():
    root = parse(draw(title="LGBT propaganda laws"))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "LGBT propaganda laws"
    # Width-responsive: no fixed size, the stylesheet makes it as wide as its column.
    assert "width" not in root.attrib and "height" not in root.attrib
    assert "status-map" in root.attrib["class"].split()


def test_nothing_in_it_needs_a_style_attribute_a_script_or_another_origin():
    svg = draw()
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.endswith("href") for name in element.attrib)
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}a", f"{SVG}image")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_each_member_has_its_status_class_and_its_label_as_title():
    root = parse(draw())
    found = members(root)
    assert set(found) == set(labels_for(FAMILY).values())
    for code, status in FAMILY.items():
        path = found[f"{NAMES[code]}: {status}"]
        assert f"map-status-{status}" in path.attrib["class"].split()
        assert points(path.attrib["d"])


def test_the_neighbours_are_drawn_in_one_neutral_path_without_titles():
    root = parse(draw())
    land = [p for p in root.iter(f"{SVG}path") if p.attrib["class"] == "map-land"]
    assert len(land) == 1
    assert land[0].find(f"{SVG}title") is None
    # Europe, the Middle East, Africa and Asia between the members.
    assert len(points(land[0].attrib["d"])) > 1000


def test_labels_and_title_are_escaped():
    statuses = {"GE": "enacted", "BG": "failed"}
    labels = {"GE": 'Georgia & <"friends">: enacted', "BG": "Bulgaria</title><script>x</script>"}
    svg = status_map_svg(statuses=statuses, labels=labels, title='Laws & <bills> "so-called"')
    assert "<script" not in svg
    root = parse(svg)
    assert root.attrib["aria-label"] == 'Laws & <bills> "so-called"'
    assert set(members(root)) == set(labels.values())


def test_the_family_map_is_small():
    assert len(draw().encode()) < 40_000


def test_the_view_box_frames_the_members_with_a_margin():
    root = parse(draw())
    x0, y0, x1, y1 = view_box(root)
    drawn = [p for path in members(root).values() for p in points(path.attrib["d"])]
    mx0, my0 = min(x for x, _ in drawn), min(y for _, y in drawn)
    mx1, my1 = max(x for x, _ in drawn), max(y for _, y in drawn)
    # Every member inside, with room to spare on every side, and the frame not much more than
    # the members' box needs (its margin and its aspect ratio).
    assert x0 < mx0 and y0 < my0 and mx1 < x1 and my1 < y1
    assert (x1 - x0) * (y1 - y0) < 2.5 * (mx1 - mx0) * (my1 - my0)
    assert 1 <= (x1 - x0) / (y1 - y0) <= 2


def test_the_neighbours_are_clipped_to_the_frame():
    root = parse(draw({"GE": "enacted"}))
    x0, y0, x1, y1 = view_box(root)
    (land,) = (p for p in root.iter(f"{SVG}path") if p.attrib["class"] == "map-land")
    pad = status_map.CLIP_PAD + 1
    for x, y in points(land.attrib["d"]):
        assert x0 - pad <= x <= x1 + pad and y0 - pad <= y <= y1 + pad


def test_one_small_country_is_shown_in_its_region():
    root = parse(draw({"GE": "enacted"}))
    x0, y0, x1, y1 = view_box(root)
    assert x1 - x0 >= status_map.MIN_SIDE and y1 - y0 >= status_map.MIN_SIDE
    assert len(members(root)) == 1


@pytest.mark.parametrize("code", ["XX", "ge", "GEO", "CYN", ""])
def test_a_code_the_map_does_not_know_is_refused_by_name(code):
    statuses = {"GE": "enacted", code: "enacted"}
    with pytest.raises(ValueError, match=re.escape(repr(code))):
        status_map_svg(statuses=statuses, labels=dict.fromkeys(statuses, "x"), title="t")


def test_a_status_the_map_does_not_know_is_refused_by_name():
    with pytest.raises(ValueError, match="GE='signed'"):
        status_map_svg(statuses={"GE": "signed"}, labels={"GE": "Georgia"}, title="t")


def test_every_member_needs_a_label_and_every_label_a_member():
    with pytest.raises(ValueError, match=r"missing \['BG'\]"):
        status_map_svg(
            statuses={"GE": "enacted", "BG": "enacted"}, labels={"GE": "Georgia"}, title="t"
        )
    with pytest.raises(ValueError, match=r"extra \['BG'\]"):
        status_map_svg(
            statuses={"GE": "enacted"}, labels={"GE": "Georgia", "BG": "Bulgaria"}, title="t"
        )


def test_an_empty_map_is_refused():
    with pytest.raises(ValueError, match="at least one country"):
        status_map_svg(statuses={}, labels={}, title="t")


@pytest.mark.parametrize("status", MAP_STATUSES)
def test_every_status_draws_and_is_styled(status):
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    assert any(
        f".map-status-{status}" in (s.strip() for s in selectors.split(",")) and "fill:" in body
        for selectors, body in rules
    )
    root = parse(draw({"KZ": status}))
    (path,) = members(root).values()
    assert f"map-status-{status}" in path.attrib["class"].split()


def test_the_outlines_file_is_small_and_keyed_by_iso_codes():
    shapes = status_map.SHAPES
    assert shapes.stat().st_size < 200_000
    data = json.loads(shapes.read_text(encoding="utf-8"))
    assert set(FAMILY) | {"XK", "FR", "NO", "GB", "US"} <= map_codes()
    for code, entry in data.items():
        assert re.fullmatch(r"[A-Z]{2}|[A-Z]{3}", code)
        assert entry["name"] and entry["rings"]
        assert all(len(ring) >= 6 and len(ring) % 2 == 0 for ring in entry["rings"])
    # The three-letter keys (areas with no ISO code) are neighbours only.
    assert all(len(code) == 2 for code in map_codes())
