"""Where qualification documents live: outside the public media folder, served only through a view
that checks who asks (`views.document_download`)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under `PRIVATE_MEDIA_ROOT`, read at use time so tests and deployments can move it. The
    storage has no URL: a document is never reachable by a guessable address."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; use the document download view.")

    def deconstruct(self):
        return ("merchants.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()
