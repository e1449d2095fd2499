import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; pages in both languages are checked in tests/browser."""
    with translation.override("en"):
        yield
