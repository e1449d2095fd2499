"""Summaries, ratios and the printed table. Pure functions: tests/bench checks them."""

from statistics import median

BARE = "bare"


def summarize(rounds: dict[str, list[dict]], probes: dict[str, dict]) -> dict[str, dict]:
    """Per endpoint: median requests/s over the rounds, ratio to the bare view's median, median p50
    and p99, and all errors. `rounds` maps an endpoint to its wrk samples (`Sample.as_dict()`);
    `probes` to its instrumented request (`queries`, `cold_ms`: bench/probe.py)."""
    rows = {}
    for name, samples in rounds.items():
        rows[name] = {
            "rps": round(median(s["rps"] for s in samples), 1),
            "p50_ms": round(median(s["p50_ms"] for s in samples), 2),
            "p99_ms": round(median(s["p99_ms"] for s in samples), 2),
            "errors": sum(s["errors"] for s in samples),
            "requests": sum(s["requests"] for s in samples),
            "rounds": len(samples),
            "queries": probes.get(name, {}).get("queries"),
            "cold_ms": probes.get(name, {}).get("cold_ms"),
        }
    bare = rows.get(BARE, {}).get("rps")
    for row in rows.values():
        row["ratio"] = ratio(row["rps"], bare)
        row["p99_over_p50"] = ratio(row["p99_ms"], row["p50_ms"], digits=1)
    return rows


def ratio(value: float | None, reference: float | None, digits: int = 3) -> float | None:
    if not value or not reference:
        return None
    return round(value / reference, digits)


def comparisons(rows: dict[str, dict], pairs: list[tuple[str, str, str]]) -> list[dict]:
    """`pairs`: (label, ours, theirs). Speed-up = our requests/s over theirs (None when one is missing)."""
    return [
        {
            "label": label,
            "ours": ours,
            "theirs": theirs,
            "speedup": ratio(rows.get(ours, {}).get("rps"), rows.get(theirs, {}).get("rps"), digits=1),
        }
        for label, ours, theirs in pairs
    ]


def scaling(rows: dict[str, dict], pairs: list[tuple[str, str, str]]) -> list[dict]:
    """`pairs`: (label, large, small). Cost growth = time per request at the large size over the small
    one, i.e. small requests/s over large requests/s (1.0: cost does not grow with the catalogue);
    `cold_growth` the same for one request with nothing cached."""
    return [
        {
            "label": label,
            "large": large,
            "small": small,
            "cost_growth": ratio(rows.get(small, {}).get("rps"), rows.get(large, {}).get("rps"), digits=2),
            "cold_growth": ratio(
                rows.get(large, {}).get("cold_ms"), rows.get(small, {}).get("cold_ms"), digits=2
            ),
        }
        for label, large, small in pairs
    ]


def _fmt(value, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def table(rows: dict[str, dict], missing: dict[str, str]) -> str:
    """The ladder as a Markdown table (printed and pasted into docs/benchmarks.md)."""
    lines = [
        "| endpoint | req/s | ratio to bare | p50 ms | p99 ms | p99/p50 | errors | SQL queries | cold ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {_fmt(row['rps'], '.0f')} | {_fmt(row['ratio'], '.3f')}"
            f" | {_fmt(row['p50_ms'], '.1f')} | {_fmt(row['p99_ms'], '.1f')}"
            f" | {_fmt(row['p99_over_p50'], '.1f')} | {row['errors']}"
            f" | {_fmt(row['queries'])} | {_fmt(row['cold_ms'], '.0f')} |"
        )
    for name, reason in missing.items():
        lines.append(f"| {name} | missing: {reason} | | | | | | | |")
    return "\n".join(lines)


def comparison_table(compared: list[dict], scaled: list[dict]) -> str:
    lines = ["| comparison | result |", "|---|---:|"]
    for row in compared:
        lines.append(f"| {row['label']} ({row['ours']} / {row['theirs']}) | {_fmt(row['speedup'], '.1f')}x |")
    for row in scaled:
        lines.append(
            f"| {row['label']} cost growth ({row['large']} vs {row['small']}; cold request)"
            f" | {_fmt(row['cost_growth'], '.2f')}x ({_fmt(row['cold_growth'], '.2f')}x) |"
        )
    return "\n".join(lines)


def round_orders(names: list[str], rounds: int) -> list[list[str]]:
    """Alternating order: each round starts one endpoint later, and every other round runs backwards,
    so no endpoint always follows the same neighbour or always runs first while the machine is cool."""
    orders = []
    for index in range(rounds):
        shift = index % len(names) if names else 0
        order = names[shift:] + names[:shift]
        orders.append(order[::-1] if index % 2 else order)
    return orders


PAY_REQUEST = "checkout: pay"


def locust_summary(stats_csv: str, flows: dict) -> dict:
    """The "Aggregated" row of locust's `--csv` stats file, and which flows of the mix ran."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(stats_csv)))
    failures_by_request = {
        row["Name"]: int(row["Failure Count"]) for row in rows if int(row["Failure Count"] or 0)
    }
    for row in rows:
        if row["Name"] == "Aggregated":
            failures_by_request.pop("Aggregated", None)
            return {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "flows": flows,
                # Paid orders: successful POSTs of the payment page (bench/locustfile.py names them).
                "orders": sum(
                    int(r["Request Count"]) - int(r["Failure Count"])
                    for r in rows
                    if r["Name"] == PAY_REQUEST
                ),
                "failures_by_request": failures_by_request,
            }
    return {"missing": "locust wrote no Aggregated row", "flows": flows}


def locust_table(summary: dict) -> str:
    if "requests" not in summary:
        return f"Mixed traffic (locust): {summary.get('missing')}"
    flows = ", ".join(f"{name}: {state}" for name, state in summary.get("flows", {}).items())
    text = (
        f"Mixed traffic (locust): {summary['rps']:.0f} req/s, p50 {summary['p50_ms']:.0f} ms, "
        f"p95 {summary['p95_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms, "
        f"{summary['failures']} errors of {summary['requests']}"
    )
    if summary.get("orders"):
        text += f", {summary['orders']} orders placed and paid through the pages"
    if summary.get("failures_by_request"):
        text += " (errors: " + ", ".join(f"{k} x{n}" for k, n in summary["failures_by_request"].items()) + ")"
    return f"{text}. Flows: {flows}"


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation: with few checkouts, a real one of them)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def oversold_check(facts: dict, client_duplicates: int = 0) -> dict:
    """Judges the "last units" race from what the database holds afterwards (bench/buyers.py verify):
    stock never negative, units ordered (live orders) equal to the stock taken and never more than
    there was, one payment per checkout key and one order per payment, and every submit of one key
    answered with the same payment (`client_duplicates`: those that were not)."""
    initial, final, ordered = facts["initial_stock"], facts["final_stock"], facts["ordered_units"]
    taken = initial - final
    duplicates = (
        facts.get("duplicate_keys", 0) + facts.get("payments_with_extra_orders", 0) + client_duplicates
    )
    result = {
        "initial_stock": initial,
        "final_stock": final,
        "ordered_units": ordered,
        "stock_taken": taken,
        "oversold": max(0, ordered - initial) + max(0, -final),
        "negative_stock": final < 0,
        "consistent": ordered == taken,
        "duplicates": duplicates,
        "sold_out": final == 0,
    }
    result["ok"] = (
        result["oversold"] == 0 and not result["negative_stock"] and result["consistent"] and duplicates == 0
    )
    return result


def checkout_summary(
    throughput: list[dict], seconds: float, bare_rps: float | None, race: list[dict], facts: dict, buyers: int
) -> dict:
    """Checkout throughput from the buyers' outcomes (`bench.checkout.Outcome` as dicts): orders per
    second (successful checkouts over the phase's wall time), its ratio to the bare view's requests
    per second, p50 and p99 of one whole checkout (add, checkout page, place, payment page, pay),
    errors by where they stopped; and the "last units" race with its database check."""
    ok = [o for o in throughput if o["ok"]]
    errors: dict[str, int] = {}
    for outcome in throughput:
        if not outcome["ok"]:
            kind = f"{outcome['step']}: {outcome['detail']}"
            errors[kind] = errors.get(kind, 0) + 1
    rate = round(len(ok) / seconds, 2) if seconds else None
    race_errors = [o for o in race if not o["ok"] and not o.get("sold_out")]
    client_duplicates = sum(1 for o in race if o.get("duplicate"))
    return {
        "buyers": buyers,
        "seconds": round(seconds, 1),
        "checkouts": len(ok),
        "orders_per_s": rate,
        "ratio": ratio(rate, bare_rps, digits=4),
        "requests_per_s": round(sum(o.get("requests", 0) for o in throughput) / seconds, 1)
        if seconds
        else None,
        "p50_ms": _ms(percentile([o["seconds"] for o in ok], 50)),
        "p99_ms": _ms(percentile([o["seconds"] for o in ok], 99)),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        # Cross-check: the buyers' orders in the database (both phases) against what the pages said.
        "orders_in_db": facts.get("orders"),
        "unpaid_in_db": facts.get("unpaid_orders"),
        "orders_match": facts.get("orders") == len(ok) + sum(1 for o in race if o["ok"])
        if "orders" in facts
        else None,
        "last_units": {
            "attempts": len(race),
            "bought": sum(1 for o in race if o["ok"]),
            "refused_sold_out": sum(1 for o in race if o.get("sold_out")),
            "errors": len(race_errors),
            "error_kinds": sorted({f"{o['step']}: {o['detail']}" for o in race_errors}),
            **oversold_check(facts, client_duplicates),
        },
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def checkout_table(summary: dict) -> str:
    if "checkouts" not in summary:
        return f"Checkout throughput: {summary.get('missing')}"
    race = summary["last_units"]
    lines = [
        "| checkout through the pages | orders/s | ratio to bare | p50 ms | p99 ms | errors | oversold |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| {summary['buyers']} buyers, {summary['seconds']:.0f} s: {summary['checkouts']} orders"
        f" | {_fmt(summary['orders_per_s'], '.2f')} | {_fmt(summary['ratio'], '.4f')}"
        f" | {_fmt(summary['p50_ms'], '.0f')} | {_fmt(summary['p99_ms'], '.0f')}"
        f" | {summary['errors']} | {race['oversold']} |",
    ]
    verdict = "OK" if race["ok"] else "FAILED"
    lines.append(
        f"\nLast units ({verdict}): {race['initial_stock']} in stock, {race['bought']} bought by "
        f"{summary['buyers']} racing buyers, {race['refused_sold_out']} told sold out; database: "
        f"{race['ordered_units']} units ordered, stock {race['initial_stock']} -> {race['final_stock']}, "
        f"oversold {race['oversold']}, duplicate orders {race['duplicates']}, errors {race['errors']}."
    )
    if summary.get("orders_match") is False:
        lines.append(
            f"Database: {summary['orders_in_db']} orders by these buyers, "
            f"{summary['checkouts'] + race['bought']} reported paid by the pages."
        )
    if summary["error_kinds"] or race["error_kinds"]:
        kinds = [f"{k} x{n}" for k, n in summary["error_kinds"].items()] + race["error_kinds"]
        lines.append("Errors: " + "; ".join(kinds))
    return "\n".join(lines)
