import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# A Celery worker with its embedded beat scheduler: the demo's scheduled-job runner.
WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "marketplace",
    "worker", "-B", "--loglevel", "INFO", "--concurrency", "1",
]  # fmt: skip


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and its embedded scheduler (beat) beside it."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        for folder in ("queue", "control"):
            (settings.CELERY_DIR / folder).mkdir(parents=True, exist_ok=True)
        # The demo's carriers: the worker runs the carrier simulator (off everywhere else).
        worker = subprocess.Popen(WORKER_COMMAND, env={**os.environ, "CARRIER_SIMULATOR_ENABLED": "1"})
        self.stdout.write(f"Celery worker with scheduler started (pid {worker.pid}).")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=15)
