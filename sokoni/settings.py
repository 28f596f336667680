"""Sokoni settings: one file, every value from the environment with a safe local default."""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SOKONI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key(*, production: bool) -> str:
    """Use SECRET_KEY from the environment; locally, else one generated once into var/secret_key.

    In production (DEBUG off, HTTPS on) secrets come from the environment only: a missing key
    stops the start instead of minting one in a file that the next deployment would lose.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    if production:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (DEBUG=0, HTTPS=1) it must come from the "
            "environment: 50 or more random characters (docs/security.md)."
        )
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG")
# Production: DEBUG off and served over HTTPS (HTTPS=1), the mode `check --deploy` passes in.
HTTPS = env_bool("HTTPS")
PRODUCTION = HTTPS and not DEBUG
SECRET_KEY = _secret_key(production=PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "sokoni.core",
    "sokoni.accounts",
    "sokoni.messaging",
    "sokoni.payments",
    "sokoni.villages",
    "sokoni.shipping",
    "sokoni.catalog",
    "sokoni.orders",
    "sokoni.logistics",
    "sokoni.trust",
    "sokoni.channels",
    "sokoni.agents",
    "sokoni.api",
    "sokoni.web",
]

MIDDLEWARE = [
    "sokoni.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header (django-csp); below it, request.csp_nonce is available.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware, so that saving a session counts as a write.
    "sokoni.core.db_router.ReadYourWrites",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sokoni.web.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Photos' placeholder colours as a nonce'd <style> (sokoni.web.colours); gzipped above.
    "sokoni.web.middleware.PhotoColourMiddleware",
    # Answers 304 to a browser that holds the current page (the ETag of PageCacheMiddleware).
    "django.middleware.http.ConditionalGetMiddleware",
    "sokoni.web.middleware.PageCacheMiddleware",
]

ROOT_URLCONF = "sokoni.urls"
WSGI_APPLICATION = "sokoni.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sokoni.web.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sokoni.sqlite3'}"
# A connection kept between requests is checked (one SELECT 1, about 0.07 ms here) before a
# request uses it: after a PostgreSQL restart or failover, the first request of each process
# reconnects instead of failing on the dead connection (tests/faults/test_database_cut.py).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000; PRAGMA mmap_size=134217728;"
        ),
    }
# A streaming replica of the primary (PostgreSQL), optional: public catalogue pages read from it
# (sokoni.core.db_router) unless REPLICA_READS is off (say while the replica catches up); a
# visitor's reads stay on the primary this many seconds after a request of theirs wrote.
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sokoni.core.db_router.ReplicaRouter"]
REPLICA_READS = env_bool("REPLICA_READS", default=True)
REPLICA_AFTER_WRITE_SECONDS = env_int("REPLICA_AFTER_WRITE_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["sokoni.accounts.backends.PhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 first (argon2-cffi); a password stored with an older hasher is rehashed with Argon2
# at its owner's next successful log-in (Django does it in check_password).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Login throttling: this many failures for one phone number (or 4x for one address)
# within the window refuse further attempts until the window has passed.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
# USSD and SMS PINs: this many wrong entries in a row lock the PIN for this long.
PIN_MAX_FAILURES = env_int("PIN_MAX_FAILURES", 3)
PIN_LOCK_MINUTES = env_int("PIN_LOCK_MINUTES", 60)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sw", _("Swahili")),
    ("hi", _("Hindi")),
    ("zh-hans", _("Simplified Chinese")),
    ("ko", _("Korean")),
    ("es", _("Spanish")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "sokoni" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Currencies a buyer may prefer; shops price in any of them.
CURRENCIES = [
    "KES",
    "CNY",
    "KRW",
    "INR",
    "CVE",
    "PEN",
    "BOB",
    "ETB",
    "KHR",
    "USD",
    "EUR",
    "GBP",
    "TZS",
    "UGX",
]
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "KES")
PHONE_DEFAULT_REGION = os.environ.get("PHONE_DEFAULT_REGION", "KE")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Serve uploaded media from Django itself (local use); behind a proxy or object storage, turn off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
WHITENOISE_MAX_AGE = 31536000

# Where `manage.py backup` (make backup) writes its archives.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))

# Uploaded photos: refuse anything bigger than this, or with more pixels (decompression bombs).
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 8 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# A request body other than uploaded files (forms, JSON, callbacks) over this many bytes is
# refused with a 400 (a JSON one on the API) before it is parsed; files count against
# IMAGE_MAX_BYTES instead. The reverse proxy caps whole requests (docs/security.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Drawn product cards and small lists: enough for a busy catalogue's hot pages.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Public pages as visitors see them (sokoni.web.page_cache), a few seconds each.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2_000},
    },
}
# How long a public page drawn for one visitor answers the next ones (0 turns it off): what
# changes behind it (a price, the last unit sold) shows on it within this many seconds.
VISITOR_PAGE_SECONDS = env_int("VISITOR_PAGE_SECONDS", 15)

# Background jobs: django-tasks with the database backend (`manage.py db_worker`).
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Production services (docs/operations.md). With REDIS_URL set, Redis holds the cache, the
# public pages kept for visitors and a copy of the sessions (written through to the database,
# which stays their record: a Redis restart logs nobody out), and, unless TASK_QUEUE=db, the
# task queue (RQ through django-tasks-rq, `manage.py rqworker --with-scheduler`). A Redis that
# stops answering is logged and read as an empty cache; enqueueing falls back on the sweeps.
REDIS_URL = os.environ.get("REDIS_URL", "")
TASK_QUEUE = os.environ.get("TASK_QUEUE", "rq" if REDIS_URL else "db")
if REDIS_URL:
    _redis_options = {
        # A cache that stops answering must not stop the site: log it, carry on without.
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sokoni",
            "OPTIONS": _redis_options,
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sokoni-pages",
            "OPTIONS": _redis_options,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "sokoni.redis"
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if TASK_QUEUE == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

# Uploaded media: the local folder by default; MEDIA_STORAGE=s3 puts it in any S3-compatible
# object store (django-storages; `pip install '.[s3]'`), configured by the AWS_* variables.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }
    SERVE_MEDIA = False

# Orders and escrow.
CHECKOUT_RESERVATION_MINUTES = env_int("CHECKOUT_RESERVATION_MINUTES", 30)
# The buyer has this long after the carrier records the delivery to confirm or dispute; a parcel
# the carrier never records as delivered (sent by the seller's own means) is released this long
# after shipping instead.
ESCROW_AUTO_RELEASE_DAYS = env_int("ESCROW_AUTO_RELEASE_DAYS", 10)
ESCROW_UNDELIVERED_RELEASE_DAYS = env_int("ESCROW_UNDELIVERED_RELEASE_DAYS", 30)
ESCROW_EXTENSION_DAYS = (3, 5, 7, 10)
# A dispute's deadlines: the seller answers (a statement or a refund) within
# DISPUTE_SELLER_DAYS of the opening; staff decide within DISPUTE_DECIDE_DAYS of the seller's
# answer. A deadline passed escalates the dispute (both sides are told; staff see it first).
DISPUTE_SELLER_DAYS = env_int("DISPUTE_SELLER_DAYS", 3)
DISPUTE_DECIDE_DAYS = env_int("DISPUTE_DECIDE_DAYS", 5)
# A buyer may review a completed order this long after it was completed.
REVIEW_WINDOW_DAYS = env_int("REVIEW_WINDOW_DAYS", 60)
# How long a product's or shop's shown rating is kept in the cache (0: computed every time).
RATING_CACHE_SECONDS = env_int("RATING_CACHE_SECONDS", 300)
# Buyer-seller messages: at most this many messages per sender in 10 minutes and new threads
# per buyer in a day (counted in the database, so across processes); a recipient who can read
# on the web is texted about a message still unread after this many minutes.
MESSAGE_RATE_PER_10_MIN = env_int("MESSAGE_RATE_PER_10_MIN", 20)
THREAD_RATE_PER_DAY = env_int("THREAD_RATE_PER_DAY", 10)
MESSAGE_SMS_NOTICE_MINUTES = env_int("MESSAGE_SMS_NOTICE_MINUTES", 60)
# How long a process keeps its copy of the delivery network (hubs, services, rate tables) for
# quoting; staff changes reach other processes within this many seconds.
SHIPPING_NETWORK_CACHE_SECONDS = env_int("SHIPPING_NETWORK_CACHE_SECONDS", 60)
# Platform commission in basis points (1/100 of a percent) where a category sets none.
DEFAULT_COMMISSION_BP = env_int("DEFAULT_COMMISSION_BP", 500)
# What a service-centre operator earns on an assisted order released to the seller, in basis
# points of the order total, paid by the platform.
AGENT_COMMISSION_BP = env_int("AGENT_COMMISSION_BP", 200)
# Parcels for pickup wait this long at the centre before they go back and the order is refunded;
# a wrong pickup code this many times locks the parcel for PICKUP_LOCK_MINUTES.
PICKUP_WAIT_DAYS = env_int("PICKUP_WAIT_DAYS", 14)
PICKUP_MAX_FAILURES = env_int("PICKUP_MAX_FAILURES", 5)
PICKUP_LOCK_MINUTES = env_int("PICKUP_LOCK_MINUTES", 60)
# An operator who makes their centre the home of an existing account needs its owner's consent:
# a code texted to them, valid this many minutes, killed by ATTACH_MAX_FAILURES wrong tries. At
# most ATTACH_CODES_PER_HOUR codes go to one person, and ATTACH_CODES_PER_OPERATOR_HOUR are sent
# by one operator, in any hour.
ATTACH_CODE_MINUTES = env_int("ATTACH_CODE_MINUTES", 15)
ATTACH_MAX_FAILURES = env_int("ATTACH_MAX_FAILURES", 5)
ATTACH_CODES_PER_HOUR = env_int("ATTACH_CODES_PER_HOUR", 3)
ATTACH_CODES_PER_OPERATOR_HOUR = env_int("ATTACH_CODES_PER_OPERATOR_HOUR", 30)

# Payments: which provider serves each method, and how long a payment request may stay
# unanswered. The sandbox providers behave like the real ones (see docs/payments.md).
PAYMENT_PROVIDERS = {
    "mobile_money": os.environ.get("PAYMENT_MOBILE_MONEY_PROVIDER", "sandbox-mobile"),
    "card": os.environ.get("PAYMENT_CARD_PROVIDER", "sandbox-card"),
    "cash": "cash",
}
PAYOUT_PROVIDER = os.environ.get("PAYOUT_PROVIDER", "sandbox-payout")
PAYMENT_TIMEOUT_MINUTES = env_int("PAYMENT_TIMEOUT_MINUTES", 5)
# Seconds before the sandbox answers a mobile-money request (its callbacks come through the
# task queue, and each is delivered twice, as real providers sometimes do).
SANDBOX_CALLBACK_DELAY_SECONDS = env_int("SANDBOX_CALLBACK_DELAY_SECONDS", 3)
# Webhook secrets per provider; by default derived from SECRET_KEY (set them in production).
PAYMENT_WEBHOOK_SECRETS = {
    code: os.environ.get(f"WEBHOOK_SECRET_{code.upper().replace('-', '_')}", "")
    for code in ("sandbox-mobile", "sandbox-card")
}
# International courier for exports (docs/logistics.md): the gateway that books parcels and
# the secret its webhooks are signed with (empty: derived from SECRET_KEY; set it in
# production). The sandbox courier's day lasts this many seconds (shorten it for demos).
COURIER_GATEWAY = os.environ.get("COURIER_GATEWAY", "sandbox")
COURIER_WEBHOOK_SECRET = os.environ.get("COURIER_WEBHOOK_SECRET", "")
COURIER_SANDBOX_DAY_SECONDS = env_int("COURIER_SANDBOX_DAY_SECONDS", 86_400)

# Text messages: the backend that sends them ("console" writes them to the log), at most this
# many segments per message, and this many attempts before giving up.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_MAX_SEGMENTS = env_int("SMS_MAX_SEGMENTS", 2)
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5)
# Africa's Talking (SMS_BACKEND=africastalking, see docs/sms.md): the account's username and API
# key, and an optional registered sender ID or short code (empty: the provider's default). The
# SDK talks to the sandbox exactly when the username is "sandbox", so that is not a switch of
# its own: AFRICASTALKING_SANDBOX only says which one is in use.
AFRICASTALKING_USERNAME = os.environ.get("AFRICASTALKING_USERNAME", "sandbox")
AFRICASTALKING_API_KEY = os.environ.get("AFRICASTALKING_API_KEY", "")
AFRICASTALKING_SENDER_ID = os.environ.get("AFRICASTALKING_SENDER_ID", "")
AFRICASTALKING_SANDBOX = AFRICASTALKING_USERNAME == "sandbox"

API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)

# USSD and inbound SMS webhooks (sokoni/channels/auth.py): a shared secret the gateway sends,
# and/or the addresses it calls from (comma-separated, networks allowed).
CHANNELS_SECRET = os.environ.get("CHANNELS_SECRET", "")
CHANNELS_ALLOWED_IPS = [
    net.strip() for net in os.environ.get("CHANNELS_ALLOWED_IPS", "").split(",") if net.strip()
]
# The USSD code villagers dial (shown by the operator area, e.g. to set a PIN).
USSD_CODE = os.environ.get("USSD_CODE", "*384*7#")

# -- security headers (docs/security.md) --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): scripts and styles from this site only, never
# inline; the one inline <style> (photos' placeholder colours) carries the response's nonce.
# Photos served from another origin (object storage, a CDN) are allowed by CSP_IMG_SRC.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *env_list("CSP_IMG_SRC", [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# -- rate limits (docs/security.md) --------------------------------------------------------------
# "<count>/<period>" with period s, m, h or d, counted in the default cache per client
# address (see NUM_PROXIES) and, on the API, per signed-in account. With several server
# processes, point the default cache at a shared one (Redis), or each counts on its own.
RATE_LIMITS = {
    # Accounts created from one address (many phones share a carrier's address: not too low).
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "20/h"),
    # Payment and courier callbacks from one address.
    "webhook": os.environ.get("RATE_LIMIT_WEBHOOK", "120/m"),
    # API calls from one address, and by one account (all its tokens together).
    "api_address": os.environ.get("RATE_LIMIT_API_ADDRESS", "300/m"),
    "api_account": os.environ.get("RATE_LIMIT_API_ACCOUNT", "120/m"),
    # Token requests (log-ins) on the API from one address (failures are also throttled per
    # phone number: LOGIN_FAILURE_LIMIT).
    "api_token": os.environ.get("RATE_LIMIT_API_TOKEN", "20/m"),
}
# A cache that does not answer lets requests through rather than refusing every one.
RATELIMIT_FAIL_OPEN = True
# Trusted reverse proxies in front of the server, each appending to X-Forwarded-For: the
# client's address is then the one the nearest proxy saw. 0: the peer's address (REMOTE_ADDR).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# Logs go to standard error: plain lines locally, one JSON object per line with LOG_FORMAT=json
# (`make serve-prod`), for a log collector. LOG_REQUESTS=1 adds one line per request.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "console": (
            {
                "()": "pythonjsonlogger.json.JsonFormatter",  # python-json-logger, [prod]
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
            if LOG_FORMAT == "json"
            else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
        ),
    },
    "filters": {"without_traceback": {"()": "sokoni.core.security.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console"},
        "refusals": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["without_traceback"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Refused requests (rate limits, bad bodies, bad paths, bad hosts): one line each on
    # "sokoni.security", never a stack trace. Django's own "django.security" reports (a bad
    # host, a bad CSRF token, a body over DATA_UPLOAD_MAX_MEMORY_SIZE) lose theirs too.
    "loggers": {
        "sokoni.request": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
        # What the clock's sweeps did, and the task worker's own lines.
        "sokoni.sweeps": {"level": "INFO"},
        "rq.worker": {"level": "INFO"},
        "sokoni.security": {"level": "INFO"},
        "django.security": {"handlers": ["refusals"], "level": "WARNING", "propagate": False},
    },
}
