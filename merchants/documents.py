"""Qualification documents are checked by what they contain, not by their name or the browser's
claim: a PDF must start like one, an image must open as a JPEG or PNG."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import InvalidDocument

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
ACCEPTED = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}


def document_sniff(uploaded) -> str:
    """The file's real content type, or `InvalidDocument` with a reason a person understands."""
    size = uploaded.size
    limit = settings.QUALIFICATION_DOCUMENT_MAX_BYTES
    if size == 0:
        raise InvalidDocument(_("the file is empty"))
    if size > limit:
        raise InvalidDocument(
            _("it is %(size)s, and documents may be at most %(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(0)
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            with Image.open(uploaded) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise InvalidDocument(_("the image is damaged or incomplete")) from exc
        finally:
            uploaded.seek(0)
        if kind == "JPEG":
            return JPEG
        if kind == "PNG":
            return PNG
    raise InvalidDocument(_("only PDF, JPEG and PNG files are accepted"))
