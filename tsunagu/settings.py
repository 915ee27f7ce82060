"""Settings for tsunagu, read from the environment (12-factor).

TSUNAGU_ENV   "production" (the default): HTTPS-only cookies, HSTS, SSL redirect, hashed
              and compressed static files, TOTP two-factor required, no demo app, and
              SECRET_KEY must be given. "development" (what the Makefile sets for `make demo`,
              `make test` and the benchmarks; the tests set "test") serves plain HTTP with a
              generated local key — a server that forgets the variable is never in demo mode.
DATABASE_URL  default: SQLite file var/tsunagu.sqlite3 (WAL, busy timeout)
SECRET_KEY    required in production; elsewhere generated once into var/secret_key
DEBUG         "1"/"true" to enable
ALLOWED_HOSTS comma separated, default "127.0.0.1,localhost"
TSUNAGU_BEHIND_PROXY  "1" when a reverse proxy terminates TLS and sets X-Forwarded-Proto
TSUNAGU_REQUIRE_2FA   default on in production, off elsewhere (docs/decisions/0012-account-administration.md)
TSUNAGU_IDLE_TIMEOUT_MINUTES  log out after this long without a request, default 30
AUDIT_ANCHOR_FILE  where anchor_audit appends the audit chain's end, default var/audit-anchors.jsonl
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TSUNAGU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


PRODUCTION = (os.environ.get("TSUNAGU_ENV", "").strip().lower() or "production") == "production"

if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(
        "本番環境 (TSUNAGU_ENV=production、既定) では環境変数 SECRET_KEY の設定が必要です。"
        "開発・デモでは make demo / make test を使うか、TSUNAGU_ENV=development を設定してください。"
    )
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER (tsunagu/lib/forms.py)
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tsunagu.municipality",
    "tsunagu.accounts",
    "tsunagu.access",
    "tsunagu.people",
    "tsunagu.intake",
    "tsunagu.coordination",
    "tsunagu.meetings",
    "tsunagu.outreach",
    "tsunagu.participation",
    "tsunagu.resources",
    "tsunagu.reports",
]
if not PRODUCTION:  # demo data and its commands never reach a production server
    INSTALLED_APPS.append("tsunagu.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tsunagu.accounts.middleware.SessionTimeoutMiddleware",
    "tsunagu.accounts.middleware.TwoFactorMiddleware",
    "tsunagu.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tsunagu.urls"
WSGI_APPLICATION = "tsunagu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tsunagu.accounts.context_processors.current_memberships",
            ],
            "libraries": {
                "wareki": "tsunagu.lib.wareki_tags",
                "pagination": "tsunagu.lib.pagination_tags",
            },
        },
    },
]
# Japanese labels without Django's trailing ":" (tsunagu/lib/forms.py).
FORM_RENDERER = "tsunagu.lib.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tsunagu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A persistent connection killed by a database restart is noticed and replaced at
        # the start of the next request instead of failing it with a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Lock an account out after 5 failed logins for 30 minutes, whichever addresses they came
# from (guessing from many IPs gains nothing); `manage.py axes_reset_username` unlocks.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for 'ip_address' so that rotating user agents or cookies cannot dodge a
# lockout; keyed on the username nothing can be rotated, and a per-address lockout would
# lock out a whole office behind one NAT address after five typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# A session ends 8 hours after login (absolute) or after TSUNAGU_IDLE_TIMEOUT_MINUTES
# without a request (accounts/middleware.py SessionTimeoutMiddleware), whichever is first.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("TSUNAGU_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# TOTP two-factor authentication (django-otp) for every user (docs/decisions/0012-account-administration.md). Off in
# development and the demo so a newcomer can log in with the printed demo users; a user who
# has enrolled a device is asked for a code either way.
TSUNAGU_REQUIRE_2FA = _env_bool("TSUNAGU_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "tsunagu"

# HTTPS only in production. Behind a reverse proxy that terminates TLS, set
# TSUNAGU_BEHIND_PROXY=1 so X-Forwarded-Proto tells Django the request was secure.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_REFERRER_POLICY = "same-origin"
if _env_bool("TSUNAGU_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere (htmx and the app's own js are files under static/). Inline
# style attributes are still allowed (style-src-attr); style elements and sheets are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise serves static files in every mode, DEBUG or not. Production serves the hashed,
# compressed copies made by `manage.py collectstatic`; elsewhere files are found in place.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# Where anchor_audit appends the audit chain's end (docs/operations.md: keep it elsewhere).
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.jsonl"))

# The municipality profile this instance runs (see docs/profiles.md).
TSUNAGU_PROFILE = os.environ.get("TSUNAGU_PROFILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The daily audit anchor goes to the server log too (access/audit.py write_anchor).
    "loggers": {"tsunagu.access.audit": {"level": "INFO"}},
}
