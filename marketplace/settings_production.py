"""Production mode: `DJANGO_SETTINGS_MODULE=marketplace.settings_production`.

Refuses to start without a real SECRET_KEY and ALLOWED_HOSTS, and turns on every protection that
`manage.py check --deploy` asks for. Everything else comes from `marketplace.settings`.
"""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Production needs SECRET_KEY: at least 50 random characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
# Stripe: all three keys or none (without the webhook secret no payment would ever be marked paid).
_STRIPE_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
_stripe_set = [bool(env.str(name, default="")) for name in _STRIPE_KEYS]
if any(_stripe_set) and not all(_stripe_set):
    raise ImproperlyConfigured(f"Stripe needs all of {', '.join(_STRIPE_KEYS)}, or none.")
if env.bool("API_BASIC_AUTH", default=False):
    raise ImproperlyConfigured("API_BASIC_AUTH is for local development only: API clients use tokens.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Only behind a proxy that sets X-Forwarded-Proto itself; otherwise a client could claim HTTPS.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Product images: the web server or object storage serves them in production, unless told otherwise.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)  # noqa: F405
WHITENOISE_USE_FINDERS = False  # only the collected, hashed files (`manage.py collectstatic`)
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405
TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]
