"""Signed carrier callbacks (docs/rules.md, "Tracking"): how a carrier signs an event it posts to
`/api/v1/logistics/callbacks/<provider>/`, and how the endpoint checks it. The endpoint, the tests and
the carrier simulator all sign through `sign_callback`.

The carrier sends `X-Carrier-Timestamp: <unix seconds>` and
`X-Carrier-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the provider's
callback secret>`. A timestamp more than `MAX_SKEW_SECONDS` from the platform's clock, either way, is
refused, so a captured callback cannot be replayed later.
"""

import hashlib
import hmac
import time

MAX_SKEW_SECONDS = 300
SIGNATURE_PREFIX = "sha256="
TIMESTAMP_HEADER = "X-Carrier-Timestamp"
SIGNATURE_HEADER = "X-Carrier-Signature"


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def sign_callback(secret: str, timestamp, body) -> str:
    """The `X-Carrier-Signature` header value for `body` (bytes or text) sent at `timestamp`."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return SIGNATURE_PREFIX + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def callback_check(secret: str, timestamp: str | None, signature: str | None, body: bytes, now=None) -> str:
    """Why a callback's signature is refused ("missing", "stale", "bad"), or "" when it is good.
    Compared in constant time."""
    if not timestamp or not signature:
        return "missing"
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return "bad"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return "stale"
    expected = sign_callback(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), _bytes(signature.strip())):
        return "bad"
    return ""
