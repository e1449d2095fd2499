from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import DomainError


def domain_exception_handler(exc, context):
    """DRF's handler, plus domain errors as `{"code": ..., "detail": ...}` with their status. DRF's own
    single-message errors (401 not logged in, 403, 404, 405, 429) get their code beside the message too,
    so every refusal a client reads has the same shape."""
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": str(exc)}, status=exc.status)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        code = getattr(response.data["detail"], "code", None)
        if code:
            response.data = {"code": code, "detail": response.data["detail"]}
    return response
