from django.db import migrations


def seed(apps, schema_editor):
    from logistics.seed import seed_providers

    seed_providers(apps)


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
