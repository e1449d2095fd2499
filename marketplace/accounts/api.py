"""API access (/api/v1/auth/): a client logs in for a token, lists its owner's tokens, revokes them."""

from django.contrib.auth import user_logged_out
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .authentication import TokenAuthentication
from .serializers import ApiTokenSerializer, IssuedTokenSerializer, LoginSerializer


def _error(description):
    return OpenApiResponse(description=f"{description} `{{code, detail}}`.")


class LoginView(APIView):
    """Log in with a username and password for an API token. Failed logins count toward the
    lock-out (settings.LOGIN_FAILURE_LIMIT per account and per address)."""

    authentication_classes = []  # credentials are in the body; no session, no CSRF
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginSerializer,
        responses={
            201: IssuedTokenSerializer,
            400: _error("Wrong username or password (`invalid_credentials`), or a field missing."),
            409: _error("The account already holds its limit of tokens (`too_many_api_tokens`)."),
            429: _error("Locked out after too many failures (`login_locked_out`); see `Retry-After`."),
        },
        auth=[],
    )
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        instance, token = services.api_token_issue(
            request=request._request,  # django-axes tracks Django's request, not DRF's wrapper
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            name=data.validated_data["client"],
        )
        instance.token = token
        return Response(IssuedTokenSerializer(instance, context={"request": request}).data, status=201)


class TokenListView(APIView):
    """The caller's live API tokens, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApiTokenSerializer(many=True), operation_id="auth_tokens_list")
    def get(self, request):
        tokens = selectors.api_tokens_live(request.user)
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 404: _error("No token of yours has this id (`api_token_not_found`).")},
        operation_id="auth_tokens_revoke",
    )
    def delete(self, request, token_id):
        """Revoke one of your tokens: it stops working at once."""
        services.api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.api_token_revoke(user=request.user, token_id=request.auth.token_key)
        user_logged_out.send(sender=type(request.user), request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the account (a lost phone, a leaked key)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
