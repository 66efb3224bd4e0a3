"""Django settings for Vitrina.

Every setting an operator may change comes from a ``VITRINA_*`` environment variable
(documented in docs/operations.md). Defaults are safe for production: no debug, no demo
login, and the process refuses to start without its secrets unless demo mode is on.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"VITRINA_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEMO_MODE = env_bool("DEMO")
DEBUG = env_bool("DEBUG")


def _private_file(path: Path) -> None:
    """Create the file (and its folders) readable by the service's user alone: the data
    directory holds the database with every reader's message and the demo's keys."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _demo_secret(filename: str, make) -> str:
    """In demo mode secrets are generated once and kept under the data directory."""
    path = DATA_DIR / filename
    if not path.exists() or not path.read_text().strip():
        _private_file(path)
        path.write_text(make())
    return path.read_text().strip()


def _fernet_key() -> str:
    return Fernet.generate_key().decode()


SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "VITRINA_SECRET_KEY is not set. Set it (50+ random characters), "
            "or set VITRINA_DEMO=1 to run the local demo."
        )
    SECRET_KEY = _demo_secret("secret_key", lambda: secrets.token_urlsafe(50))

# Keys that encrypt network tokens at rest; the first encrypts, all decrypt (rotation).
TOKEN_KEYS = env_list("TOKEN_KEY")
if not TOKEN_KEYS:
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "VITRINA_TOKEN_KEY is not set. Generate one with "
            "`vitrina generate-token-key` and keep it safe: without it stored "
            "network tokens cannot be read."
        )
    TOKEN_KEYS = [_demo_secret("token_key", _fernet_key)]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEMO_MODE or DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "vitrina.core",
    "vitrina.channels",
    "vitrina.content",
    "vitrina.publishing",
    "vitrina.catalog",
    "vitrina.analytics",
    "vitrina.api",
    # The networks' local emulators: their `vitrina sandbox` command.
    "vitrina.sandbox",
    # The demo organisations: the `vitrina demo` command.
    "vitrina.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vitrina.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "vitrina.api.errors.ApiErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vitrina.core.middleware.OrganisationMiddleware",
]

ROOT_URLCONF = "vitrina.urls"
WSGI_APPLICATION = "vitrina.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vitrina.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'vitrina.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web requests and background work from one process:
    # WAL lets readers go on while a writer commits, IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        # Created 0600 before SQLite opens it (its -wal and -shm files take the same mode).
        _private_file(Path(DATABASES["default"]["NAME"]))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "vitrina",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# A task held by a worker that died comes back after this; the scheduler's sweep is faster.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
WORKER_CONCURRENCY = int(env("WORKER_CONCURRENCY", "16"))

# Publishing: a claim not finished within the lease is given back and reconciled. It must
# be longer than any single publish (uploads included) can take.
PUBLISH_LEASE_SECONDS = int(env("PUBLISH_LEASE_SECONDS", "300"))
PUBLISH_BATCH = int(env("PUBLISH_BATCH", "500"))
PUBLISH_MAX_IN_FLIGHT = int(env("PUBLISH_MAX_IN_FLIGHT", "2000"))
PUBLISH_CHANNEL_BURST = int(env("PUBLISH_CHANNEL_BURST", "1"))
# Claims per queue message: fewer round trips through the broker under load.
PUBLISH_TASK_BATCH = int(env("PUBLISH_TASK_BATCH", "8"))
PUBLISH_RECHECK_SECONDS = float(env("PUBLISH_RECHECK_SECONDS", "30"))
# The first retry after a network error; each next one waits twice as long (up to ×60).
PUBLISH_BACKOFF_SECONDS = float(env("PUBLISH_BACKOFF_SECONDS", "30"))
EMBEDDED_PUBLISH_THREADS = int(env("EMBEDDED_PUBLISH_THREADS", "4"))

# Periodic jobs that `vitrina scheduler` runs (docs/architecture.md, "Periodic jobs").
# Each interval is read on every tick; 0 switches that job off.
# Publishing's dispatch: how often due posts are claimed (also the loop's longest sleep).
SCHEDULER_INTERVAL_SECONDS = float(env("SCHEDULER_INTERVAL_SECONDS", "1"))
# A round of collecting the channels' figures at most this often (each round reads only
# what is due); 0 leaves collection to `vitrina collect_stats`.
COLLECT_INTERVAL_MINUTES = max(0, int(env("COLLECT_INTERVAL_MINUTES", "60")))
# «Собрать сейчас» reads a channel at most once in this many minutes.
COLLECT_NOW_MINUTES = max(1, int(env("COLLECT_NOW_MINUTES", "5")))
# Polling the channels that are not on webhooks for readers' messages and comments.
INBOX_POLL_SECONDS = max(0.0, float(env("INBOX_POLL_SECONDS", "10")))
# Short links (strategy): a click repeating one counted within this window is not counted;
# clicks buffered in Redis reach the database every SHORTLINK_FLUSH_SECONDS.
SHORTLINK_REPEAT_SECONDS = max(1, int(env("SHORTLINK_REPEAT_SECONDS", "1800")))
SHORTLINK_FLUSH_SECONDS = max(0.0, float(env("SHORTLINK_FLUSH_SECONDS", "10")))
# A channel whose last poll failed is tried again after this long, not every round.
INBOX_POLL_RETRY_SECONDS = max(0, int(env("INBOX_POLL_RETRY_SECONDS", "300")))
# Renewing VK ID and OK user tokens that expire soon.
TOKEN_REFRESH_MINUTES = max(0.0, float(env("TOKEN_REFRESH_MINUTES", "5")))
# Reader services' reminders: reading the linked readers' loans from the library systems,
# planning the reminders they need, and sending those due.
READERS_LOANS_SYNC_MINUTES = max(0.0, float(env("READERS_LOANS_SYNC_MINUTES", "60")))
READERS_REMINDERS_PLAN_MINUTES = max(0.0, float(env("READERS_REMINDERS_PLAN_MINUTES", "15")))
READERS_REMINDERS_SEND_SECONDS = max(0.0, float(env("READERS_REMINDERS_SEND_SECONDS", "60")))
# A reminder claim not finished within the lease is given back (and looked up first).
READERS_REMINDER_LEASE_SECONDS = int(env("READERS_REMINDER_LEASE_SECONDS", "300"))
READERS_REMINDER_BATCH = int(env("READERS_REMINDER_BATCH", "200"))
READERS_REMINDER_THREADS = int(env("READERS_REMINDER_THREADS", "8"))
# A sending round stops claiming after this long; the next round goes on.
READERS_REMINDER_ROUND_SECONDS = float(env("READERS_REMINDER_ROUND_SECONDS", "600"))
READERS_REMINDER_BACKOFF_SECONDS = float(env("READERS_REMINDER_BACKOFF_SECONDS", "60"))
READERS_REMINDER_RECHECK_SECONDS = float(env("READERS_REMINDER_RECHECK_SECONDS", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: this many failures per account or address within the window lock it.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))


def _networks(name: str) -> list:
    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name)]
    except ValueError as error:
        raise ImproperlyConfigured(f"VITRINA_{name}: {error}") from error


# The reverse proxies in front of Vitrina (addresses or networks, comma-separated): only
# their X-Forwarded-For is believed about the client's address (core/client_address.py).
TRUSTED_PROXIES = _networks("TRUSTED_PROXIES")
# Refused webhook requests are written to the audit log once per channel in this window.
WEBHOOK_REFUSED_AUDIT_SECONDS = int(env("WEBHOOK_REFUSED_AUDIT_SECONDS", "3600"))

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_TLS", True)
else:
    # Without a mail server the messages are printed to the log (and the demo console).
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Витрина <vitrina@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request's full address at INFO, and some networks' addresses
        # carry a key (VK's Long Poll); its warnings and errors still show.
        "httpx": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Networks and sandbox
# Where the networks are. With VITRINA_SANDBOX_URL set (the demo sets it) every network
# defaults to the local sandbox; an explicit VITRINA_<NETWORK>_..._URL always wins.
SANDBOX_URL = env("SANDBOX_URL", "http://127.0.0.1:8765" if DEMO_MODE else "").rstrip("/")


def _network_url(name: str, real: str, sandbox_path: str) -> str:
    return env(name, f"{SANDBOX_URL}{sandbox_path}" if SANDBOX_URL else real).rstrip("/")


VK_API_URL = _network_url("VK_API_URL", "https://api.vk.com", "/vk")
VK_OAUTH_URL = _network_url("VK_OAUTH_URL", "https://id.vk.com", "/vkid")
OK_API_URL = _network_url("OK_API_URL", "https://api.ok.ru", "/ok")
OK_OAUTH_URL = _network_url("OK_OAUTH_URL", "https://connect.ok.ru", "/ok/connect")
TELEGRAM_API_URL = _network_url("TELEGRAM_API_URL", "https://api.telegram.org", "/telegram")
MAX_API_URL = _network_url("MAX_API_URL", "https://platform-api2.max.ru", "/max")
NETWORK_TIMEOUT = float(env("NETWORK_TIMEOUT", "30"))

# VK ID application (id.vk.com → "My apps"); PKCE needs no client secret.
VK_ID_CLIENT_ID = env("VK_ID_CLIENT_ID", "51800001" if SANDBOX_URL else "")
# OK application (ok.ru/app/...): id, public key and secret key.
OK_CLIENT_ID = env("OK_CLIENT_ID", "512000000001" if SANDBOX_URL else "")
OK_APPLICATION_KEY = env("OK_APPLICATION_KEY", "CBAKLMNOPABCDEFGH" if SANDBOX_URL else "")
OK_CLIENT_SECRET = env(
    "OK_CLIENT_SECRET", "5A4D3C2B1A0F9E8D7C6B5A4938271605" if SANDBOX_URL else ""
)

# Requests a second per token, a little under each network's limit. OK publishes none.
VK_USER_RPS = float(env("VK_USER_RPS", "2.7"))
VK_COMMUNITY_RPS = float(env("VK_COMMUNITY_RPS", "18"))
OK_RPS = float(env("OK_RPS", "4.5"))
TELEGRAM_CHAT_RPS = float(env("TELEGRAM_CHAT_RPS", "0.95"))
TELEGRAM_BOT_RPS = float(env("TELEGRAM_BOT_RPS", "27"))
MAX_CHAT_RPS = float(env("MAX_CHAT_RPS", "1.8"))
MAX_BOT_RPS = float(env("MAX_BOT_RPS", "27"))

# Catalogue
# Largest catalogue file accepted for import, and largest cover image taken from a link.
CATALOG_IMPORT_MAX_BYTES = int(env("CATALOG_IMPORT_MAX_MB", "200")) * 1024 * 1024
CATALOG_COVER_MAX_BYTES = int(env("CATALOG_COVER_MAX_MB", "5")) * 1024 * 1024
# How far ahead the memorable-dates page looks.
CATALOG_UPCOMING_DAYS = int(env("CATALOG_UPCOMING_DAYS", "90"))
# Covers are taken only from public addresses unless this allows the local network too.
CATALOG_COVER_ALLOW_PRIVATE = env_bool("CATALOG_COVER_ALLOW_PRIVATE")

# Virtual exhibitions
INSTALLED_APPS += ["vitrina.exhibitions"]

# Inbox: readers' messages and comments, replies.
INSTALLED_APPS += ["vitrina.inbox"]
# Reader services: library-system connections, linked readers, reminders, renewals.
INSTALLED_APPS += ["vitrina.readers"]
# The seven-step social-media strategy and its document.
INSTALLED_APPS += ["vitrina.strategy"]
# Readers should have an answer within this many working days (Monday to Friday); threads
# waiting longer are highlighted.
INBOX_ANSWER_WORKING_DAYS = int(env("INBOX_ANSWER_WORKING_DAYS", "1"))
# The strategy's health checks run this often (hours) for every organisation; the week's
# results are stored and the weekly digest goes out on the week's first run. 0 switches
# the weekly checks off (the page still checks on demand).
STRATEGY_HEALTH_HOURS = max(0.0, float(env("STRATEGY_HEALTH_HOURS", "6")))
