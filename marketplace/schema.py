"""The OpenAPI schema's error answers: every operation documents the 4xx it can give, with the body.

Every API error is `{code, detail}` (marketplace/exception_handlers.py, middleware.py, error_views.py),
except invalid fields, which DRF answers `{field: [messages]}` (400). The API fuzzing test
(tests/test_api_fuzz.py) fails when an operation answers a status its schema does not list."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: a stable `code` and a `detail` a person understands.",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
    "required": ["code", "detail"],
}
INVALID_SCHEMA = {
    "type": "object",
    "description": "Invalid fields: each field's name (or `non_field_errors`) maps to its messages "
    "(nested for nested fields and lists); or a refusal as `{code, detail}`.",
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    400: _("Invalid input, an unreadable body, or a character that cannot be stored."),
    401: _("Wrong or unusable credentials."),
    403: _("Not signed in, or not allowed to do this."),
    404: _("No such object (in the path or named in the body), or not yours."),
    409: _("The object's current state does not allow this."),
    415: _("The body is not in a supported content type."),
    429: _("Too many requests; try again later."),
}


CRUD_ACTIONS = ("list", "retrieve", "create", "update", "partial_update", "destroy")


class AutoSchema(openapi.AutoSchema):
    def _error_statuses(self, operation) -> set[int]:
        statuses = {400, 401, 403}  # any request: the input guard, credentials, permissions or CSRF
        parameters = operation.get("parameters", [])
        has_path_parameter = any(p.get("in") == "path" for p in parameters)
        paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        if "requestBody" in operation:
            statuses.add(415)
        if has_path_parameter or paginated or "requestBody" in operation:
            statuses.add(404)  # the object in the path, a page past the end, or one the body names
        if getattr(self.view, "action", None) not in (None, *CRUD_ACTIONS):
            statuses.add(409)  # a state change (approve, publish, suspend...) the object's state refuses
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        refs = {
            name: self._component(name, schema)
            for name, schema in (("Error", ERROR_SCHEMA), ("InvalidInput", INVALID_SCHEMA))
        }
        responses = operation["responses"]
        for status in self._error_statuses(operation):
            responses.setdefault(str(status), {"description": str(ERROR_DESCRIPTIONS[status])})
        for status, response in responses.items():
            # Declared errors without a body (`OpenApiResponse(description=...)`) get the error body.
            if status.startswith("4") and not response.get("content"):
                ref = refs["InvalidInput"] if status == "400" else refs["Error"]
                response["content"] = {"application/json": {"schema": ref}}
        return operation

    def _component(self, name, schema):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
