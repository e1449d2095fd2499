from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import ApiToken


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)
    client = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("What the token is for, e.g. “iPhone app” or “ERP”: shown in the token list."),
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: never the token itself, only its first characters."""

    id = serializers.CharField(
        source="token_key",
        read_only=True,
        help_text=_("The token's first 15 characters; revoke it by this id."),
    )
    client = serializers.CharField(source="name", read_only=True)
    current = serializers.SerializerMethodField(help_text=_("This request was made with this token."))

    class Meta:
        model = ApiToken
        fields = ["id", "client", "created", "expiry", "last_used", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        request = self.context.get("request")
        return isinstance(getattr(request, "auth", None), ApiToken) and request.auth.pk == token.pk


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text=_("Send as `Authorization: Token <token>`. Shown only this once.")
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields
