"""Closeloop settings, read from environment variables (see the README's configuration table).

``CLOSELOOP_ENV`` picks the defaults: ``production`` (the default: fails closed),
``development``, ``demo`` (``closeloop demo``: a secret generated in the data directory) and
``test``. Every value is parsed strictly; a malformed one stops start-up with a message naming
the variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from closeloop.lib.envvars import (
    EnvError,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent

CLOSELOOP_ENV = env_choice(
    "CLOSELOOP_ENV", "production", ("production", "development", "demo", "test")
)
PRODUCTION = CLOSELOOP_ENV == "production"
DATA_DIR = Path(env_str("CLOSELOOP_DATA_DIR", "closeloop-data")).resolve()


def _demo_secret(data_dir: Path) -> str:
    """The demo's own secret, generated once and kept beside its database."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if CLOSELOOP_ENV == "demo":
    SECRET_KEY = env_str("SECRET_KEY") or _demo_secret(DATA_DIR)
elif CLOSELOOP_ENV in ("development", "test"):
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-" + "x" * 40)
else:
    # Empty in production when unset: the closeloop.E001 check refuses to start.
    SECRET_KEY = env_str("SECRET_KEY")

DEBUG = env_bool("DEBUG", CLOSELOOP_ENV == "development")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Fernet keys for integration secrets at rest, newest first (closeloop/core/secrets_at_rest.py);
# required in production.
SECRETS_KEYS = env_list("SECRETS_KEYS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "template_partials",
    "closeloop.core",
    "closeloop.practices",
    "closeloop.patients",
    "closeloop.appointments",
    "closeloop.support_queue",
    "closeloop.triage",
    "closeloop.periodic",
    "closeloop.metrics",
    "closeloop.messaging",
    "closeloop.intake",
    "closeloop.outreach",
    "closeloop.webhooks",
    "closeloop.team",
    "closeloop.api",
    "closeloop.security",
    "closeloop.web",
    "closeloop.demo",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "closeloop.core.middleware.NoStoreMiddleware",
    "closeloop.core.middleware.ApiJsonMiddleware",
    "closeloop.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "closeloop.security.middleware.AuditMiddleware",
    "closeloop.security.middleware.IdleLogoffMiddleware",
    "closeloop.security.middleware.RequireTwoFactorMiddleware",
    "closeloop.security.middleware.RequireOwnCredentialsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out username/address before checking.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the person's staff profile and organization with them.
    # (Sessions signed in before this backend named Django's own: they sign in once more.)
    "closeloop.security.backends.StaffModelBackend",
]
# Lockout: 5 failures for a username from one address lock it for 30 minutes (an admin
# unlocks earlier: Configuration → Axes → Access attempts, or `closeloop axes_reset_username`).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines name the username and address; our audit log has them

# Automatic logoff after this many idle minutes (background polling does not count).
IDLE_LOGOFF_MINUTES = env_int("IDLE_LOGOFF_MINUTES", 15, minimum=1, maximum=720)
# Behind the documented proxy, the client address is the last X-Forwarded-For hop.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

# Content-Security-Policy: scripts and styles only from our own static files (no inline
# scripts anywhere; chart data travels as JSON data blocks, not code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "closeloop.urls"
WSGI_APPLICATION = "closeloop.wsgi.application"

#: Widgets through Jinja2 (faster, same markup): see closeloop/web/forms_renderer.py.
FORM_RENDERER = "closeloop.web.forms_renderer.Renderer"

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
                "closeloop.web.context_processors.closeloop",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", default_sqlite_path=DATA_DIR / "closeloop.sqlite3")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The one-machine install: the database's folder is created on first use.
    # Created for the owner only: it holds patient data.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "SQLite does not support indexes with non-key columns": by design. The queue's covering index
# INCLUDEs the row id for PostgreSQL's index-only scans; SQLite's indexes carry the row id
# anyway, and Django leaves the INCLUDE out there (closeloop/support_queue/models.py).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id (OWASP parameters, see closeloop/security/hashers.py) for new and changed
# passwords; other hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "closeloop.security.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if CLOSELOOP_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Shared state for rate limits: per process by default; Redis when several web servers must
# agree (REDIS_URL=redis://127.0.0.1:6379/0).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise EnvError("REDIS_URL", "expected a redis://, rediss:// or unix:// URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Background work: tasks are rows in the same database, enqueued in the same transaction as the
# change that caused them, and run by `closeloop db_worker` processes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Plain-http webhook endpoints on loopback, for tests and local development only.
# Outbound calls to URLs practice admins configure (webhooks, the FHIR server) may go to plain
# http on 127.0.0.1 for development and tests; never in production by default.
OUTBOUND_ALLOW_HTTP_LOOPBACK = env_bool(
    "OUTBOUND_ALLOW_HTTP_LOOPBACK", env_bool("WEBHOOKS_ALLOW_HTTP_LOOPBACK", not PRODUCTION)
)

# Where staff reach Closeloop; used in links inside emails.
CLOSELOOP_BASE_URL = env_str("CLOSELOOP_BASE_URL", "http://127.0.0.1:8000")

# Texts to patients: "console" logs them (demo, development); "twilio" sends through the
# practice's Twilio account. The API base URL is configurable so tests can use a local server.
SMS_BACKEND = env_choice(
    "SMS_BACKEND",
    "twilio" if PRODUCTION else "file" if CLOSELOOP_ENV == "demo" else "console",
    ("console", "file", "twilio"),
)
# The demo's outbox: texts and emails it "sends" are written here (and shown at /outbox/).
OUTBOX_DIR = DATA_DIR / "outbox"
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL", "https://api.twilio.com")

# Email: printed to the console outside production; SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend"
    if CLOSELOOP_ENV == "demo"
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = OUTBOX_DIR / "email"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
# Every SMTP conversation ends within this, well inside the outbound lease below.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# Outbound work (alert and report emails, texts, webhooks) claimed longer ago than this
# belongs to a worker that died and is sent again; work never claimed this long after it was
# queued lost its task and is sent by the sweep.
OUTBOUND_LEASE_SECONDS = env_int("OUTBOUND_LEASE_SECONDS", 120, minimum=5)
OUTBOUND_REDRIVE_AFTER_SECONDS = env_int("OUTBOUND_REDRIVE_AFTER_SECONDS", 120, minimum=1)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Closeloop <closeloop@localhost>")
# The operators: the daily audit check emails them the chain's anchor, or that it is broken.
# (Not Django's ADMINS, which would also mail them tracebacks with request data.)
#: The audit log's MAC key (SECURITY.md, "What the audit chain detects"): when unset, one
#: derived from SECRET_KEY. Rotate by moving the old key to AUDIT_KEY_FALLBACKS (it still
#: verifies what it made); keep both outside the database and its backups.
AUDIT_KEY = env_str("AUDIT_KEY", "")
AUDIT_KEY_FALLBACKS = env_list("AUDIT_KEY_FALLBACKS", [])
AUDIT_EMAILS = env_list("AUDIT_EMAILS", [])
if any("@" not in address for address in AUDIT_EMAILS):
    raise EnvError("AUDIT_EMAILS", "expected comma-separated email addresses")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# Patient-facing words (closeloop/locale/<language>/LC_MESSAGES/django.po). A practice adds a
# language with a catalog of its own in a directory named here (colon-separated), compiled with
# `closeloop languages compile`, plus its templates and scripts (`closeloop languages check`).
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *(Path(p) for p in env_str("CLOSELOOP_LOCALE_PATHS").split(":") if p.strip()),
]
USE_TZ = True

STATIC_URL = "static/"
# Production runs `closeloop collectstatic` once per release into STATIC_ROOT; the demo,
# development and tests serve static files straight from the apps.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    # Production sits behind TLS (directly or via a proxy that sets X-Forwarded-Proto).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL",
            # The demo's terminal shows its URL and logins, not a line per task.
            "WARNING" if CLOSELOOP_ENV == "demo" else "INFO",
            ("DEBUG", "INFO", "WARNING", "ERROR"),
        ),
    },
    "loggers": (
        # Nor a warning per refused request: a form answered 422 or a stale button 409 is the
        # page's business in a demo someone is clicking through. Server errors (5xx) are
        # logged at ERROR and still show, and LOG_LEVEL brings the 4xx lines back.
        {"django.request": {"level": "ERROR"}}
        if CLOSELOOP_ENV == "demo" and "LOG_LEVEL" not in os.environ
        else {}
    ),
}
