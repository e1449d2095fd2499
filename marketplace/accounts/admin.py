from django.contrib import admin
from knox.models import AuthToken as KnoxAuthToken

from ..models import ApiToken

# knox registers its own model, which settings.KNOX_TOKEN_MODEL replaces with ApiToken.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see who holds tokens and revoke one by deleting it; tokens are issued only at the API's
    login, so the token itself is never in the console (only its digest is stored)."""

    list_display = ("token_key", "user", "name", "created", "expiry", "last_used")
    list_select_related = ("user",)
    search_fields = ("token_key", "user__username", "name")
    fields = ("token_key", "user", "name", "created", "expiry", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
