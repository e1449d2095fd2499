import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace import services
from marketplace.errors import DomainError

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "exchange_rates.csv"


class Command(BaseCommand):
    help = "Load CNY exchange rates from a CSV file with columns currency,rate[,source]."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    rate = services.exchange_rate_set(
                        currency=row["currency"].strip().upper(),
                        rate=row["rate"],
                        source=(row.get("source") or path.name).strip(),
                    )
                except (DomainError, KeyError) as exc:
                    raise CommandError(f"{path.name} line {line}: {exc}") from exc
                self.stdout.write(f"{rate}")
