"""Settings for every environment, read from environment variables with safe defaults.

With nothing set, the whole product runs on one machine: SQLite, the in-process cache, Celery on
kombu's filesystem transport, and the console email backend. `DATABASE_URL`, `REDIS_URL` (and later
the Stripe keys) switch to the real services. `marketplace.settings_production` adds the hardening
that `manage.py check --deploy` asks for.
"""

import contextlib
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; absent on a fresh clone
VAR_DIR = Path(env.str("MARKETPLACE_VAR_DIR", default=str(BASE_DIR / "var")))  # SQLite, media, queue, cache

# Off unless a developer turns it on (DEBUG=1): with it off, the demo shows the shop's own 404, 403, 400
# and 500 pages instead of Django's debug page listing every route and setting.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djmoney",
    "django_countries",
    "marketplace",
    "merchants",
    "orders",
    "payments",
    "logistics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A Content-Security-Policy header on every response (marketplace/csp.py, docs/rules.md "Stripe").
    "marketplace.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the request: refuses characters the database cannot store (docs/rules.md).
    "marketplace.middleware.UnstorableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marketplace.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page or API answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "django.template.context_processors.i18n",
                "marketplace.context_processors.storefront",
                "orders.context_processors.cart",
                "marketplace.notifications.context_processors.notifications",
                "marketplace.page_cache.csrf_placeholder",  # after Django's csrf processor
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'marketplace.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, Celery worker) share the demo database: wait for locks, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare a statement it has run five times on a connection, so
    # PostgreSQL plans each query shape once per connection instead of once per request: planning the
    # catalogue's joins cost more than running them (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DB_SERVER_SIDE_BINDING", default=True
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every process on the machine (web workers, Celery), so an invalidation reaches all.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Rendered parts of the page frame (category menu, footer), per process: keyed by language and the
# catalogue version, so they need no invalidation, and a shared-cache round trip would cost more than
# rendering them.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
# Sessions are read from the cache, written through to the database (none is lost when it restarts).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Cache keys are scoped to the database, so switching DATABASE_URL, or flushing and reseeding, never
# serves another catalogue's cached entries.
CACHES["default"]["KEY_PREFIX"] = CACHES["fragments"]["KEY_PREFIX"] = hashlib.sha256(
    f"{DATABASES['default'].get('HOST', '')}/{DATABASES['default']['NAME']}".encode()
).hexdigest()[:12]

AUTH_USER_MODEL = "marketplace.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "marketplace.validators.MinimumLengthValidatorTranslated"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Shoppers read Simplified Chinese; English is the second language. Source strings are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "marketplace" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files whether DEBUG is on or off. Outside production it also finds them in
# the source folders (no collectstatic needed after editing a stylesheet); production serves only the
# collected, hashed copies (settings_production).
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Product images are public catalogue content; the demo and single-machine installs serve them from
# Django (see urls.py). A larger deployment puts them behind the web server or object storage.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Merchants' qualification documents: never under MEDIA_ROOT, served only by a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# Merchant discipline (docs/rules.md): points per calendar year at which a merchant is warned,
# suspended, and proposed for the blacklist (48 in a year ends the store).
MERCHANT_NOTIFICATIONS = True  # email merchants about decisions (off while seeding demo data)
MERCHANT_PENALTY_THRESHOLDS = {"warn": 12, "suspend": 24, "blacklist": 48}
AUTHORIZATION_EXPIRY_WARNING_DAYS = env.int("AUTHORIZATION_EXPIRY_WARNING_DAYS", default=30)
QUALIFICATION_DOCUMENT_MAX_BYTES = env.int("QUALIFICATION_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Global Mall <no-reply@globalmall.example>")

# Money: merchants price in their settlement currency, shoppers see and pay CNY.
CURRENCIES = ("CNY", "USD", "EUR", "JPY", "KRW", "AUD", "GBP", "HKD", "NZD", "CAD", "CHF", "SGD")
DEFAULT_CURRENCY = "CNY"
SETTLEMENT_CURRENCIES = [c for c in CURRENCIES if c != "CNY"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",  # documents the error answers
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "marketplace.parsers.JSONParser",  # DRF's, with a nesting limit
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "marketplace.pagination.StandardPagination",
    # The token scheme first: an anonymous call to a route that needs a user answers 401 with
    # `WWW-Authenticate: Token` (DRF asks the first class for the header). See API_BASIC_AUTH below.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "marketplace.exception_handlers.domain_exception_handler",
}
# A JSON body nested deeper than this is refused (400) before it is parsed; Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and DATA_UPLOAD_MAX_NUMBER_FIELDS limits stay as they are.
API_JSON_MAX_DEPTH = 32

# HTTP Basic checks the password on every request (about half a second of CPU each): a
# denial-of-service lever, and a password sent with every call. Only for local development, and only
# when asked for explicitly; production settings refuse it.
API_BASIC_AUTH = env.bool("API_BASIC_AUTH", default=False)
if API_BASIC_AUTH:
    REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"].append(
        "marketplace.accounts.authentication.DevelopmentBasicAuthentication"
    )

# API tokens (django-rest-knox, docs/rules.md "Accounts and API access"): only a SHA-512 digest is
# stored; a token expires API_TOKEN_TTL_DAYS after it is issued, and an account holds at most
# API_TOKEN_LIMIT live tokens (one per app or system it connects).
KNOX_TOKEN_MODEL = "marketplace.ApiToken"
# knox's own migrations create its default token table even when KNOX_TOKEN_MODEL replaces it; that
# orphan table (referencing users) would also stop PostgreSQL from flushing users in tests. knox then
# has no migrations of its own: its only concrete model is swapped out, so it needs no table.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
API_TOKEN_LIMIT = env.int("API_TOKEN_LIMIT", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,  # a token lives its fixed term; the client logs in again
}

# Log-in throttling (django-axes) on the site's login form, the staff console and the API's login:
# LOGIN_FAILURE_LIMIT failed attempts for one account (from anywhere) or from one address (for any
# account) lock that account or address out for LOGIN_LOCKOUT_MINUTES; failures during a lock-out
# extend it. Staff lift a lock-out early from the staff console (docs/rules.md).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
# A success does not clear the count: otherwise an attacker could reset an address's count by
# logging into an account of their own between guesses. Counts expire with the lock-out time.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "marketplace.accounts.lockout.lockout_response"
# The client's address is REMOTE_ADDR unless a proxy we run sets X-Forwarded-For: then say how many.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

SPECTACULAR_SETTINGS = {
    "TITLE": "Global Mall API",
    "DESCRIPTION": "Cross-border marketplace: catalog, merchants, orders, payments and logistics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `<id:...>` path parameters (marketplace/converters.py): what the route matches, nothing more.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1},
    },
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "djmoney.settings.CURRENCY_CHOICES",
        "OrderStatusEnum": "orders.models.Order.Status",
        "PaymentStatusEnum": "payments.models.Payment.Status",
        "PaymentAttemptStatusEnum": "payments.models.PaymentAttempt.Status",
        "ShipmentStatusEnum": "logistics.models.Shipment.Status",
        "ShipmentKindEnum": "logistics.models.Shipment.Kind",
        "ShipmentEventKindEnum": "logistics.models.ShipmentEvent.Kind",
        "CarrierEventKindEnum": "logistics.tracking.serializers.CARRIER_KINDS",
        "CallbackResultEnum": "logistics.tracking.serializers.CALLBACK_RESULTS",
        "CaseKindEnum": "orders.cases.models.AfterSalesCase.Kind",
        "CaseReasonEnum": "orders.cases.models.AfterSalesCase.Reason",
        "CaseStatusEnum": "orders.cases.models.AfterSalesCase.Status",
        "CaseOutcomeEnum": "orders.cases.models.AfterSalesCase.Outcome",
        "CasePartyEnum": "orders.cases.models.AfterSalesCase.Party",
        "CaseEventKindEnum": "orders.cases.models.CaseEvent.Kind",
        "CaseEvidencePartyEnum": "orders.cases.models.CaseEvidence.Party",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, so the demo runs
# scheduled jobs with no broker installed (`manage.py rundemo` starts a worker with embedded beat).
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
    }
    for _folder in ("queue", "control"):
        with contextlib.suppress(OSError):  # must exist before the first .delay(); read-only: no tasks
            (CELERY_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "merchants-expire-brand-authorizations": {
        "task": "merchants.tasks.brand_authorizations_expire_daily",
        "schedule": crontab(hour=0, minute=10),  # just after midnight, Asia/Shanghai
    },
    "catalog-refresh-listing-prices": {
        "task": "marketplace.tasks.catalog_refresh_listing_prices",
        "schedule": env.int("LISTING_PRICE_REFRESH_SECONDS", default=3600),
    },
    "orders-cancel-unpaid": {
        "task": "orders.tasks.orders_cancel_expired",
        "schedule": env.int("ORDER_EXPIRY_CHECK_SECONDS", default=60),
    },
    "logistics-deadlines-check": {
        "task": "logistics.tasks.logistics_deadlines_check",
        "schedule": env.int("LOGISTICS_DEADLINE_CHECK_SECONDS", default=600),
    },
}

# Tracking (docs/rules.md, "Tracking"). Carrier callbacks and public tracking lookups are throttled per
# client address (DRF rate syntax). The carrier simulator posts demo parcels' scripted events through
# the signed callback endpoint: in-process, or over HTTP to CARRIER_SIMULATOR_URL (the site's root URL)
# when set. It fakes carriers, so it is off unless asked for: `manage.py rundemo` (`make demo`) turns it on
# for its worker; the scheduled task does nothing while it is off.
CARRIER_CALLBACK_RATE = env.str("CARRIER_CALLBACK_RATE", default="600/min")
TRACKING_LOOKUP_RATE = env.str("TRACKING_LOOKUP_RATE", default="60/min")
CARRIER_SIMULATOR_ENABLED = env.bool("CARRIER_SIMULATOR_ENABLED", default=False)
CARRIER_SIMULATOR_URL = env.str("CARRIER_SIMULATOR_URL", default="")
CELERY_BEAT_SCHEDULE["payments-escrow-release-due"] = {
    "task": "payments.tasks.escrow_release_due",
    "schedule": crontab(minute=20),  # hourly: an order is released within the hour its period ends
}
CELERY_BEAT_SCHEDULE["payments-payouts-weekly"] = {
    "task": "payments.tasks.payouts_run_scheduled",
    "schedule": crontab(hour=3, minute=0, day_of_week=env.str("PAYOUT_WEEKDAY", default="mon")),
}
CELERY_BEAT_SCHEDULE["payments-payout-transfers-resume"] = {
    "task": "payments.tasks.payout_transfers_resume",
    "schedule": crontab(minute=40),  # hourly
}
CELERY_BEAT_SCHEDULE["payments-compensations-daily"] = {
    "task": "payments.tasks.compensations_pay_due",
    "schedule": crontab(hour=2, minute=15),  # China time
}
CELERY_BEAT_SCHEDULE["payments-reconciliation-daily"] = {
    "task": "payments.tasks.reconciliation_daily",
    "schedule": crontab(hour=1, minute=30),  # the previous Beijing day, once the gateway's books close
}
CELERY_BEAT_SCHEDULE["logistics-simulate-carriers"] = {
    "task": "logistics.tasks.carriers_simulate",
    "schedule": env.int("CARRIER_SIMULATOR_SECONDS", default=60),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Orders and payments: unpaid orders are cancelled after this many minutes; the payment gateway
# (the offline sandbox by default; Stripe arrives with the payments issue).
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
# Logistics deadlines (logistics/services/deadlines.py, docs/rules.md "Logistics deadlines"): the
# share of the goods value owed to the buyer for a late shipment; working days a parcel has to be
# delivered in; the holiday table working days skip (a module with HOLIDAYS and MAKEUP_WORKDAYS);
# the staff account the deadline job records violations as (created on first use, cannot sign in).
LOGISTICS_LATE_SHIPMENT_COMPENSATION = env.str("LOGISTICS_LATE_SHIPMENT_COMPENSATION", default="0.10")
LOGISTICS_DELIVERY_WORKING_DAYS = env.int("LOGISTICS_DELIVERY_WORKING_DAYS", default=14)
LOGISTICS_HOLIDAY_TABLE = env.str("LOGISTICS_HOLIDAY_TABLE", default="logistics.holidays")
LOGISTICS_SYSTEM_USERNAME = "platform-deadlines"
# Stripe (payments/stripe_gateway.py, docs/rules.md "Stripe"): with the secret key set, real cards go
# through Stripe and the gateway defaults to it; without the keys the offline sandbox runs as before.
# STRIPE_API_BASE points the library at another server (localstripe in the tests); STRIPE_JS_URL is the
# one script the payment page loads from outside (the CSP names its host on that page only).
# STRIPE_SEND_TRANSFER_GROUP: always on for Stripe; localstripe refuses the parameter, so its tests
# turn it off. STRIPE_HTTP_CLIENT: an import path of a `stripe.HTTPClient` class (tests inject one).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
STRIPE_SEND_TRANSFER_GROUP = env.bool("STRIPE_SEND_TRANSFER_GROUP", default=True)
STRIPE_HTTP_CLIENT = env.str("STRIPE_HTTP_CLIENT", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
PAYMENT_GATEWAY_CLASS = env.str(
    "PAYMENT_GATEWAY_CLASS",
    default=(
        "payments.stripe_gateway.StripeGateway" if STRIPE_SECRET_KEY else "payments.gateways.SandboxGateway"
    ),
)
# Content-Security-Policy on every page (marketplace/csp.py, docs/rules.md "Stripe"): scripts only
# from our own static files; the Stripe payment page adds Stripe.js's host. Paths listed here (the API
# documentation pages, whose packaged templates carry inline scripts) may run inline scripts.
CSP_INLINE_SCRIPT_PATHS = ("/api/v1/docs/", "/api/v1/redoc/")

# Money out (payments/services, docs/rules.md "The escrow ledger"): days after delivery before the escrow is
# released without the shopper's confirmation; the commission rate of a category without its own.
ESCROW_AUTO_RELEASE_DAYS = env.int("ESCROW_AUTO_RELEASE_DAYS", default=14)
COMMISSION_RATE_DEFAULT = env.str("COMMISSION_RATE_DEFAULT", default="0.05")
# Payouts (docs/rules.md, "Payouts, refunds after release and compensation"): the smallest payout,
# in CNY (converted to the merchant's currency at the day's rate); the weekly run's day (crontab
# day_of_week: "mon", "tue", ... or 0-6 with 0 = Sunday).
PAYOUT_MINIMUM_CNY = env.str("PAYOUT_MINIMUM_CNY", default="100")
PAYOUT_WEEKDAY = env.str("PAYOUT_WEEKDAY", default="mon")
# Security deposits (payments/services/deposits.py, docs/rules.md "Security deposit and the merchant's
# finance pages"): the amount in CNY (the higher one for a store selling in a category marked
# `special_deposit`); days after the shortfall reminder before the store is suspended; the staff
# account the daily check suspends as (created on first use, cannot sign in).
SECURITY_DEPOSIT_CNY = env.str("SECURITY_DEPOSIT_CNY", default="150000")
SECURITY_DEPOSIT_SPECIAL_CNY = env.str("SECURITY_DEPOSIT_SPECIAL_CNY", default="300000")
SECURITY_DEPOSIT_GRACE_DAYS = env.int("SECURITY_DEPOSIT_GRACE_DAYS", default=15)
DEPOSIT_SYSTEM_USERNAME = "platform-deposits"
CELERY_BEAT_SCHEDULE["payments-deposits-check"] = {
    "task": "payments.tasks.deposits_check",
    "schedule": crontab(hour=1, minute=30),  # daily, Asia/Shanghai
}

# Storefront
CATALOG_PAGE_SIZES = (24, 48, 60)
CATALOG_DEFAULT_PAGE_SIZE = 24
# Whole storefront pages for anonymous shoppers, on PostgreSQL (marketplace/page_cache.py). Entries are
# keyed by the catalogue's change counter, so the expiry only frees memory; 0 turns the cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

# After-sales (orders/cases, docs/rules.md "After-sales cases"): the store answers a request within
# AFTERSALES_MERCHANT_RESPONSE_HOURS or it is accepted; the buyer answers an offer or a refusal, and
# sends a return, within AFTERSALES_BUYER_RESPONSE_DAYS or the case closes; the store checks returned
# goods within AFTERSALES_RETURN_CHECK_DAYS of their delivery or they are accepted; a completed order
# takes requests for AFTERSALES_WINDOW_DAYS; goods returned within AFTERSALES_CUSTOMS_RETURN_DAYS of
# customs clearance get their tax back and the buyer's quota restored; an arbitrator's request for
# more gives ARBITRATION_INFO_DAYS by default.
CELERY_BEAT_SCHEDULE["orders-cases-deadlines"] = {
    "task": "orders.tasks.cases_deadlines_check",
    "schedule": 600,  # every 10 minutes: answers, returns and checks due, refunds to retry
}
AFTERSALES_MERCHANT_RESPONSE_HOURS = env.int("AFTERSALES_MERCHANT_RESPONSE_HOURS", default=48)
AFTERSALES_BUYER_RESPONSE_DAYS = env.int("AFTERSALES_BUYER_RESPONSE_DAYS", default=7)
AFTERSALES_RETURN_CHECK_DAYS = env.int("AFTERSALES_RETURN_CHECK_DAYS", default=7)
AFTERSALES_WINDOW_DAYS = env.int("AFTERSALES_WINDOW_DAYS", default=15)
AFTERSALES_CUSTOMS_RETURN_DAYS = 30
ARBITRATION_INFO_DAYS = env.int("ARBITRATION_INFO_DAYS", default=3)
# Reviews (orders/reviews): a completed order's lines may be reviewed for REVIEW_WINDOW_DAYS; a review
# may be edited once within REVIEW_EDIT_DAYS of being written.
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=90)
REVIEW_EDIT_DAYS = 30
# Uploaded images (marketplace/uploads.py): message images, case evidence, review photos.
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
# Notification emails (marketplace/notifications): links in them start with SITE_URL.
NOTIFICATION_EMAILS = env.bool("NOTIFICATION_EMAILS", default=True)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
