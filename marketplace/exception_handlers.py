from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import DomainError


def domain_exception_handler(exc, context):
    """DRF's handler, plus domain errors as `{"code": ..., "detail": ...}` with their status."""
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": str(exc)}, status=exc.status)
    return exception_handler(exc, context)
