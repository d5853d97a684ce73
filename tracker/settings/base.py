"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime files of the embedded default (SQLite, broker folders, mail, beat schedule).
VAR_DIR = Path(environ.Env().str("TRACKER_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base for links in e-mails (confirmation, unsubscribe, bill pages).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Authenticator apps show this next to the user name (the otpauth URI's issuer).
OTP_TOTP_ISSUER = env.str(
    "OTP_TOTP_ISSUER", default=f"Bill tracker ({urlsplit(SITE_URL).hostname or 'local'})"
)


def postgresql_database(database: dict[str, Any]) -> dict[str, Any]:
    """A PostgreSQL database's settings from DATABASE_URL, with its connections kept and checked
    and its repeated queries prepared.

    Server-side binding lets psycopg prepare a query once it has run DATABASE_PREPARE_THRESHOLD
    times on a connection: PostgreSQL then skips planning it, about half of its time on a public
    page (issue 13). "off" for a pooler in transaction mode that cannot keep prepared statements
    (PgBouncer before 1.21, or without max_prepared_statements).
    """
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    if threshold != "off":
        database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(threshold)
        )
    return database


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    postgresql_database(DATABASES["default"])
else:
    # SQLite: wait for the writer rather than failing while the worker and the web both write.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves /static/ to WhiteNoise, whose hashed names and headers are production's.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "bills",
    "events",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy: every browser feature the site does not use is denied (below).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # zstd, brotli or gzip, as the client accepts, for pages, feeds and the API, not the admin
    # (web/compression.py: BREACH). The bulk files and WhiteNoise's static files come compressed
    # already. Before every middleware that writes a body.
    "web.compression.PublicCompressionMiddleware",
    # Other sites may read the API and the bulk files (GET only, no credentials): CORS_* below.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without Vary: Accept-Language on the embeds (web.middleware.language_from_url).
    "web.middleware.LocaleMiddleware",
    # Russian/Kazakh browsers (Accept-Language or the language cookie) go to /ru/, /kk/ pages.
    "web.middleware.BrowserLanguageRedirectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
    # The public pages (web/jinja2/): web/jinja.py says why, and what they may use.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "web.jinja.environment",
            "context_processors": ["web.jinja.page_locale"],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats for Kazakh, which Django does not ship (web/formats/kk/formats.py).
FORMAT_MODULE_PATH = ["web.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names everywhere (web/storage.py), so WhiteNoise marks them immutable for a year;
# production precompresses them as well. `collectstatic` fills STATIC_ROOT: `manage.py up`, the
# test session (tests/conftest.py), the Dockerfile and the bench run it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "web.storage.HashedStaticFilesStorage"},
}

# Content Security Policy: everything from our own origin, scripts and styles only with a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page uses a camera, a sensor, payments or any other powerful feature: deny them all, to
# this site and to anything it might ever frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "clipboard-write",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "usb",
        "web-share",
        "window-management",
        "xr-spatial-tracking",
    )
}
SESSION_COOKIE_HTTPONLY = True

# History is kept for every record change and shown in the admin; reverting from it would
# write around the record services (bills.admin also refuses the POST).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Failed-login lockout (django-axes): five failures lock the username/IP pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# Rate limits per client IP (web/ratelimit.py, django-ratelimit, counted in the cache).
RATELIMIT_SUBSCRIBE = env.str("RATELIMIT_SUBSCRIBE", default="10/h")
RATELIMIT_FEEDS = env.str("RATELIMIT_FEEDS", default="120/m")
RATELIMIT_API = env.str("RATELIMIT_API", default="120/m")

# The JSON API (web/api): anonymous, read-only, JSON only (no browsable pages, no forms).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["web.api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "web.api.schema.TrackerAutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bill tracker API",
    "DESCRIPTION": (
        "The public record of the bills we follow: jurisdictions, bills with their timelines, "
        "votes and signing windows, signing rules, and what changed since a moment."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name per vocabulary (bills/choices.py), wherever a field uses it.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "bills.choices.DatePrecision",
        "BillStatusEnum": "bills.choices.BillStatus",
        "WindowStatusEnum": "bills.choices.WindowStatus",
        "ChamberKindEnum": "bills.choices.ChamberKind",
        "ClassificationEnum": "bills.choices.Classification",
    },
}
CORS_URLS_REGEX = r"^/(api/v1|data)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Behind proxies: the header they write the client's address to (X-Forwarded-For, or X-Real-IP)
# and how many of them there are; the client is the rightmost address they did not write
# (web.ratelimit.client_ip, which the rate limits and the login lockout both use). Empty: the
# socket's peer address (no proxy in front).
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=1)
RATELIMIT_IP_META_KEY = "web.ratelimit.client_ip"
AXES_CLIENT_IP_CALLABLE = "web.ratelimit.client_ip"

# E-mail: an SMTP URL in production (smtp://host:port), else files in a local folder.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    # EMAIL_FILE_PATH: lets a test's Celery worker write its mail where the test reads it.
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bill tracker <alerts@localhost>")
# A relay that hangs ends in a retry after this many seconds, not in a stuck worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Deliveries one task sends over one SMTP connection.
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=100)

# Webhooks (events.webhooks): seconds a receiver may take to answer; failed attempts in a row
# before a webhook is disabled (its owner is mailed); and whether URLs on private, loopback or
# link-local addresses are allowed (off: no SSRF into the deployment's own network).
WEBHOOK_TIMEOUT = env.int("WEBHOOK_TIMEOUT", default=5)
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=10)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)

REDIS_URL = env.str("REDIS_URL", default="")
# Values in Redis are JSON, never pickles: whoever can write to the shared Redis must not be able
# to run code in the web process by planting a value (pickle.loads runs what it is given).
REDIS_CACHE_OPTIONS = {"SERIALIZER": "django_redis.serializers.json.JSONSerializer"}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": dict(REDIS_CACHE_OPTIONS),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Rendered public pages are cached until the record changes, and at most this long (0: off).
WEB_CACHE_SECONDS = env.int("WEB_CACHE_SECONDS", default=300)
# How long a process serves pages under the record version it read last before reading it again
# from the shared cache: another process's edit shows within this time (0: read it every time).
WEB_VERSION_MEMO_SECONDS = env.float("WEB_VERSION_MEMO_SECONDS", default=1.0)
# The pages themselves live in each web process's own memory, bounded in count: a flood of
# distinct query strings then costs that process a few MB, never Redis memory the broker needs.
# Only the record version (web.page_cache) is shared, in the default cache.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": env.int("WEB_CACHE_MAX_PAGES", default=500)},
}

# Celery: Redis when REDIS_URL is set; else kombu's filesystem transport (no server needed).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Above the longest countdown any task uses, so that an unacknowledged task is not redelivered
    # while it is merely waiting.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # Broadcasts (worker control); kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
# Separate queues let several test runs or deployments share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running when the broker connection drops is cancelled and redelivered (it is idempotent)
# rather than finishing unacknowledged; also silences Celery 5's warning about the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep the worker's database connection across tasks (Celery's Django fixup closes it after
# every task otherwise: a new PostgreSQL connection, and cold query plans, per task).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
# No task may hang a worker: a soft limit raises inside the task (a batch cut short leaves its
# remaining deliveries leased, for the sweeper), the hard one kills it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
DEADLINE_SCAN_MINUTES = env.int("DEADLINE_SCAN_MINUTES", default=15)
OUTBOX_SWEEP_MINUTES = env.int("OUTBOX_SWEEP_MINUTES", default=5)
# The schedule lives in code. A second beat started by mistake only repeats idempotent tasks.
CELERY_BEAT_SCHEDULE = {
    "scan-deadlines": {
        "task": "events.tasks.scan_deadlines",
        "schedule": crontab(minute=f"*/{DEADLINE_SCAN_MINUTES}"),
    },
    "sweep-outbox": {
        "task": "events.tasks.sweep_outbox",
        "schedule": crontab(minute=f"*/{OUTBOX_SWEEP_MINUTES}"),
    },
    # The bulk files are rebuilt after each change; this catches a rebuild whose message was
    # lost with Redis.
    "rebuild-data": {"task": "web.tasks.data_rebuild", "schedule": crontab(minute=41)},
    # Unconfirmed subscriptions (7 days) and unsubscribed addresses (7 days after) are deleted.
    "purge-subscriptions": {
        "task": "events.tasks.purge_unconfirmed_subscriptions",
        "schedule": crontab(minute=17, hour=3),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # urllib3 logs the webhook's address and path at DEBUG and the pool's host in its
        # warnings: subscriber identity, kept out of the logs (events.webhooks reports errors).
        "urllib3": {"level": "ERROR"},
    },
}
