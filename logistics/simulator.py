"""The carrier simulator: it plays the carriers in the demo, so parcels move without anyone acting.

Each undelivered outbound parcel gets a deterministic script of scans from its `created_at` and its
transit window (the seed is the waybill number): direct mail is accepted, leaves the origin, arrives
in China, is declared to customs, and after the platform's customs clearance goes out for delivery
and is delivered; a bonded parcel is accepted at the bonded warehouse, declared, cleared, leaves the
warehouse, goes out for delivery and is delivered. A small seeded share of parcels meets an address
problem on the first delivery round and is delivered the next day. A return parcel (after-sales) makes
a domestic trip with no customs: picked up from the buyer, through a sorting centre, out for delivery
and delivered to the store's return address, which starts the store's check period.

Every scan whose time has come is posted, signed with the carrier's secret, to the same callback
endpoint real carriers use (in-process with Django's test client, or over HTTP to
`settings.CARRIER_SIMULATOR_URL`). Event ids are stable (`SIM-<waybill>-<step>`), and scans already
recorded are not posted again, so a rerun adds nothing. The simulator never decides customs: after
the declaration it waits for the platform's clearance, and it never moves a held parcel.
"""

import hashlib
import json
import logging
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .callbacks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_callback
from .models import Shipment, ShipmentEvent

logger = logging.getLogger(__name__)
Kind = ShipmentEvent.Kind

# One in this many parcels meets an address problem on its first delivery round.
ADDRESS_PROBLEM_ONE_IN = 8
# The scans after customs come at least this long after the clearance, one after another.
AFTER_CLEARANCE = timedelta(minutes=30)

ORIGIN_CITIES = {
    "JP": "Tokyo", "KR": "Seoul", "US": "Los Angeles", "CA": "Vancouver", "GB": "London",
    "DE": "Frankfurt", "FR": "Paris", "IT": "Milan", "ES": "Madrid", "NL": "Amsterdam",
    "AU": "Sydney", "NZ": "Auckland", "HK": "Hong Kong", "TW": "Taipei", "SG": "Singapore",
    "TH": "Bangkok", "MY": "Kuala Lumpur", "CH": "Zurich", "SE": "Stockholm", "DK": "Copenhagen",
}  # fmt: skip
ENTRY_PORTS = ["Shanghai Pudong", "Guangzhou Baiyun", "Beijing Capital", "Shenzhen Bao'an"]
BONDED_ZONES = ["Hangzhou Xiasha", "Ningbo Meishan", "Zhengzhou Airport", "Guangzhou Nansha"]
DOMESTIC_HUBS = ["Shanghai Qingpu", "Hangzhou Xiaoshan", "Guangzhou Baiyun", "Wuhan Dongxihu", "Beijing"]


@dataclass(frozen=True)
class Step:
    key: str  # stable within the script: the event id is SIM-<waybill>-<key>
    kind: str
    at: datetime  # when it happens (for steps after customs: at the earliest)
    location: str
    note: str = ""
    after_customs: bool = False


def event_id(shipment: Shipment, step: Step) -> str:
    return f"SIM-{shipment.waybill_number}-{step.key}"


def _rng(shipment: Shipment) -> random.Random:
    return random.Random(int(hashlib.sha256(shipment.waybill_number.encode()).hexdigest()[:16], 16))


def script(shipment: Shipment) -> list[Step]:
    """The parcel's scans, in order. The same parcel always gets the same script."""
    rng = _rng(shipment)
    if shipment.kind == Shipment.Kind.RETURN:
        return _return_script(shipment, rng)
    start = shipment.created_at
    days = rng.uniform(shipment.transit_days_min, shipment.transit_days_max)
    total = timedelta(days=days) - timedelta(hours=rng.uniform(1, 6))
    at = lambda share: start + total * share  # noqa: E731
    if shipment.customs_mode == "1210":
        zone = rng.choice(BONDED_ZONES)
        steps = [
            Step(
                "accepted",
                Kind.ACCEPTED,
                start + timedelta(hours=rng.uniform(1, 3)),
                f"{zone} bonded warehouse",
            ),
            Step(
                "declared",
                Kind.CUSTOMS_DECLARED,
                start + timedelta(hours=rng.uniform(3.5, 6)),
                f"{zone} customs",
            ),
            Step("departed", Kind.DEPARTED_BONDED, at(0.3), f"{zone} bonded warehouse", after_customs=True),
        ]
    else:
        city = ORIGIN_CITIES.get(shipment.origin_country, shipment.origin_country)
        port = rng.choice(ENTRY_PORTS)
        arrived = at(0.4)
        steps = [
            Step("accepted", Kind.ACCEPTED, start + timedelta(hours=rng.uniform(2, 6)), f"{city}"),
            Step("departed", Kind.DEPARTED_ORIGIN, at(0.12), f"{city} international mail centre"),
            Step("arrived", Kind.ARRIVED_CHINA, arrived, f"{port} International Airport"),
            Step(
                "declared",
                Kind.CUSTOMS_DECLARED,
                arrived + timedelta(hours=rng.uniform(1, 3)),
                f"{port} customs",
            ),
        ]
    out = at(0.85)
    delivered = start + total
    if rng.randrange(ADDRESS_PROBLEM_ONE_IN) == 0:
        steps += [
            Step("out", Kind.OUT_FOR_DELIVERY, out, "Local delivery station", after_customs=True),
            Step(
                "address",
                Kind.ADDRESS_PROBLEM,
                out + timedelta(hours=4),
                "Local delivery station",
                "The courier could not find the address; the recipient will be called and delivery retried.",
                after_customs=True,
            ),
            Step(
                "out-again",
                Kind.OUT_FOR_DELIVERY,
                out + timedelta(hours=24),
                "Local delivery station",
                after_customs=True,
            ),
            Step("delivered", Kind.DELIVERED, out + timedelta(hours=28), "Recipient", after_customs=True),
        ]
    else:
        steps += [
            Step("out", Kind.OUT_FOR_DELIVERY, out, "Local delivery station", after_customs=True),
            Step(
                "delivered",
                Kind.DELIVERED,
                max(delivered, out + timedelta(hours=3)),
                "Recipient",
                after_customs=True,
            ),
        ]
    return steps


def _return_script(shipment: Shipment, rng: random.Random) -> list[Step]:
    """A return parcel inside China: no customs, each scan at least two hours after the one before."""
    start = shipment.created_at
    total = timedelta(days=rng.uniform(max(shipment.transit_days_min, 1), max(shipment.transit_days_max, 1)))
    accepted = start + timedelta(hours=rng.uniform(2, 8))
    departed = max(start + total * 0.35, accepted + timedelta(hours=2))
    out = max(start + total * 0.85, departed + timedelta(hours=2))
    return [
        Step("accepted", Kind.ACCEPTED, accepted, "Picked up from the buyer"),
        Step("departed", Kind.DEPARTED_ORIGIN, departed, f"{rng.choice(DOMESTIC_HUBS)} sorting centre"),
        Step("out", Kind.OUT_FOR_DELIVERY, out, "Delivery station near the return address"),
        Step("delivered", Kind.DELIVERED, max(start + total, out + timedelta(hours=3)), "Returns desk"),
    ]


def _cleared_at(events) -> datetime | None:
    """When customs cleared the parcel (the clearance after its last hold), or None."""
    holds = [e.occurred_at for e in events if e.kind == Kind.CUSTOMS_HELD]
    last_hold = max(holds) if holds else None
    cleared = [
        e.occurred_at
        for e in events
        if e.kind == Kind.CUSTOMS_CLEARED and (last_hold is None or e.occurred_at > last_hold)
    ]
    return min(cleared) if cleared else None


def due_steps(shipment: Shipment, events, now: datetime) -> list[tuple[Step, datetime]]:
    """The scans to post now (with their times): those whose time has come and that are not
    recorded yet, up to the customs clearance if it has not happened. A scan after customs comes at
    its scripted time, but never sooner than `AFTER_CLEARANCE` after the clearance (times its rank
    among the scans after customs), so a parcel that waited at customs resumes at a believable pace."""
    if shipment.status in (Shipment.Status.CUSTOMS_HELD, Shipment.Status.DELIVERED, Shipment.Status.RETURNED):
        return []
    recorded = {e.carrier_event_id for e in events}
    cleared_at = _cleared_at(events)
    due = []
    rank = 0
    for step in script(shipment):
        at = step.at
        if step.after_customs:
            if cleared_at is None:
                break
            rank += 1
            at = max(at, cleared_at + AFTER_CLEARANCE * rank)
        if at > now:
            break
        if event_id(shipment, step) not in recorded:
            due.append((step, at))
    return due


def _post(shipment: Shipment, body: bytes) -> int:
    path = reverse("api-carrier-callback", kwargs={"provider_code": shipment.provider.code})
    timestamp = str(int(time.time()))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign_callback(shipment.provider.callback_secret, timestamp, body),
    }
    base = settings.CARRIER_SIMULATOR_URL
    if base:
        request = urllib.request.Request(
            base.rstrip("/") + path,
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - a setting
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError as exc:  # the site is down or unreachable: try again next round
            logger.warning("simulator: cannot reach %s: %s", base, exc)
            return 0
    from django.test import Client

    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    host = "testserver" if "testserver" in hosts or not hosts else hosts[0].lstrip(".")
    response = Client(HTTP_HOST=host).post(
        path,
        data=body,
        content_type="application/json",
        headers=headers,
        secure=getattr(settings, "SECURE_SSL_REDIRECT", False),
    )
    return response.status_code


def simulate_shipment(shipment: Shipment, *, now: datetime | None = None) -> int:
    """Post the parcel's due scans; returns how many were recorded. Rereads the parcel after each
    scan, so a customs declaration's result (the platform's) decides whether the script goes on."""
    now = now or timezone.now()
    posted, sent = 0, set()
    while True:
        events = list(shipment.events.all())
        # Each scan is sent at most once a round, even if the endpoint's database is not this one.
        due = [(step, at) for step, at in due_steps(shipment, events, now) if step.key not in sent]
        if not due:
            return posted
        for step, at in due:
            body = json.dumps(
                {
                    "event_id": event_id(shipment, step),
                    "waybill_number": shipment.waybill_number,
                    "kind": step.kind,
                    "occurred_at": at.isoformat(),
                    "location": step.location,
                    "note": step.note,
                }
            ).encode()
            sent.add(step.key)
            status = _post(shipment, body)
            if status not in (200, 201):
                logger.warning("simulator: %s %s answered %s", shipment.waybill_number, step.key, status)
                return posted
            posted += status == 201
            shipment.refresh_from_db(fields=["status", "last_event_at", "delivered_at"])
            if step.kind == Kind.CUSTOMS_DECLARED:
                break  # the platform's customs result decides what comes next: read it again
        else:
            return posted


def simulate(*, now: datetime | None = None) -> int:
    """One round over every undelivered parcel (outbound and return); returns the number of scans
    recorded."""
    now = now or timezone.now()
    shipments = (
        Shipment.objects.exclude(
            status__in=[Shipment.Status.DELIVERED, Shipment.Status.RETURNED, Shipment.Status.CUSTOMS_HELD]
        )
        .select_related("provider")
        .order_by("created_at", "pk")
    )
    return sum(simulate_shipment(shipment, now=now) for shipment in shipments)
