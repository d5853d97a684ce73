"""The bill family pages: the index, one family's members, aligned timelines and map; the family
filter of the dashboard and the bill list; the family feeds; the bill page's family and lineage.

The record (tests.web.conftest.family_record): Kazakhstan's bill (Senate 18 December 2025,
signed 30 December: 12 days), Russia's 135-FZ (Federation Council 26 June 2013, signed 29 June:
3 days) and a Californian bill only introduced; internal notes on the first two.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from bills import services, timeline
from bills.choices import ChamberKind
from bills.models import BillStatus, Classification
from tests.bills.factories import JurisdictionFactory
from tests.record import UNKNOWN, kz_record, source
from tests.web.conftest import INTERNAL_TEXT, make_bills
from web.families import family_page

pytestmark = pytest.mark.django_db

PAGE = "/families/lgbt-propaganda/"
SVG = "{http://www.w3.org/2000/svg}"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def svgs(body: str, css_class: str) -> list[ET.Element]:
    """The inline <svg> elements of a page with this class, parsed."""
    found = re.findall(rf'<svg[^>]*class="{css_class}".*?</svg>', body, flags=re.S)
    xmlns = f'<svg xmlns="{SVG[1:-1]}"'
    namespaced = [s if "xmlns" in s else s.replace("<svg", xmlns, 1) for s in found]
    return [ET.fromstring(svg) for svg in namespaced]  # noqa: S314 (our own output)


def rows(body: str) -> list[str]:
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", tbody, flags=re.S)


# --- The index ------------------------------------------------------------------------------


def test_the_index_lists_each_family_with_its_member_count(client, family_record):
    body = text(client.get("/families/"))
    assert f'href="{PAGE}"' in body
    assert "&#34;LGBT propaganda&#34; bans" in body
    assert "3 bills" in body
    # The site navigation links it, marked as the current page.
    assert re.search(r'<a href="/families/" aria-current="page">Families</a>', body)


def test_the_index_says_when_there_is_no_family(client, kz_record):
    assert "No bill family has been recorded yet." in text(client.get("/families/"))
    assert '<a href="/families/">Families</a>' in text(client.get("/"))


def test_an_unknown_family_is_404(client, family_record):
    assert client.get("/families/nope/").status_code == 404
    assert client.get("/families/nope/changes.atom").status_code == 404
    assert client.get("/families/nope/deadlines.ics").status_code == 404


# --- The family page ------------------------------------------------------------------------


def test_the_family_page_cites_the_familys_sources(client, family_record):
    body = text(client.get(PAGE))
    assert "<h1>&#34;LGBT propaganda&#34; bans</h1>" in body
    assert "Laws that ban information about non-traditional sexual orientation." in body
    src = family_record.family_source
    citation = "Family News, “A family of laws”"
    assert f'<a href="{src.url}" rel="noopener noreferrer external">{citation}</a>' in body
    assert '<time datetime="2026-01-07">' in body


def test_the_table_gives_every_member_its_status_key_dates_days_and_lineage(client, family_record):
    ru, kz, ca = rows(text(client.get(PAGE)))
    # Ordered by final approval; the one without an approval last.
    assert "Russia" in ru and '<a href="/bills/ru-135-fz/">Federal Law 135-FZ</a>' in ru
    assert "status-enacted" in ru
    assert '<time datetime="2012-03-28">' in ru  # introduced
    assert '<time datetime="2013-06-26">' in ru  # final approval: the Federation Council
    assert '<time datetime="2013-06-29">' in ru  # signed
    assert "3 days" in ru
    assert "No source says which law it follows." in ru

    assert '<a href="/bills/kz-lgbt-propaganda-ban/">LGBT propaganda ban</a>' in kz
    assert '<time datetime="2025-12-18">' in kz and '<time datetime="2025-12-30">' in kz
    assert "12 days" in kz
    assert "Reports say it follows Russia&#39;s 2013 law." in kz
    assert family_record.lineage_source.url in kz and "CNN, “Kazakhstan follows Russia”" in kz

    assert "California" in ca and "status-introduced" in ca
    assert ca.count("not recorded") == 2 and "not known" in ca


def test_the_page_shows_no_internal_event(client, family_record):
    for url in (PAGE, "/ru" + PAGE, f"{PAGE}changes.atom", f"{PAGE}deadlines.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert INTERNAL_TEXT not in response.content.decode(), url


def test_the_timelines_are_aligned_on_the_final_approval(client, family_record):
    body = text(client.get(PAGE))
    russia, kazakhstan = svgs(body, "timeline-row")  # California has no day 0: no row
    for svg in (russia, kazakhstan):
        assert svg.attrib["role"] == "img"
        assert "style" not in ET.tostring(svg).decode()
    zero = {svg.find(f"{SVG}line[@class='tl-zero']").attrib["x1"] for svg in (russia, kazakhstan)}
    assert len(zero) == 1  # one day 0 for every row
    (x0,) = zero

    def marks(svg):
        return [
            (line.attrib["class"].split()[1], float(line.attrib["x1"]))
            for line in svg.iter(f"{SVG}line")
            if "tl-mark" in line.attrib["class"]
        ]

    # Russia: introduction, two passages, signature, entry into force; its internal note, no.
    ru = marks(russia)
    assert [kind for kind, _ in ru] == ["tl-chamber"] * 3 + ["tl-executive", "tl-after"]
    assert ru[2][1] == float(x0)  # the Federation Council's approval is day 0
    # The scale runs from Russia's introduction (day -455, at the left) to Kazakhstan's
    # signature (day 12, at the right).
    assert ru[0][1] == 1.0
    kz = marks(kazakhstan)
    assert kz[-1] == ("tl-executive", 99.0)
    assert "from day -455 to day 12" in body
    # The text equivalent gives every drawn action with its day.
    for line in ("Day -455", "Day -15", "Day 3", "Day 4", "Day -36", "Day 12"):
        assert f"<li>{line} (" in body
    assert "Russia, Federal Law 135-FZ: 5 actions drawn" in body
    assert "Not drawn, for want of a dated final approval:" in body


def test_the_map_colours_the_member_countries_and_the_legend_lists_every_jurisdiction(
    client, family_record
):
    body = text(client.get(PAGE))
    (status_map,) = svgs(body, "status-map")
    members = {
        path.find(f"{SVG}title").text: path.attrib["class"]
        for path in status_map.iter(f"{SVG}path")
        if "map-member" in path.attrib["class"]
    }
    assert members == {
        "Kazakhstan: enacted": "map-member map-status-enacted",
        "Russia: enacted": "map-member map-status-enacted",
    }
    legend = body.split('class="map-legend"', 1)[1].split("</dl>", 1)[0]
    assert "California" in legend and "(not on the map)" in legend
    assert "Kazakhstan" in legend and "Russia" in legend
    assert legend.count("status-enacted") == 2 and "status-introduced" in legend


def test_the_page_links_the_familys_feeds_filters_and_members(client, family_record):
    body = text(client.get(PAGE))
    for href in (
        f"{PAGE}changes.atom",
        f"{PAGE}deadlines.ics",
        "/bills/?family=lgbt-propaganda",
        "/?family=lgbt-propaganda",
    ):
        assert f'href="{href}"' in body, href
    assert '<link rel="alternate" type="application/atom+xml"' in body


@pytest.mark.parametrize(
    ("prefix", "name", "heading"),
    [
        ("/ru", "Запреты «ЛГБТ-пропаганды»", "Окончательное одобрение"),
        ("/kk", "«ЛГБТ-насихатқа» тыйымдар", "Түпкілікті мақұлдау"),
    ],
)
def test_the_page_in_russian_and_kazakh(client, family_record, prefix, name, heading):
    body = text(client.get(prefix + PAGE))
    assert f"<h1>{name}</h1>" in body
    assert heading in body
    assert 'lang="' + prefix[1:] + '"' in body


def test_the_kz_bill_in_russian_shows_its_lineage_in_russian(client, family_record):
    body = text(client.get("/ru" + PAGE))
    assert "По сообщениям, повторяет российский закон 2013 года." in body
    assert "12 дней" in body


# --- What the selector derives ------------------------------------------------------------


def test_an_undated_final_approval_is_given_as_its_bounds_and_not_aligned(db):
    record = kz_record(senate_approved=UNKNOWN)
    family, _ = services.family_upsert(slug="f", name="F")
    services.bill_update(bill=record.bill, data={"family": family})
    page = family_page(family=family)
    (member,) = page.members
    window = record.window
    assert member.approved_on is None
    assert member.approved_between == (window.triggered_earliest, window.triggered_latest)
    assert member.days_to_signature is None
    assert page.aligned == [] and page.scale is None


def test_without_a_signing_rule_the_last_passage_is_the_final_approval(db):
    # A unicameral legislature the record has no signing rule for: no window opens.
    georgia = JurisdictionFactory(code="GE", name="Georgia", timezone="Asia/Tbilisi")
    parliament, _ = services.chamber_upsert(
        jurisdiction=georgia, classification=ChamberKind.UNICAMERAL, name="Parliament"
    )
    family, _ = services.family_upsert(slug="f", name="F")
    bill, _ = services.bill_upsert(
        slug="ge-bill", jurisdiction=georgia, title="Georgian bill", family=family
    )
    cited = [source("Georgia's parliament", dt.date(2024, 9, 20))]
    for classification, day in (
        (Classification.INTRODUCTION, dt.date(2024, 6, 1)),
        (Classification.PASSAGE, dt.date(2024, 9, 17)),
    ):
        timeline.event_record(
            bill=bill,
            classification=classification,
            description="Test act.",
            date=day,
            chamber=parliament,
            sources=cited,
        )
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE and not bill.windows.exists()
    (member,) = family_page(family=family).members
    assert member.approved_on == dt.date(2024, 9, 17)
    assert member.signed_on is None
    assert [m.offset for m in member.marks] == [-108, 0]


# --- Filters --------------------------------------------------------------------------------


def test_the_bill_list_filters_by_family(client, family_record):
    make_bills(family_record.kz, 1, statuses=[BillStatus.INTRODUCED])  # not in the family
    body = text(client.get("/bills/?family=lgbt-propaganda"))
    assert "3 bills" in body and "Bulk bill 0" not in body
    assert f'href="{PAGE}"' in body  # the family's page and feeds, under the list
    assert "4 bills" in text(client.get("/bills/"))


def test_the_dashboard_filters_by_family(client, family_record):
    make_bills(family_record.kz, 1, statuses=[BillStatus.INTRODUCED])
    body = text(client.get("/?family=lgbt-propaganda"))
    assert "Bulk bill 0" not in body
    assert "LGBT propaganda ban" in body and "Federal Law 135-FZ" in body
    assert '<option value="lgbt-propaganda" selected>' in body
    # The board's links keep the family.
    assert "&amp;family=lgbt-propaganda" in body
    assert "Bulk bill 0" in text(client.get("/"))


@pytest.mark.parametrize("url", ["/?family=nope", "/bills/?family=nope", "/?family=%00"])
def test_an_unknown_family_filter_gives_a_message_never_500(client, family_record, url):
    body = text(client.get(url))
    assert "Some filters could not be applied:" in body
    assert "<li>Bill family: " in body
    assert "Federal Law 135-FZ" in body  # the filter is ignored, not the page


# --- The bill page --------------------------------------------------------------------------


def test_the_bill_page_names_its_family_and_lineage_with_sources(client, family_record):
    body = text(client.get("/bills/kz-lgbt-propaganda-ban/"))
    assert f'<dt>Family</dt><dd><a href="{PAGE}">&#34;LGBT propaganda&#34; bans</a>' in body
    lineage = body.split('id="lineage-heading"', 1)[1].split("</section>", 1)[0]
    assert "Reports say it follows Russia&#39;s 2013 law." in lineage
    assert family_record.lineage_source.url in lineage
    # A member without a lineage note names its family only.
    body = text(client.get("/bills/ru-135-fz/"))
    assert f'<a href="{PAGE}">' in body and 'id="lineage-heading"' not in body


def test_a_bill_outside_any_family_shows_none(client, kz_record):
    body = text(client.get("/bills/kz-lgbt-propaganda-ban/"))
    assert "<dt>Family</dt>" not in body and "lineage-heading" not in body


# --- Feeds ----------------------------------------------------------------------------------


def test_the_atom_feed_has_the_familys_public_events_only(client, family_record):
    make_bills(family_record.kz, 1, statuses=[BillStatus.INTRODUCED])
    response = client.get(f"{PAGE}changes.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert '<title>"LGBT propaganda" bans: latest changes</title>' in feed
    assert "Federal Law 135-FZ: signed by the executive" in feed
    assert "LGBT propaganda ban: signed by the executive" in feed
    assert "California copy bill: introduced" in feed
    assert "Bulk bill" not in feed and INTERNAL_TEXT not in feed
    # It links the family page, and its id is on the configured site's address.
    assert f'<link href="http://testserver{PAGE}" rel="alternate"/>' in feed
    assert f"<id>{settings.SITE_URL}{PAGE}</id>" in feed


def test_the_calendar_has_the_familys_windows(client, family_record):
    make_bills(family_record.kz, 1, statuses=[BillStatus.AWAITING_SIGNATURE])
    response = client.get(f"{PAGE}deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = response.content.decode()
    assert 'X-WR-CALNAME:Signing deadlines: "LGBT propaganda" bans' in calendar
    assert "SUMMARY:Signed: Federal Law 135-FZ" in calendar
    assert "SUMMARY:Signed: LGBT propaganda ban" in calendar
    assert "Bulk bill" not in calendar


@pytest.mark.parametrize("feed", ["changes.atom", "deadlines.ics"])
def test_the_family_feeds_answer_304_when_unchanged(client, family_record, feed):
    first = client.get(PAGE + feed)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(PAGE + feed, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(PAGE + feed, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_the_family_page_offers_alerts_for_the_whole_family(client):
    family, _ = services.family_upsert(slug="fam-alerts", name="Test family")
    body = client.get(f"/families/{family.slug}/").content.decode()
    assert 'name="family" value="fam-alerts"' in body
    assert "csrfmiddlewaretoken" in body
