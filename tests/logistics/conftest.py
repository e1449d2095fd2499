import pytest


@pytest.fixture(autouse=True)
def _carriers(request):
    """The six carriers of the data migration, back if a transactional test in this worker flushed
    them (idempotent: only missing carriers are created). Tests without the database skip it."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    from django.apps import apps

    from logistics.seed import seed_providers

    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    seed_providers(apps)
