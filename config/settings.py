"""Django settings, read from environment variables with safe defaults.

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("RESERVOIR_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A per-installation key kept in the data folder: never a secret in the repo.
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        _key_file.write_text(SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "reservoir.core",
    "reservoir.iam",
    "reservoir.audit",
    "reservoir.parties",
    "reservoir.decisions",
    "reservoir.calendars",
    "reservoir.timeline",
    "reservoir.resolution",
    "reservoir.todos",
    "reservoir.consent",
    "reservoir.sales",
    "reservoir.support",
    "reservoir.support.knowledge",
    "reservoir.realtime",
    "reservoir.automation",
    "reservoir.contact_center",
    "reservoir.portal",
    "reservoir.analytics",
    "reservoir.workspace",
    "reservoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'reservoir.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with a process's threads queueing for the write lock (see the module).
    DATABASES["default"]["ENGINE"] = "reservoir.core.dbbackends.sqlite3"
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # synchronous=NORMAL is durable in WAL mode except for the last commits at a power
        # loss; a larger autocheckpoint (40 MB) writes hot index pages back once per many
        # commits, not once per commit; mmap (up to SQLite's 2 GB cap) spares read() calls.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;PRAGMA cache_size=-64000;"
            "PRAGMA wal_autocheckpoint=10000;PRAGMA mmap_size=2147418112;PRAGMA temp_store=MEMORY;"
        ),
    }
    # A file, not memory, so tests can share the database with a worker subprocess; one per
    # test process, so two test runs on one machine never share it.
    import tempfile

    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("RESERVOIR_TEST_DB")
        or str(Path(tempfile.gettempdir()) / f"reservoir-test-{os.getpid()}.sqlite3")
    }
# Persistent connections: reconnecting costs milliseconds on PostgreSQL, and on SQLite
# closing the last connection checkpoints and deletes the WAL, which the next write must
# recreate (with an fsync) -- tens of milliseconds per request under load.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL, and psycopg prepares a statement once a
    # connection has run it five times: PostgreSQL then skips parsing and planning the
    # queries every contact runs (ingestion took ~10 % less CPU in all).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "reservoir"),
        }
    }
else:
    # In memory, with group messages shared by the processes of this installation on this
    # machine (several server processes and the worker): see config/channel_layers.py.
    import hashlib
    import tempfile

    _db = DATABASES["default"]
    _installation = repr((_db["ENGINE"], _db["NAME"], _db.get("HOST"), _db.get("PORT")))
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "config.channel_layers.LocalBroadcastChannelLayer",
            "CONFIG": {
                "directory": os.environ.get("CHANNELS_DIR")
                or str(
                    Path(tempfile.gettempdir())
                    / f"reservoir-channels-{hashlib.sha256(_installation.encode()).hexdigest()[:12]}"
                ),
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "analytics"],
    }
}
# A claimed task whose worker has not sent a heartbeat for this long is given back.
TASK_WORKER_STALE_SECONDS = int(os.environ.get("TASK_WORKER_STALE_SECONDS", "30"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))

AUTH_USER_MODEL = "iam.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "iam:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "iam:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves finders; it warns without it
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Reservoir domain settings.
DEFAULT_PHONE_REGION = os.environ.get("DEFAULT_PHONE_REGION", "CN")
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "CNY")
INTERACTION_BODY_MAX_CHARS = int(os.environ.get("INTERACTION_BODY_MAX_CHARS", "100000"))

# Identity resolution: pairs at or above the auto-merge probability merge without review;
# pairs at or above the review probability go to the duplicates queue.
RESOLUTION_AUTO_MERGE_THRESHOLD = float(os.environ.get("RESOLUTION_AUTO_MERGE_THRESHOLD", "0.995"))
RESOLUTION_REVIEW_THRESHOLD = float(os.environ.get("RESOLUTION_REVIEW_THRESHOLD", "0.6"))
# Bulk import limits: a larger file is rejected before anything is read into the database.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))

# Outgoing e-mail (automation actions, reminders): printed to the console until an SMTP
# server is configured, so a fresh install never fails or mails anyone by accident.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Reservoir <reservoir@localhost>")
NINJA_PAGINATION_MAX_LIMIT = 200
# Absolute links in e-mails (survey links, magic sign-in links) start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Origins (comma-separated) whose pages may open the chat widget; "*" for any site.
CHAT_ALLOWED_ORIGINS = os.environ.get("CHAT_ALLOWED_ORIGINS", "*")
# CHAT_SESSIONS_PER_IP, CHAT_SESSIONS_PER_VISITOR, CHAT_SESSION_WINDOW_SECONDS and
# CHAT_AGENT_STALE_SECONDS are read by reservoir.contact_center.conf (README table).

# Service mailbox: inbound mail arrives through `reservoir manage support_mail smtpd` (SMTP
# gateway your MX relays to) or is fetched from an IMAP mailbox every minute when
# SUPPORT_IMAP_HOST is set; replies go out through EMAIL_* above with threading headers.
SUPPORT_EMAIL_ADDRESS = os.environ.get("SUPPORT_EMAIL_ADDRESS", "support@reservoir.localhost")
SUPPORT_EMAIL_NAME = os.environ.get("SUPPORT_EMAIL_NAME", "Reservoir Service")
SUPPORT_SMTPD_HOST = os.environ.get("SUPPORT_SMTPD_HOST", "127.0.0.1")
SUPPORT_SMTPD_PORT = int(os.environ.get("SUPPORT_SMTPD_PORT", "2525"))
SUPPORT_IMAP_HOST = os.environ.get("SUPPORT_IMAP_HOST", "")
SUPPORT_IMAP_PORT = int(os.environ.get("SUPPORT_IMAP_PORT", "993"))
SUPPORT_IMAP_USER = os.environ.get("SUPPORT_IMAP_USER", "")
SUPPORT_IMAP_PASSWORD = os.environ.get("SUPPORT_IMAP_PASSWORD", "")
SUPPORT_IMAP_FOLDER = os.environ.get("SUPPORT_IMAP_FOLDER", "INBOX")
SUPPORT_IMAP_SSL = env_bool("SUPPORT_IMAP_SSL", True)
SUPPORT_MAIL_MAX_AGE_HOURS = int(os.environ.get("SUPPORT_MAIL_MAX_AGE_HOURS", "72"))
SUPPORT_MAX_UPLOAD_BYTES = int(os.environ.get("SUPPORT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
SUPPORT_RECOVERY_FOLLOW_UP_DAYS = int(os.environ.get("SUPPORT_RECOVERY_FOLLOW_UP_DAYS", "7"))

# Analytics: the DuckDB warehouse file (rebuilt from the operational database).
ANALYTICS_WAREHOUSE_PATH = os.environ.get(
    "ANALYTICS_WAREHOUSE_PATH", str(DATA_DIR / "warehouse.duckdb")
)
# The trait whose value is the customer dimension's segment (with its history).
ANALYTICS_SEGMENT_TRAIT = os.environ.get("ANALYTICS_SEGMENT_TRAIT", "rfm.segment")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
