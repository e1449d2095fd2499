"""OpenAPI: the token scheme as an `Authorization: Token <token>` API key (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "marketplace.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
        scheme["description"] = (
            "`Authorization: Token <token>`, with a token from `POST /api/v1/auth/login/`. "
            "Tokens expire; the owner lists and revokes them at `/api/v1/auth/tokens/`."
        )
        return scheme
