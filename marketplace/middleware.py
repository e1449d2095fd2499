from django.shortcuts import render

from .errors import DomainError


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
