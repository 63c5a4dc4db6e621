"""Maillage settings: one module, driven by environment variables only.

Every variable is read through the helpers below, which fail loudly on a bad value
instead of silently falling back to a default.
"""

import hashlib
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a postgresql:// URL (the only engine Maillage supports)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgresql:// (got scheme {parsed.scheme!r})"
        )
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database: postgresql://host/NAME")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = unquote(parsed.hostname or "") or query.pop("host", "")
    options = {key: value for key, value in query.items() if key != "host"}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
    }


DATA_DIR = Path(env_str("MAILLAGE_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = env_bool("MAILLAGE_DEBUG", False)
# An audit name that no app's AuditAction declares: an error raised (tests, development),
# or logged while the row is still written (production: the trail never loses a row).
MAILLAGE_AUDIT_STRICT = env_bool("MAILLAGE_AUDIT_STRICT", DEBUG)
HTTPS = env_bool("MAILLAGE_HTTPS", False)
ALLOWED_HOSTS = env_list("MAILLAGE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MAILLAGE_CSRF_TRUSTED_ORIGINS", [])
# Number of reverse proxies in front of Maillage that append to X-Forwarded-For: the client
# address (audit "from where", login throttling) is read from that header only when set.
TRUSTED_PROXY_COUNT = env_int("MAILLAGE_TRUSTED_PROXY_COUNT", 0)


def _secret_key() -> str:
    key = env_str("MAILLAGE_SECRET_KEY")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("MAILLAGE_SECRET_KEY must be at least 50 characters long")
        return key
    if HTTPS:
        raise ImproperlyConfigured("MAILLAGE_SECRET_KEY is required when MAILLAGE_HTTPS is on")
    # Local and demo instances keep a generated key in their data folder so that
    # sessions survive a restart without anyone having to invent a secret.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Where local instances keep the keys they generate, apart from the data folder: a copy of
# the data folder (a backup, a stolen disk) must not carry the key that would let someone
# rewrite the audit trail and chain it again.
KEYS_DIR = Path(
    env_str(
        "MAILLAGE_KEYS_DIR",
        str(Path(env_str("XDG_CONFIG_HOME", str(Path.home() / ".config"))) / "maillage" / "keys"),
    )
).resolve()


def _audit_key() -> str:
    """The key of the audit trail's hash chain: MAILLAGE_AUDIT_KEY, required in production
    and distinct from the secret key; a local instance generates one in KEYS_DIR, named
    after its data folder (an instance made before kept chaining with its secret key: that
    key is carried over so that its trail still verifies)."""
    key = env_str("MAILLAGE_AUDIT_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("MAILLAGE_AUDIT_KEY must be at least 32 characters long")
        if HTTPS and key == SECRET_KEY:
            raise ImproperlyConfigured("MAILLAGE_AUDIT_KEY must differ from MAILLAGE_SECRET_KEY")
        return key
    if HTTPS:
        raise ImproperlyConfigured(
            "MAILLAGE_AUDIT_KEY is required when MAILLAGE_HTTPS is on (keep it apart from the "
            "database and its backups: docs/deployment.md)"
        )

    folder = hashlib.sha256(str(DATA_DIR).encode()).hexdigest()[:16]
    path = KEYS_DIR / f"audit-{folder}"
    if not path.exists():
        KEYS_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
        earlier = (DATA_DIR / "postgres" / "PG_VERSION").exists()
        path.write_text(SECRET_KEY if earlier else secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


AUDIT_CHAIN_KEY = _audit_key()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "procrastinate.contrib.django",
    "maillage.core",
    "maillage.accounts",
    "maillage.territories",
    "maillage.directory",
    "maillage.pathways",
    "maillage.regulation",
    "maillage.observatory",
    "maillage.cooperation",
    "maillage.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: every answer gets the policy, the early 400s included.
    "maillage.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "maillage.core.middleware.NoStoreMiddleware",
    # After WhiteNoise: a static file needs no database connection.
    "maillage.core.middleware.StatementTimeoutMiddleware",
    # Before the session: a cookie holding a forbidden character is dropped before the
    # session store looks it up.
    "maillage.core.middleware.InputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maillage.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillage.core.middleware.HtmxMiddleware",
    "maillage.core.middleware.LoginRequiredMiddleware",
    # Innermost: sees a view's refusal first, to audit it once.
    "maillage.core.middleware.RefusalAuditMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"
ASGI_APPLICATION = "maillage.asgi.application"

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
                "maillage.core.context_processors.platform",
                "maillage.directory.context_processors.directory",
            ],
        },
    },
]

# Database: DATABASE_URL when set (production, CI smoke), else the embedded server that
# maillage.database starts in DATA_DIR.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
    EMBEDDED_DATABASE = False
else:
    from maillage.database import EmbeddedPostgres

    DATABASES = {"default": EmbeddedPostgres(DATA_DIR).django_settings()}
    EMBEDDED_DATABASE = True
# JIT compilation costs up to a second on the first run of a complex query: for short
# interactive queries it only adds latency (measured by bench/directory_search.py).
# Regulation: a waiting place request is updated every this many days (a reminder to its
# prescriber), then suspended REGULATION_SUSPEND_AFTER_DAYS later without news.
REGULATION_UPDATE_EVERY_DAYS = env_int("MAILLAGE_REGULATION_UPDATE_EVERY_DAYS", 92, minimum=7)
REGULATION_SUSPEND_AFTER_DAYS = env_int("MAILLAGE_REGULATION_SUSPEND_AFTER_DAYS", 30, minimum=1)

# Statements are bounded in time: a page or an API call gives up after STATEMENT_TIMEOUT
# seconds (a French 503, core.middleware.StatementTimeoutMiddleware), so that a query left
# by a client that went away does not keep the CPUs busy; the other work of a connection
# (jobs, imports, migrations, the command line) after JOB_STATEMENT_TIMEOUT. 0: no limit.
STATEMENT_TIMEOUT = env_int("MAILLAGE_STATEMENT_TIMEOUT", 30)
JOB_STATEMENT_TIMEOUT = env_int("MAILLAGE_JOB_STATEMENT_TIMEOUT", 3600)
DATABASES["default"]["OPTIONS"].setdefault(
    "options", f"-c jit=off -c statement_timeout={JOB_STATEMENT_TIMEOUT * 1000}"
)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("MAILLAGE_DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env_str("MAILLAGE_TEST_DB_NAME", "test_maillage")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("MAILLAGE_PASSWORD_RESET_TIMEOUT", 3600, minimum=300)
PASSWORD_RESET_PER_HOUR = env_int("MAILLAGE_PASSWORD_RESET_PER_HOUR", 5, minimum=1)

# Login throttling: after THRESHOLD failures for one account from one client (address, or
# device cookie), ACCOUNT_THRESHOLD for one account from anywhere, or IP_THRESHOLD from one
# address within the window, each further attempt waits longer (doubling, capped), and the
# slowing down is audited (accounts.actions.login_attempt).
LOGIN_FAILURE_WINDOW = env_int("MAILLAGE_LOGIN_FAILURE_WINDOW", 900, minimum=60)
LOGIN_FAILURE_THRESHOLD = env_int("MAILLAGE_LOGIN_FAILURE_THRESHOLD", 5, minimum=1)
# Failures on one account from every address (guesses spread over many addresses).
LOGIN_FAILURE_ACCOUNT_THRESHOLD = env_int("MAILLAGE_LOGIN_FAILURE_ACCOUNT_THRESHOLD", 25, minimum=1)
LOGIN_FAILURE_IP_THRESHOLD = env_int("MAILLAGE_LOGIN_FAILURE_IP_THRESHOLD", 50, minimum=1)
LOGIN_MAX_DELAY = env_int("MAILLAGE_LOGIN_MAX_DELAY", 900, minimum=1)

# Public read endpoints of the API (published services), per client address.
# Search results are cached this many seconds (0: never); any write to the directory's
# read-model invalidates them at once. Each process keeps its own cache.
SEARCH_CACHE_SECONDS = env_int("MAILLAGE_SEARCH_CACHE_SECONDS", 300)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# Public API requests per minute and client address; 0 leaves limiting to the reverse proxy.
API_PUBLIC_RATE_PER_MINUTE = env_int("MAILLAGE_API_PUBLIC_RATE_PER_MINUTE", 120, minimum=0)
API_EXPORT_RATE_PER_HOUR = env_int("MAILLAGE_API_EXPORT_RATE_PER_HOUR", 6, minimum=1)

# Map tiles: a tile server URL template ({z}/{x}/{y}); empty means no tiles at all (closed
# networks, tests): the map then shows the results on a plain background.
MAP_TILES_URL = env_str("MAILLAGE_MAP_TILES_URL", "")
MAP_ATTRIBUTION = env_str("MAILLAGE_MAP_ATTRIBUTION", "")

# Content-Security-Policy (django-csp): scripts and styles from Maillage's own static files
# only — no inline script, no eval, no inline style attribute — so that a name that slipped
# past escaping still cannot run. core.middleware adds the tile server to img-src.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "report-uri": ["/csp-report"],
    }
}

# The headless browser that prints the annual report as PDF (make browser installs it).
MAILLAGE_CHROMIUM = env_str("MAILLAGE_CHROMIUM", "/usr/bin/chromium")

INVITATION_VALIDITY_DAYS = env_int("MAILLAGE_INVITATION_VALIDITY_DAYS", 7, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = env_int("MAILLAGE_SESSION_MAX_AGE", 12 * 3600, minimum=300)
SESSION_IDLE_TIMEOUT = env_int("MAILLAGE_SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("MAILLAGE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("MAILLAGE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("MAILLAGE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("MAILLAGE_TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
# WhiteNoise serves STATIC_ROOT too (filled by collectstatic in production); make it exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The console, recipients masked (core.mail), unless a real backend is named.
EMAIL_BACKEND = env_str("MAILLAGE_EMAIL_BACKEND", "maillage.core.mail.ConsoleEmailBackend")
EMAIL_HOST = env_str("MAILLAGE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MAILLAGE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MAILLAGE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("MAILLAGE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MAILLAGE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("MAILLAGE_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.local>")
# Text messages (core.sms): console (masked number, the demo's), memory (tests) or http.
SMS_BACKEND = env_str("MAILLAGE_SMS_BACKEND", "console")
SMS_HTTP_URL = env_str("MAILLAGE_SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("MAILLAGE_SMS_HTTP_TOKEN", "")
SMS_SENDER = env_str("MAILLAGE_SMS_SENDER", "Maillage")
# Sheets a professional may send to people (e-mail or SMS) per hour: a relay for no one.
SHEET_SENDS_PER_HOUR = env_int("MAILLAGE_SHEET_SENDS_PER_HOUR", 30, minimum=1)

# Files people send (orientation attachments) live outside the web root and are only ever
# served by a view that checks access and writes the audit trail.
PRIVATE_FILES_DIR = Path(env_str("MAILLAGE_PRIVATE_FILES_DIR", str(DATA_DIR / "private"))).resolve()
ATTACHMENT_MAX_BYTES = env_int("MAILLAGE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# An accepted orientation's attachments are kept until its outcome is recorded, and at most
# this many days after the acceptance (directory.actions.purge_accepted_attachments).
ORIENTATION_ATTACHMENT_KEEP_DAYS = env_int("MAILLAGE_ORIENTATION_ATTACHMENT_KEEP_DAYS", 90)
# Background jobs (procrastinate): emails, reminders, expiries. `maillage serve` runs a
# worker in-process unless MAILLAGE_SERVE_WORKER=0; production runs `maillage worker`.
SERVE_WORKER = env_bool("MAILLAGE_SERVE_WORKER", True)

OTP_TOTP_ISSUER = env_str("MAILLAGE_OTP_ISSUER", "Maillage")

# The platform instance: its name, and the territory of competence it declares
# (the slug of a Territory; `maillage demo` sets up the Pays Yon et Vie).
PLATFORM_NAME = env_str("MAILLAGE_PLATFORM_NAME", "Maillage")
# The address people reach Maillage at: links in emails sent by background jobs.
SITE_URL = env_str("MAILLAGE_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Request lines lose their query string and links' tokens (core/logfilters.py).
    "filters": {"redact": {"()": "maillage.core.logfilters.RedactRequestLines"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("MAILLAGE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        # The development server's request lines, through the redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "procrastinate": {"level": env_str("MAILLAGE_JOBS_LOG_LEVEL", "WARNING")},
    },
}
