"""Content-Security-Policy on every response (docs/rules.md, "Stripe").

The policy: everything from our own origin only, no inline scripts and no event-handler attributes
(pages load their scripts from `static/js/`; data for a script travels in `data-` attributes or
`json_script`), no plugins, no framing of our pages, forms post only to us. Inline `style`
attributes are allowed (the admin and the error pages use them; they cannot run code).

A view widens the policy for its own response with `csp_extend(response, script-src=[...])`: the
Stripe payment page names Stripe.js's host (`payments.views`), and nothing else does. The API
documentation pages (`settings.CSP_INLINE_SCRIPT_PATHS`), whose packaged templates carry inline
scripts, may run inline scripts and web workers from blob: addresses.
"""

from django.conf import settings

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

CSP_EXTRA_ATTR = "_csp_extra"


def csp_extend(response, **directives):
    """Add sources to directives of this response's policy (`script_src=["https://js.stripe.com"]`)."""
    extra = getattr(response, CSP_EXTRA_ATTR, {})
    for name, sources in directives.items():
        extra.setdefault(name.replace("_", "-"), []).extend(sources)
    setattr(response, CSP_EXTRA_ATTR, extra)
    return response


def csp_header(extra: dict | None = None) -> str:
    policy = {name: list(sources) for name, sources in BASE_POLICY.items()}
    for name, sources in (extra or {}).items():
        current = policy.setdefault(name, ["'self'"])
        if current == ["'none'"]:
            current.clear()
        current.extend(source for source in sources if source not in current)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        extra = dict(getattr(response, CSP_EXTRA_ATTR, {}))
        if request.path_info.startswith(tuple(settings.CSP_INLINE_SCRIPT_PATHS)):
            extra.setdefault("script-src", []).append("'unsafe-inline'")
            extra.setdefault("worker-src", []).extend(["'self'", "blob:"])
        response["Content-Security-Policy"] = csp_header(extra)
        return response
