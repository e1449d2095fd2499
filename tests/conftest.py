import pytest
from django.core.cache import cache, caches

from marketplace import selectors, services

DEMO_RATES = {"USD": "7.12", "EUR": "7.75", "JPY": "0.0472", "KRW": "0.00515", "AUD": "4.65", "GBP": "9.05"}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets its own media folder, eager Celery, fast hashing and an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # One cache per test: parallel test workers must not see each other's entries.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)},
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{tmp_path}-f",
        },
    }
    cache.clear()
    caches["fragments"].clear()
    selectors.local_tokens_forget()
    yield
    cache.clear()


@pytest.fixture
def rates(db):
    """The settlement currencies' CNY rates used across the tests."""
    for currency, rate in DEMO_RATES.items():
        services.exchange_rate_set(currency=currency, rate=rate, source="tests")
    return DEMO_RATES
