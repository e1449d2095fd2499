"""What a locked-out login answers (django-axes calls `lockout_response`, settings.AXES_LOCKOUT_CALLABLE):
a page on the site and the staff console, `{"code", "detail"}` with 429 on the API."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from .errors import LoginLockedOut


def lockout_response(request, original_response=None, credentials=None):
    error = LoginLockedOut(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    retry_after = str(settings.LOGIN_LOCKOUT_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": error.code, "detail": str(error)}, status=error.status)
    else:
        response = render(
            request, "registration/locked_out.html", {"message": str(error)}, status=error.status
        )
    response["Retry-After"] = retry_after
    return response
