"""Tests: the same settings as local, with fast hashing and in-memory mail.

DATABASE_URL and REDIS_URL, when set, select the real PostgreSQL and Redis as elsewhere.
"""

import os

from .local import *  # noqa: F403
from .local import CACHES, DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
# Public pages uncached in tests (web.page_cache); the page-cache tests turn it on themselves.
WEB_CACHE_SECONDS = 0
# The record version is read on every request (tests/web/test_page_cache.py tests the memo).
WEB_VERSION_MEMO_SECONDS = 0
# Rate limits high enough for the suite's own requests; tests of the limits set their own.
RATELIMIT_SUBSCRIBE = "10000/m"
RATELIMIT_FEEDS = "10000/m"
RATELIMIT_API = "10000/m"
# Several test runs may share one PostgreSQL server: give each its own test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding as in production (a query it cannot bind fails here), but nothing
    # prepared: the suite runs thousands of distinct queries, and preparing them made its
    # PostgreSQL run a sixth slower. The suite passed with them prepared (DATABASE_PREPARE_
    # THRESHOLD=5), and bench/web.py runs the production setting.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DATABASE_NAME", f"test_tracker_{os.getpid()}")
    }

# Tasks published by tests go to a queue of this run's own; a test that starts a real worker
# passes CELERY_QUEUE to it explicitly.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", f"test-{os.getpid()}")
