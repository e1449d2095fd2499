"""The project as an operator meets it: settings modes, management commands, Celery wiring."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from marketplace.celery import app as celery_app
from marketplace.models import ExchangeRate, ExchangeRateChange

ROOT = Path(__file__).resolve().parents[2]


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a subprocess must not inherit it.
SCRUBBED = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="marketplace.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="shop.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="marketplace.settings_production", ALLOWED_HOSTS="x.example"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_openapi_schema_validates_without_warnings():
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_exchange_rates_load_from_the_file_and_record_each_change(tmp_path):
    call_command("load_exchange_rates")
    assert ExchangeRate.objects.get(currency="JPY").rate > 0
    assert ExchangeRateChange.objects.count() == ExchangeRate.objects.count() >= 8
    custom = tmp_path / "rates.csv"
    custom.write_text("currency,rate\nusd,7.01\n")
    call_command("load_exchange_rates", str(custom))
    assert str(ExchangeRate.objects.get(currency="USD").rate) == "7.01000000"
    custom.write_text("currency,rate\nUSD,-3\n")
    with pytest.raises(Exception, match="line 2"):
        call_command("load_exchange_rates", str(custom))


def test_translations_compile_from_the_po_files():
    call_command("compiletranslations", verbosity=0)
    mo = ROOT / "marketplace" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists() and mo.stat().st_size > 1000


def test_celery_runs_scheduled_jobs_without_redis_on_the_filesystem_transport():
    if settings.REDIS_URL:
        assert celery_app.conf.broker_url.startswith("redis")
    else:
        assert celery_app.conf.broker_url == "filesystem://"
        options = celery_app.conf.broker_transport_options
        assert Path(options["data_folder_in"]).is_dir()
    schedule = celery_app.conf.beat_schedule
    assert (
        schedule["catalog-refresh-listing-prices"]["task"]
        == "marketplace.tasks.catalog_refresh_listing_prices"
    )
    celery_app.loader.import_default_modules()
    assert "marketplace.tasks.catalog_refresh_listing_prices" in celery_app.tasks


def test_every_interface_string_has_a_chinese_translation():
    import polib

    catalog = polib.pofile(str(ROOT / "marketplace" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalog.untranslated_entries() + catalog.fuzzy_entries()]
    assert not missing, f"translate these in django.po: {missing}"
    # Branches merged side by side can append the same message twice; gettext tools then refuse the file.
    keys = [(entry.msgctxt, entry.msgid) for entry in catalog]
    duplicates = sorted({key[1] for key in keys if keys.count(key) > 1})
    assert not duplicates, f"defined twice in django.po: {duplicates}"
