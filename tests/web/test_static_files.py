"""Static files go out under hashed names with a year-long immutable Cache-Control, under every
settings module: the storage is a manifest one everywhere (web/storage.py), hashed in DEBUG too."""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from django.test import Client
from django.utils.module_loading import import_string

from tests.ops.test_public_surface import PRODUCTION_MODULES, _production_env

pytestmark = pytest.mark.django_db

ONE_YEAR = 365 * 24 * 3600
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">')


@pytest.mark.parametrize("debug", [False, True], ids=["test", "local-debug"])
def test_the_stylesheet_has_a_hashed_name_and_is_cached_for_a_year(settings, debug):
    settings.DEBUG = debug
    client = Client()
    page = client.get("/privacy/")
    match = STYLESHEET.search(page.content.decode())
    assert match, "the stylesheet link has no hashed name"

    css = client.get(match[1])
    assert css.status_code == 200
    cache_control = css["Cache-Control"]
    assert "immutable" in cache_control
    max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
    assert max_age >= ONE_YEAR


def test_every_settings_module_stores_static_files_under_hashed_names(monkeypatch):
    from django.contrib.staticfiles.storage import ManifestFilesMixin

    for name, value in _production_env().items():
        monkeypatch.setenv(name, value)
    saved = {name: sys.modules.pop(name, None) for name in PRODUCTION_MODULES}
    try:
        modules = [
            importlib.import_module(f"tracker.settings.{name}")
            for name in ("base", "local", "test", "production")
        ]
    finally:
        sys.modules.update({name: mod for name, mod in saved.items() if mod is not None})
    for module in modules:
        backend = module.STORAGES["staticfiles"]["BACKEND"]
        assert issubclass(import_string(backend), ManifestFilesMixin), (module.__name__, backend)
