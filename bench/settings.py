"""The production settings, with the benchmark's URLconf (it adds the bare and one-query views, which
must never be reachable in production)."""

from marketplace.settings_production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
