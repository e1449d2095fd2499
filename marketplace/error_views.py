"""Error answers outside any view (no route matched, an uncaught error): JSON `{code, detail}` under
/api/, like every other API error, and the shop's own pages elsewhere (Django's default views render
templates/404.html, 500.html...)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .middleware import is_api_request


def _api_error(code, detail, status):
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if is_api_request(request):
        return _api_error("bad_request", _("The request could not be read."), 400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if is_api_request(request):
        return _api_error("permission_denied", _("You do not have permission to do this."), 403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if is_api_request(request):
        return _api_error("not_found", _("There is nothing at this address."), 404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if is_api_request(request):
        return _api_error("server_error", _("Something went wrong on our side; please try again later."), 500)
    return defaults.server_error(request, template_name)
