"""How people and API clients sign in: API tokens (django-rest-knox; the `ApiToken` model is in
`marketplace.models`) and the log-in lock-out (django-axes). A package of the marketplace app, not an
app of its own: marketplace/apps.py registers its OpenAPI scheme, marketplace/admin.py its admin."""
