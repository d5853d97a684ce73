"""Playwright (sync API) driving Debian's headless Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def live_server(request) -> Iterator:
    """pytest-django's live server, with /static/ left to WhiteNoise as in production: its own
    static handler looks files up by their source names, not the hashed ones pages link."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run
    # beside it. The tests touch the database only between page actions, never concurrently;
    # the permission lasts only while the browser does.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def seeded(transactional_db) -> None:
    """The product's own seed data: the Kazakhstan bill, as a new user would find it."""
    call_command("load_seeds", verbosity=0)


@pytest.fixture(autouse=True)
def tasks_run_at_once():
    """The live server has no Celery worker: what the site publishes (a subscribe request, its
    confirmation mail) runs in its process as soon as it is published, as a worker would."""
    from tracker.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def page_factory(chromium):
    """New pages (each in a fresh context: no cookies) at a given viewport."""
    contexts = []

    def make(viewport: dict, *, locale: str = "en-GB"):
        context = chromium.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot, and check the page fits its viewport's width (no sideways
    scrolling: readable on a 360-pixel phone)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide, wider than the viewport"
