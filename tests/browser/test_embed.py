"""Another site embeds a bill: the card and the badge show in its page; the bill page, framed
the same way, is refused by the browser; and the embedding page's visitor gets no cookie."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KZ_SLUG = "kz-lgbt-propaganda-ban"


@pytest.fixture
def embedder(live_server) -> Iterator[str]:
    """Another site, on another origin of this machine (a real server: Chromium keeps a page
    it cannot place on the network from framing a local one), whose page embeds the Russian
    card and badge as the bill page's code would, and tries to frame the bill page too."""
    base = f"{live_server.url}/ru/bills/{KZ_SLUG}"
    html = f"""<!doctype html><html lang="en"><body><h1>Another site</h1>
<iframe name="card" src="{base}/embed/" title="card" width="340" height="240"></iframe>
<p><img id="badge" src="{base}/badge.svg" alt="badge"></p>
<iframe name="page" src="{base}/" title="page" width="340" height="100"></iframe>
</body></html>""".encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_another_site_frames_the_card_and_shows_the_badge(
    live_server, seeded, page_factory, embedder
):
    page = page_factory(PHONE)
    page.goto(embedder)
    page.wait_for_load_state("networkidle")

    card = page.frame(name="card")
    assert card is not None and card.url.endswith(f"/ru/bills/{KZ_SLUG}/embed/")
    assert card.locator("html").get_attribute("lang") == "ru"
    assert "ЛГБТ" in card.locator("h1").inner_text()
    # Styled by our own stylesheet inside the frame.
    border = card.locator(".embed-card").evaluate("el => getComputedStyle(el).borderStyle")
    assert border == "solid"
    assert page.locator("#badge").evaluate("img => img.complete && img.naturalWidth") > 0
    # The bill page refuses to be framed (frame-ancestors 'none'): Chromium shows its error page.
    framed = page.frame(name="page")
    assert framed is not None and not framed.url.startswith(live_server.url)
    # Neither our origin nor the other set a cookie in the visitor's browser.
    assert page.context.cookies() == []
    screenshot(page, "embedded-card-360")
