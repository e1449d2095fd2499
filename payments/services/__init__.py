"""Writes of money, one module per part: `core` (payments, refunds before release, the ledger's
posting), `release` (escrow release, confirmation of receipt, holds), `deposits` (security
deposits), `payouts` (balances, payouts, Connect transfers, bank batches), `refunds` (refunds after
release, compensations), `aftersales` (after-sales case refunds), `reconciliation` (the ledger
against the gateway's books), `browser` (payments confirmed in the browser with Stripe.js),
`webhooks` (the gateway's signed events), `connect` (a merchant's connected account). Callers import
the package: `from payments import services as payment_services`."""

from .aftersales import *  # noqa: F403
from .browser import *  # noqa: F403
from .connect import *  # noqa: F403
from .core import *  # noqa: F403
from .core import _reference  # noqa: F401
from .deposits import *  # noqa: F403
from .payouts import *  # noqa: F403
from .reconciliation import *  # noqa: F403
from .refunds import *  # noqa: F403
from .release import *  # noqa: F403
from .webhooks import *  # noqa: F403
