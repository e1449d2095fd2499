from tests.stripe_support import localstripe_url, stripe_settings  # noqa: F401  (fixtures)
