"""The embedded demo's scheduled jobs, for real: a Celery worker with its beat scheduler on kombu's
filesystem transport (no Redis), against an SQLite file, as `manage.py rundemo` runs it."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from marketplace.management.commands.rundemo import WORKER_COMMAND

ROOT = Path(__file__).resolve().parents[2]

# The demo's worker always runs on its own SQLite file, whatever the suite's database: the run on
# PostgreSQL would repeat the same 30 seconds, so it runs once, in the SQLite run.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs on its own SQLite file: once, in the SQLite run"
)


def test_worker_with_beat_runs_the_listing_price_refresh_without_redis(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    database = tmp_path / "demo.sqlite3"
    env.update(
        MARKETPLACE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{database}",
        LISTING_PRICE_REFRESH_SECONDS="1",
    )

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    manage("migrate", "--noinput")
    manage("seed_demo", "--products", "20", "--no-images")
    with sqlite3.connect(database) as db:
        product_id, price = db.execute(
            "SELECT id, price_cny FROM marketplace_product ORDER BY id LIMIT 1"
        ).fetchone()
        db.execute("UPDATE marketplace_product SET price_cny = 0.01 WHERE id = ?", (product_id,))

    worker = subprocess.Popen(
        WORKER_COMMAND, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        repaired = None
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=20) as db:
                repaired = db.execute(
                    "SELECT price_cny FROM marketplace_product WHERE id = ?", (product_id,)
                ).fetchone()[0]
            if repaired != 0.01:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert repaired == price, output[-3000:]
    assert "catalog_refresh_listing_prices" in output and "succeeded" in output
