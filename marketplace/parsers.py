"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest."""

import io
import re

from django.conf import settings
from rest_framework import parsers

from .errors import RequestTooDeep

# A JSON string (or an unterminated one, to the end: the text is invalid anyway), or a bracket. Strings
# are matched whole, so brackets inside them do not count; one pass, linear in the body's length.
TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\Z)|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    for token in TOKEN.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in ("]", "}"):
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """Refuses a body nested deeper than `API_JSON_MAX_DEPTH` (400, `request_too_deep`) before parsing:
    Python's parser would otherwise recurse until RecursionError. Django's body-size limit
    (DATA_UPLOAD_MAX_MEMORY_SIZE) still applies when the body is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read() if stream is not None else b""
        limit = settings.API_JSON_MAX_DEPTH
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            text = None  # the parent answers with its parse error
        if text is not None and json_depth_exceeds(text, limit):
            raise RequestTooDeep(limit)
        return super().parse(io.BytesIO(body), media_type, parser_context)
