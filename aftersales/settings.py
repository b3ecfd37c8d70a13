"""Settings for aftersales, read from environment variables (see README)."""

from pathlib import Path

import dj_database_url
import dj_email_url
from django.utils.translation import gettext_lazy as _

from aftersales.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# A development key is tolerated only while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("REQUIRE_SECRET_KEY", False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-change-me-aftersales-0123456789"

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
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.customers",
    "aftersales.catalog",
    "aftersales.assets",
    "aftersales.warranty",
    "aftersales.field",
    "aftersales.sla",
    "aftersales.notifications",
    "aftersales.service",
    "aftersales.escalations",
    "aftersales.dispatch",
    "aftersales.settlement",
    "aftersales.parts",
    "aftersales.returns",
    "aftersales.followup",
    "aftersales.complaints",
    "aftersales.care",
    "aftersales.kb",
    "aftersales.inbox",
    "aftersales.intake",
    "aftersales.portal",
    "aftersales.analytics",
    "aftersales.faults",
    "aftersales.iot",
    "aftersales.maintenance",
    "aftersales.training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aftersales.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aftersales" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # for each other (up to `timeout` seconds) instead of failing with "database is locked";
    # WAL lets readers go on while one writer works.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for this application, per connection (PG_OPTIONS replaces them):
    # - jit=off: PostgreSQL compiles "expensive" queries to machine code first; for the
    #   quality pages' aggregates over a hundred thousand rows the compiling took longer
    #   than the query (1.4 s of 1.8 s at a million requests).
    # - random_page_cost=1.1: the default (4) prices a random read as on a spinning disk,
    #   so reading a period's requests by index lost to reading the whole table; on SSDs
    #   or from memory, as we run, 1.1 is the usual value (495 → 294 ms for a quarter's
    #   requests at a million).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# Rate limits (sign-up codes, the public form) and throttles count in the cache, so with
# more than one web process it must be shared: CACHE_URL=redis://127.0.0.1:6379/1.
# Without it each process keeps its own in memory (fine for `make run`).
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Behind a reverse proxy, the client's address is the last one it appends to
# X-Forwarded-For; say how many proxies there are (0: use the connection's address).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# --- Authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Username, email address or phone number with the password (ModelBackend's rules kept).
AUTHENTICATION_BACKENDS = ["aftersales.accounts.backends.AddressBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "aftersales" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
DEFAULT_CURRENCY = "CNY"
# Phone numbers without a country code are read as numbers of this region.
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "CN")

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Site-wide assets (layout CSS, htmx helpers, vendored Bootstrap); apps add their own.
STATICFILES_DIRS = [BASE_DIR / "aftersales" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Attachments: the largest file accepted, in bytes (default 10 MiB).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)

# --- API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXIES or None,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aftersales.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.core.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aftersales API",
    "DESCRIPTION": "After-sales service management: customers, installed base, service requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several vocabularies share a field name ("kind", "status"); name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "aftersales.service.choices.Status",
        "TicketKindEnum": "aftersales.service.choices.Kind",
        "TicketChannelEnum": "aftersales.service.choices.Channel",
        "MessageChannelEnum": "aftersales.notifications.models.Channel",
        "CustomerKindEnum": "aftersales.customers.models.CustomerKind",
        "FaultKindEnum": "aftersales.catalog.models.FaultKind",
        "UnitStatusEnum": "aftersales.assets.models.UnitStatus",
        "WarrantyStatusEnum": "aftersales.warranty.services.STATUS_LABELS",
        "QuoteLineKindEnum": "aftersales.warranty.models.LineKind",
        "PaymentMethodEnum": "aftersales.warranty.models.PaymentMethod",
        "FollowUpMethodEnum": "aftersales.followup.models.Method",
        "CampaignMethodEnum": "aftersales.care.models.Method",
        "ArticleKindEnum": "aftersales.kb.models.Kind",
        "SkillLevelEnum": "aftersales.field.models.SkillLevel",
    },
}

# --- Email ---------------------------------------------------------------------
# EMAIL_URL=smtp://user:password@host:587/?tls=True (or smtps://…, console:, file:///path).
# Without it, mail is printed to the console while DEBUG is on, else sent to localhost:25.
EMAIL_URL = env_str("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")
_email = dj_email_url.parse(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or None
# A mail server that hangs must not hold a worker for long; the outbox retries later.
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "aftersales <service@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How messages to customers sign and link (see notifications.services).
SERVICE_NAME = env_str("SERVICE_NAME", "aftersales")
SERVICE_PHONE = env_str("SERVICE_PHONE", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# Adds threading headers (In-Reply-To, References, Reply-To) to outbox emails.
OUTBOX_EMAIL_HEADERS = "aftersales.inbox.threading.headers_for"

# --- Background work ---------------------------------------------------------------
# With a broker (redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//) tasks go
# to Celery workers and beat; without one they run in the web process (see core.background).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Several installations (or test runs) can share one broker, each on its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "aftersales")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Intake: the public help form and inbound webhooks ---------------------------------
INTAKE_FORM_PER_IP_PER_HOUR = env_int("INTAKE_FORM_PER_IP_PER_HOUR", 10)
INTAKE_FORM_PER_CONTACT_PER_HOUR = env_int("INTAKE_FORM_PER_CONTACT_PER_HOUR", 5)
INTAKE_FORM_MIN_SECONDS = env_int("INTAKE_FORM_MIN_SECONDS", 3)  # faster is a robot
INTAKE_FORM_MAX_AGE_SECONDS = env_int("INTAKE_FORM_MAX_AGE_SECONDS", 12 * 3600)
INTAKE_MAX_PHOTOS = env_int("INTAKE_MAX_PHOTOS", 5)
INTAKE_MAX_LINKS = env_int("INTAKE_MAX_LINKS", 2)
INTAKE_API_RATE = env_str("INTAKE_API_RATE", "30/hour")  # per client IP, DRF throttle
INTAKE_WEBHOOK_MAX_AGE_SECONDS = env_int("INTAKE_WEBHOOK_MAX_AGE_SECONDS", 300)
# A provider without its secret is switched off (its hook answers 404).
WECHAT_TOKEN = env_str("WECHAT_TOKEN", "")
SMS_WEBHOOK_SECRET = env_str("SMS_WEBHOOK_SECRET", "")
CHAT_WEBHOOK_SECRET = env_str("CHAT_WEBHOOK_SECRET", "")

# --- Quality monitoring -----------------------------------------------------------------
# Our own technicians' time in the cost of a request (CNY per hour; partners' time is
# what settlement pays them). 0 leaves own labour and travel out of the cost.
ANALYTICS_LABOUR_COST_PER_HOUR = env_str("ANALYTICS_LABOUR_COST_PER_HOUR", "0")
ANALYTICS_TRAVEL_COST_PER_HOUR = env_str("ANALYTICS_TRAVEL_COST_PER_HOUR", "0")
# The quality pages' figures are kept this many seconds per filter and reader (0: always
# computed); the job warm-quality-figures keeps the dashboard's first view computed.
ANALYTICS_FIGURES_SECONDS = env_int("ANALYTICS_FIGURES_SECONDS", 300)
# A model or batch is flagged for early failures when at least MIN of its units failed
# within DAYS of installation (or purchase) and they are at least SHARE of its units.
FAULTS_EARLY_FAILURE_DAYS = env_int("FAULTS_EARLY_FAILURE_DAYS", 90)
FAULTS_EARLY_FAILURE_SHARE = env_str("FAULTS_EARLY_FAILURE_SHARE", "0.02")
FAULTS_EARLY_FAILURE_MIN = env_int("FAULTS_EARLY_FAILURE_MIN", 3)

# --- Remote monitoring (IoT) -------------------------------------------------------------
# The MQTT broker units publish to (mqtt://user:password@host:port); the subscriber
# (`manage.py iot_subscribe`, run beside the workers) reads `IOT_TOPIC_PREFIX/<serial>`.
MQTT_URL = env_str("MQTT_URL", "mqtt://127.0.0.1:1883")
IOT_TOPIC_PREFIX = env_str("IOT_TOPIC_PREFIX", "units")
# Fixed, so that the broker keeps the subscriber's session (and its queued messages)
# while it is away; one subscriber per id.
IOT_CLIENT_ID = env_str("IOT_CLIENT_ID", "aftersales-iot")
# The metric a unit reports its hours of use in (preventive maintenance by hours of use).
IOT_HOURS_METRIC = env_str("IOT_HOURS_METRIC", "run_hours")
# Readings older than this are deleted every night (job prune-readings); the units' latest
# state, alarms and the requests they opened stay.
IOT_KEEP_READINGS_DAYS = env_int("IOT_KEEP_READINGS_DAYS", 400)
