"""Redis holds no code: the cache serializes with JSON, so a pickle planted in the shared Redis
is never unpickled by the web process (finding: django-redis pickled, so anyone able to write to
Redis could run code in the web)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from django_redis.cache import RedisCache

from tests.ops.test_public_surface import _production_env

JSON = "django_redis.serializers.json.JSONSerializer"


def test_the_redis_caches_serialize_with_json(monkeypatch):
    import importlib
    import sys

    for name, value in {**_production_env(), "REDIS_URL": "redis://127.0.0.1:6379/0"}.items():
        monkeypatch.setenv(name, value)
    saved = {
        n: sys.modules.pop(n, None)
        for n in ("tracker.settings.base", "tracker.settings.production", "tracker.settings.local")
    }
    try:
        production = importlib.import_module("tracker.settings.production")
        local = importlib.import_module("tracker.settings.local")
    finally:
        sys.modules.update({n: m for n, m in saved.items() if m is not None})
    for module in (production, local):
        assert module.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
        assert module.CACHES["default"]["OPTIONS"]["SERIALIZER"] == JSON


class Planted:
    """What an attacker would store: unpickling it runs code (here: writes a file)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).write_text, ("code ran",))


@pytest.mark.services
def test_a_planted_pickle_is_not_run(tmp_path, settings):
    """The cache as configured when REDIS_URL is set (the real Redis), fed an attacker's pickle."""
    options = {**settings.REDIS_CACHE_OPTIONS}
    assert options["SERIALIZER"] == JSON
    probe = RedisCache(
        os.environ["REDIS_URL"], {"OPTIONS": options, "KEY_PREFIX": f"probe-{os.getpid()}"}
    )
    marker = tmp_path / "pwned"
    key = probe.make_key("web:record-version")
    client = probe.client.get_client(write=True)
    client.set(key, pickle.dumps(Planted(str(marker))))
    try:
        with pytest.raises(ValueError):  # not JSON: refused, never unpickled
            probe.get("web:record-version")
    finally:
        client.delete(key)
    assert not marker.exists()
    # What the site does store comes back as it went in.
    probe.set("numbers", {"version": "abc", "n": 3})
    assert probe.get("numbers") == {"version": "abc", "n": 3}
    probe.delete("numbers")
