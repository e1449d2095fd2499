"""Content in two languages: the merchant writes `<field>_zh` and `<field>_en`; pages show the one for
the active language and fall back to the other when it is empty."""

from django.utils.translation import get_language


def content_language() -> str:
    """'zh' or 'en': the suffix of the content fields for the active interface language."""
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh"


def localized_value(obj, field: str) -> str:
    first = content_language()
    second = "zh" if first == "en" else "en"
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}") or ""


class LocalizedFieldsMixin:
    """`obj.name` reads `name_zh` or `name_en` for the active language, with fallback."""

    localized_fields: tuple[str, ...] = ()

    def __getattr__(self, item):
        # Only called when normal lookup fails, so real fields and properties win.
        if item in type(self).localized_fields:
            return localized_value(self, item)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {item!r}")
