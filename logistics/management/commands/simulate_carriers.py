from django.core.management.base import BaseCommand

from logistics import simulator


class Command(BaseCommand):
    help = (
        "Play the carriers once: post every due tracking scan of undelivered parcels to the signed "
        "callback endpoint (logistics/simulator.py). Safe to rerun: nothing is posted twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=None,
            help="Post over HTTP to this site root (default: CARRIER_SIMULATOR_URL, else in-process).",
        )

    def handle(self, *args, url, **options):
        if url is not None:
            from django.conf import settings

            settings.CARRIER_SIMULATOR_URL = url
        recorded = simulator.simulate()
        self.stdout.write(f"{recorded} tracking events recorded.")
