from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file under LOCALE_PATHS to .mo (pure Python: no GNU gettext needed)."

    def handle(self, *args, **options):
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                mo_path = po_path.with_suffix(".mo")
                catalog.save_as_mofile(str(mo_path))
                self.stdout.write(f"{mo_path} ({catalog.percent_translated()}% translated)")
