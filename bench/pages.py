"""What a browser does for the benchmark's buyers (bench/checkout.py, bench/locustfile.py): reads a
form field from a page, and keeps cookies. Pure, so tests/bench checks it.

The production settings mark the session, CSRF and message cookies Secure; the benchmark serves plain
HTTP on loopback, where an HTTP client's cookie jar would keep them to itself (and `requests` merges
every request's cookies into a fresh jar with the default policy). So the buyers keep their own
cookies from the Set-Cookie headers and send them back, like a browser behind the TLS proxy would.
"""

import re
from http.cookies import SimpleCookie

INPUT = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def form_field(html: str, name: str) -> str | None:
    """The value a browser would submit for the input `name`: the checked radio button of the group,
    else the first input of that name (a hidden field)."""
    first = None
    for tag in INPUT.finditer(html):
        attributes = {key.lower(): value for key, value in ATTRIBUTE.findall(tag.group(1))}
        if attributes.get("name") != name or "value" not in attributes:
            continue
        if attributes.get("type") == "radio" and "checked" in attributes:
            return attributes["value"]
        if first is None:
            first = attributes["value"]
    return first


def update_cookies(cookies: dict[str, str], set_cookie_headers: list[str]) -> dict[str, str]:
    """Apply a response's Set-Cookie headers: set, or delete (Max-Age=0 or an empty value)."""
    for header in set_cookie_headers:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or not morsel.value:
                cookies.pop(name, None)
            else:
                cookies[name] = morsel.value
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def set_cookie_headers(response) -> list[str]:
    """Every Set-Cookie header of a `requests` response (urllib3 keeps them apart)."""
    raw = getattr(response, "raw", None)
    headers = getattr(raw, "headers", None)
    if headers is not None and hasattr(headers, "getlist"):
        return headers.getlist("Set-Cookie")
    value = response.headers.get("Set-Cookie")
    return [value] if value else []
