"""After-sales cases: every write (docs/rules.md, "After-sales cases").

The contract the pages, the API and the scheduled job call. Each function runs in a transaction,
locks the order (to open) or the case (everything else) with `select_for_update`, checks who acts
and the state, writes a `CaseEvent` (and an `OrderEvent` where the order's timeline should show
it), notifies the other side (`marketplace.notifications.services.notify`), and raises a
`marketplace.errors.DomainError` subclass (in `orders.cases.errors`) with a message a person
understands. Money moves only through `payments.services.aftersales` (gateway call outside locks).

States (AfterSalesCase.Status):
  requested --accept--> (refund only) refunding -> refunded
  requested --accept--> (return) awaiting_return --ship--> returning --received--> refunding -> refunded
  requested --offer--> offered --buyer accepts--> refunding -> refunded
  requested --refuse--> refused
  refused / offered --escalate (either side)--> arbitration --decide--> refunding -> refunded | closed
  silence: requested past respond_by -> accepted; returning delivered + 7 days -> received;
           refused / offered / awaiting_return past buyer_respond_by -> closed (expired)
  any open --withdraw (buyer)--> closed
"""

# Filled in by the after-sales work; names and arguments are the contract.


def case_open(
    *,
    user,
    order_number: str,
    kind: str,
    reason: str,
    description: str,
    lines: list[dict],
    amount=None,
    photos=(),
):
    """The buyer asks: `lines` [{"line_id": OrderLine pk, "quantity": n}], `amount` CNY (None: the
    most the lines allow, `case_max_refund`), `photos` uploaded images (checked by
    `marketplace.uploads.image_check`). One open case per order (a second, even at the same moment,
    is refused). Returns the case."""
    raise NotImplementedError


def case_max_refund(*, order, lines: list[dict]):
    """The most a case on these lines and quantities may refund (CNY Decimal): their goods, their
    share of shipping and their tax, less what was already refunded for the order."""
    raise NotImplementedError


def case_accept(*, case, actor):
    raise NotImplementedError


def case_offer(*, case, actor, amount, note: str = ""):
    raise NotImplementedError


def case_offer_accept(*, case, actor):
    raise NotImplementedError


def case_refuse(*, case, actor, reason: str):
    raise NotImplementedError


def case_withdraw(*, case, actor):
    raise NotImplementedError


def case_return_ship(*, case, actor, provider_code: str, weight_grams: int):
    """The buyer sends the goods back: a return `logistics.Shipment` (kind return, `case`) to the
    store's return address, tracked like any parcel. Returns the shipment."""
    raise NotImplementedError


def case_return_received(*, case, actor):
    """The store confirms the returned goods arrived: the refund is paid."""
    raise NotImplementedError


def case_escalate(*, case, actor, note: str = ""):
    raise NotImplementedError


def case_evidence_add(*, case, actor, file=None, note: str = ""):
    raise NotImplementedError


def arbitration_info_request(*, case, actor, party: str, message: str, due_at=None):
    raise NotImplementedError


def arbitration_decide(*, case, actor, outcome: str, reason: str, amount=None):
    """Full refund, partial refund (`amount`) or reject, with a written reason both sides see.
    Upholding a counterfeit or not-as-described complaint records a violation through
    `merchants.services.violation_record`."""
    raise NotImplementedError


def cases_deadlines_check(*, now=None) -> dict:
    """The scheduled job (every 10 minutes): apply every deadline that passed (see the states)."""
    raise NotImplementedError
