"""Production: every secret from the environment, no defaults; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, REDIS_CACHE_OPTIONS, env, postgresql_database

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
# Rotation: the previous keys, comma-separated, still verify signatures (unsubscribe links in
# mails already sent, confirmation links) but never sign anything new.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": postgresql_database(env.db("DATABASE_URL"))}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A TLS-terminating proxy sits in front; it sets X-Forwarded-Proto, and the client's address in
# the header named here (without it, every visitor would share the proxy's rate limits, and a
# stranger could lock the admins out).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
# Admin sessions end with the browser and after eight hours at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 3600

# The services are not optional in production: no silent fallback to the embedded broker, cache
# and mail folder (base.py selects Redis and SMTP from these two URLs).
for _required in ("REDIS_URL", "EMAIL_URL"):
    env.str(_required)  # ImproperlyConfigured when missing

# The web must keep serving while Redis is down (the database is the source of truth): cache
# errors count as misses, and rate limits fail open rather than refusing every request.
CACHES["default"] = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": env.str("REDIS_URL"),
    "OPTIONS": {
        **REDIS_CACHE_OPTIONS,
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 1,
        "SOCKET_TIMEOUT": 1,
    },
}
RATELIMIT_FAIL_OPEN = True
