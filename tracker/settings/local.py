"""The embedded default: no environment needed. SQLite, files for the broker and the mail."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="local-development-only-not-secret-0123456789abcdefghij"
)

for _folder in ("broker", "broker-processed", "broker-control", "mail", "cache", "static"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)
