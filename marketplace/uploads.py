"""Images people attach (message images, after-sales evidence, review photos) are checked by what the
file contains, not by its name or the browser's claim: it must open as a JPEG, PNG or WebP image of
at most `IMAGE_UPLOAD_MAX_BYTES` and `IMAGE_UPLOAD_MAX_PIXELS`."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from .errors import DomainError

CONTENT_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}


class InvalidImage(DomainError):
    code = "invalid_image"
    message = gettext_lazy("This file cannot be attached: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


def image_check(uploaded) -> tuple[str, str]:
    """(content type, file extension) of an uploaded image, or `InvalidImage` with a reason a person
    understands. Leaves the file positioned at its start."""
    size = getattr(uploaded, "size", None) or 0
    limit = getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    if size == 0:
        raise InvalidImage(_("the file is empty"))
    if size > limit:
        raise InvalidImage(
            _("it is %(size)s, and images may be at most %(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError as exc:
        raise InvalidImage(_("the image is too large")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidImage(_("only JPEG, PNG and WebP images are accepted")) from exc
    finally:
        uploaded.seek(0)
    if kind not in CONTENT_TYPES:
        raise InvalidImage(_("only JPEG, PNG and WebP images are accepted"))
    if width * height > getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", 40_000_000):
        raise InvalidImage(_("the image is too large"))
    return CONTENT_TYPES[kind]
