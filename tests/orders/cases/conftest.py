import pytest


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """The carriers and violation kinds of the data migrations, back if a transactional test in this
    worker flushed them (idempotent). Tests without the database skip it."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    import importlib

    from django.apps import apps

    from logistics.seed import seed_providers

    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    seed_providers(apps)
    importlib.import_module("merchants.migrations.0003_violation_kinds").add_kinds(apps, None)
