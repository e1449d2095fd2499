from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import DomainError


def domain_exception_handler(exc, context):
    """DRF's handler, plus domain errors as `{"code": ..., "detail": ...}` with their status.

    DRF's own refusals (not authenticated, not found, throttled, unreadable body...) get the same
    shape, with DRF's code; invalid fields keep DRF's `{field: [messages]}`."""
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": str(exc)}, status=exc.status)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        detail = response.data["detail"]
        response.data = {"code": getattr(detail, "code", None) or "error", "detail": str(detail)}
    return response
