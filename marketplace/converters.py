"""Path converters that match only values the database can look up, so a bad id is a 404 and never
reaches a query (`/review/merchants/abc/`, or an id past the 64-bit primary key range on PostgreSQL)."""

from django.urls import register_converter

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): 1 .. 2**63 - 1.
MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:pk>`: a positive database id, at most 19 digits and within the 64-bit range."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError("not a database id")  # Django then tries the next pattern, then 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register():
    register_converter(IdConverter, "id")
