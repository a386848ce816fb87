"""Tether settings, read from the environment through one `env` object.

Without DATABASE_URL, Tether runs on SQLite inside TETHER_DATA_DIR (a per-user
directory by default), so `tether demo` needs nothing else installed.
"""

import base64
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from platformdirs import user_data_dir

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.str("TETHER_DATA_DIR", default=user_data_dir("tether", appauthor=False)))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated on first run and kept in DATA_DIR."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _document_keys() -> list[str]:
    """Keys that encrypt documents at rest, as "id:base64url(32 bytes)"; the first encrypts.

    From TETHER_DOCUMENT_KEYS (comma-separated) in production; otherwise a key generated on
    first run and kept in DATA_DIR, beside the secret key. `tether rotate_document_keys`
    adds a key and re-encrypts every document with it.
    """
    if env.list("TETHER_DOCUMENT_KEYS", default=[]):
        return env.list("TETHER_DOCUMENT_KEYS")
    key_file = DATA_DIR / "document_keys"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        key_file.write_text(f"k{secrets.token_hex(4)}:{key}\n")
    return [line.strip() for line in key_file.read_text().splitlines() if line.strip()]


TETHER_DOCUMENT_KEYS = _document_keys()
TETHER_DOCUMENTS_DIR = Path(env.str("TETHER_DOCUMENTS_DIR", default=str(DATA_DIR / "documents")))
TETHER_DOCUMENT_MAX_BYTES = env.int("TETHER_DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
DEBUG = env.bool("TETHER_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tether.core",
    "tether.registry",
    "tether.documents",
    "tether.portal",
    "tether.diligence",
    "tether.risk",
    "tether.continuity",
    "tether.dependence",
    "tether.decisions",
    "tether.performance",
    "tether.contracts",
    "tether.oversight",
    "tether.reviews",
    "tether.deadlines",
    "tether.regulatory",
    "tether.board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything else, so error pages and static files get the headers too.
    "tether.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads the body (CSRF does): an oversized upload is refused unread.
    "tether.core.uploads.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tether.core.middleware.LoginRequiredMiddleware",
    "tether.core.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a lock-out flagged during login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tether.urls"
WSGI_APPLICATION = "tether.wsgi.application"

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
                "tether.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'tether.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE avoids "database is locked"
    # when two writers upgrade their read locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new passwords and every password of a user who logs in are stored with it;
# the others stay so that older hashes still verify (and are then upgraded).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes' backend first: it refuses a locked-out username + address before the password
# is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
# Serving from the apps' own folders means `tether demo` works without collectstatic;
# production runs collectstatic and gets compressed, cache-busted files.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sessions end after SESSION_COOKIE_AGE seconds without a request (each request pushes the end
# back), and in any case TETHER_SESSION_MAX_AGE seconds after logging in.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
TETHER_SESSION_MAX_AGE = env.int("TETHER_SESSION_MAX_AGE", default=24 * 3600)

# TETHER_HTTPS=true when users reach Tether over HTTPS: secure cookies, HSTS, redirect to
# HTTPS. TETHER_PROXIES is the number of reverse proxies in front of Tether: their
# X-Forwarded-For and X-Forwarded-Proto headers are then believed, and no one else's.
TETHER_HTTPS = env.bool("TETHER_HTTPS", default=False)
TETHER_PROXIES = env.int("TETHER_PROXIES", default=0)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=TETHER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if TETHER_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("TETHER_SSL_REDIRECT", default=TETHER_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("TETHER_HSTS_SECONDS", default=365 * 24 * 3600 if TETHER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("TETHER_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("TETHER_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sent by tether.core.middleware.SecurityHeadersMiddleware on every response. No inline
# script or style anywhere: behaviour lives in tether.js, looks in tether.css.
TETHER_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env.str("TETHER_CSP_REPORT_URI", default=""):
    TETHER_CSP["report-uri"] = [env.str("TETHER_CSP_REPORT_URI")]
TETHER_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Two-factor authentication (TOTP, django-otp): required for administrators, optional for
# everyone else. The issuer is the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env.str("TETHER_TOTP_ISSUER", default="Tether")

# Lock-out (django-axes, in the database so that every worker and machine sees it): after
# TETHER_LOCKOUT_FAILURES failed logins for one username from one address, that pair is
# refused for TETHER_LOCKOUT_MINUTES. `tether axes_reset_username NAME` unlocks early.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("TETHER_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("TETHER_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock-out do not extend it: it ends when the page says it does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "tether.core.security.client_ip"
AXES_LOCKOUT_CALLABLE = "tether.core.views.security.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "otp"]  # masked in logs
AXES_ENABLE_ADMIN = False

# Requests per client address to the login, code and password-reset forms (cache-based).
TETHER_LOGIN_RATE = env.str("TETHER_LOGIN_RATE", default="30/min")

# LocMemCache is per process: fine for one machine's rate limits; set CACHE_URL (for example
# redis://127.0.0.1:6379/1, which needs the `redis` package) when several machines serve.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://tether")}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
# A questionnaire's answer page posts an answer and a comment per question: Django's default
# of 1,000 fields would refuse a questionnaire of more than ~500 questions (SIG Core has more).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tether.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
TETHER_IMPORT_MAX_BYTES = env.int("TETHER_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# Rows of one measurement delivery (file, API batch or portal upload); more is refused whole.
PERFORMANCE_MAX_ROWS = env.int("PERFORMANCE_MAX_ROWS", default=1_000_000)
# Schedule overrides ("name=off|HH:MM|every:SECONDS,...") and deadline reminder windows.
TETHER_SCHEDULES = env.dict("TETHER_SCHEDULES", default={})
TETHER_REMINDER_DAYS = env.list("TETHER_REMINDER_DAYS", cast=int, default=[30, 7, 1])
TETHER_REMINDER_OVERDUE_DAYS = env.int("TETHER_REMINDER_OVERDUE_DAYS", default=7)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tether.core.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "tether.core.api.pagination.TetherPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "tether.core.api.schema.TetherAutoSchema",
    "EXCEPTION_HANDLER": "tether.core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["tether.core.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("TETHER_API_RATE", default="1000/min"),
        "token": env.str("TETHER_TOKEN_RATE", default="10/min"),
    },
    "NUM_PROXIES": TETHER_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tether API",
    "DESCRIPTION": "Outsourcing governance and third-party risk register.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tether.core.api.permissions.RolePermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "tether.registry.api.enums.country_choices",
        "CurrencyEnum": "tether.registry.api.enums.CURRENCY_CODES",
        "OutsourcingTypeEnum": "tether.registry.choices.OutsourcingType",
        "ConfidentialityEnum": "tether.registry.choices.Confidentiality",
        "RequestStatusEnum": "tether.portal.models.RequestStatus",
        "ArrangementStatusEnum": "tether.registry.choices.ArrangementStatus",
        "ProviderStatusEnum": "tether.registry.choices.ProviderStatus",
        "CampaignStatusEnum": "tether.diligence.choices.CampaignStatus",
        "ResponseStatusEnum": "tether.diligence.choices.ResponseStatus",
        "AnswerReviewEnum": "tether.diligence.choices.AnswerReview",
    },
}

COUNTRIES_FIRST = []

# E-mail (password reset links): EMAIL_URL such as smtp+tls://user:password@mail.example.com:587
# sets the backend, host, port, user, password and TLS at once; without it, mails are
# printed on the console. EMAIL_BACKEND alone still works.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tether <tether@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# This site's address (https://tether.example.com), for links in e-mails sent without a
# request, such as the daily questionnaire reminders; without it they carry the path only.
TETHER_BASE_URL = env.str("TETHER_BASE_URL", default="")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Background jobs (django-tasks). "database": a durable queue in the database, run by
# `tether worker` (several workers on several machines share it); `tether serve` starts one
# beside the web server unless TETHER_IN_PROCESS_WORKER=false. "immediate": run at once, in the
# process that queues the job (tests, scripts).
TETHER_TASKS = env.str("TETHER_TASKS", default="database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TETHER_TASKS],
    }
}
TETHER_IN_PROCESS_WORKER = env.bool("TETHER_IN_PROCESS_WORKER", default=True)
# A running job whose heartbeat is older than this lost its worker and is queued again.
TETHER_JOB_STALE_SECONDS = env.int("TETHER_JOB_STALE_SECONDS", default=300)
