import base64
import binascii
import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, MalformedRequest, UnstorableCharacter

# What PostgreSQL cannot keep in a text column: NUL, and (in a JSON string's escapes) a lone surrogate.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A JSON escape; scanned left to right, so an escaped backslash (`\\u0000`) is not mistaken for one.
JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
JSON_SUSPECT = re.compile(r"\\u(?:0000|d[89a-f])", re.IGNORECASE)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api_request(request) -> bool:
    return request.path_info.startswith("/api/")


def error_response(request, error: DomainError):
    """A refused request as the API's `{code, detail}` under /api/, the shop's error page elsewhere.

    Used by middleware that runs before sessions, authentication and the language are set up."""
    with translation.override(translation.get_language_from_request(request)):
        if is_api_request(request):
            return JsonResponse({"code": error.code, "detail": str(error)}, status=error.status)
        if not hasattr(request, "user"):
            from django.contrib.sessions.backends.base import SessionBase

            request.user = AnonymousUser()
            request.session = SessionBase()  # empty, never saved: the page needs no visitor's data
        return render(request, "error.html", {"message": str(error)}, status=error.status)


def json_text_unstorable(text: str) -> bool:
    """Whether a JSON text holds a NUL or a lone surrogate, raw or as a `\\u` escape, anywhere."""
    if UNSTORABLE.search(text):
        return True
    if not JSON_SUSPECT.search(text):
        return False
    high_surrogate_end = None  # where the escape after a high surrogate must start
    for escape in JSON_ESCAPE.finditer(text):
        code = int(escape.group(1), 16) if escape.group(1) else None
        if high_surrogate_end is not None:
            if escape.start() != high_surrogate_end or code is None or not 0xDC00 <= code <= 0xDFFF:
                return True
            high_surrogate_end = None
        elif code == 0 or (code is not None and 0xDC00 <= code <= 0xDFFF):
            return True
        elif code is not None and 0xD800 <= code <= 0xDBFF:
            high_surrogate_end = escape.end()
    return high_surrogate_end is not None


def _has_unstorable(values) -> bool:
    return any(UNSTORABLE.search(value) for value in values if isinstance(value, str))


def _querydict_unstorable(data) -> bool:
    return _has_unstorable(data.keys()) or any(_has_unstorable(data.getlist(key)) for key in data)


def _basic_credentials(header: str) -> bytes:
    scheme, _sep, credentials = header.partition(" ")
    if scheme.lower() != "basic":
        return b""
    try:
        return base64.b64decode(credentials.strip())
    except (binascii.Error, ValueError):
        return b""  # DRF answers 401 for credentials it cannot decode


class UnstorableInputMiddleware:
    """The one guard for characters the database cannot store (NUL, lone surrogates).

    It looks at everything a view or an authentication backend may use in a query: the path, the query
    string, cookies, headers (and the decoded `Authorization: Basic` credentials), form fields and file
    names, and JSON bodies at any depth. Such a request is answered 400 before anything reads or writes
    the database; the API's JSON parser adds the depth limit (`marketplace.parsers`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            where = self.unstorable_part(request)
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Too big, too many fields or a broken multipart body: Django's own limits, said clearly.
            return error_response(request, MalformedRequest(str(exc) or exc.__class__.__name__))
        if where:
            return error_response(request, UnstorableCharacter(where))
        return self.get_response(request)

    def unstorable_part(self, request):
        """Where the request holds an unstorable character (words for the message), or None."""
        if UNSTORABLE.search(request.path_info) or UNSTORABLE.search(request.path):
            return _("in the address")
        if _querydict_unstorable(request.GET):
            return _("in the query string")
        if _has_unstorable(request.COOKIES.keys()) or _has_unstorable(request.COOKIES.values()):
            return _("in a cookie")
        for key, value in request.META.items():
            if (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")) and "\x00" in value:
                return _("in a header")
        if b"\x00" in _basic_credentials(request.META.get("HTTP_AUTHORIZATION", "")):
            return _("in the Authorization header")
        return self.body_unstorable_part(request)

    def body_unstorable_part(self, request):
        content_type = request.content_type or ""
        if content_type in FORM_TYPES:
            if request.method != "POST":
                # Django parses forms for POST only; the API also takes PUT and PATCH forms. Parse them
                # the same way here, where Django would for a POST, so DRF reuses the checked data.
                if content_type == "multipart/form-data":
                    request._post, request._files = request.parse_file_upload(request.META, request)
                else:
                    request._post, request._files = (
                        QueryDict(request.body, encoding=request.encoding),
                        MultiValueDict(),
                    )
            files = request.FILES
            if _querydict_unstorable(request.POST) or _has_unstorable(files.keys()):
                return _("in a form field")
            if any(_has_unstorable(f.name for f in files.getlist(key)) for key in files):
                return _("in a file name")
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                text = request.body.decode(request.encoding or "utf-8")
            except UnicodeDecodeError:
                return None  # not JSON text at all: the parser answers 400
            if json_text_unstorable(text):
                return _("in the JSON body")
        return None


class DomainErrorMiddleware:
    """A domain error that reaches a page becomes a page that says what went wrong, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render(request, "error.html", {"message": str(exception)}, status=exception.status)
        return None
