"""The benchmark harness's pure parts (bench/), so they cannot rot while CI never runs the benchmark."""

import csv
import io

import pytest

from bench import loadgen, report
from bench.oscar_export import COLUMNS, catalogue_products, oscar_row, write_csv
from tests.factories import CategoryFactory, ProductFactory

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8101/__bench__/bare/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.70ms  302.45us   5.08ms   81.43%
  4700 requests in 2.00s, 1.02MB read
  Non-2xx or 3xx responses: 3
BENCH_JSON {"requests": 4700, "duration_us": 2000000, "p50_us": 1650, "p90_us": 2030, "p99_us": 2730, \
"max_us": 5080, "connect": 0, "read": 1, "write": 0, "status": 3, "timeout": 0}
Requests/sec:   2350.00
"""


def test_wrk_result_is_read_from_the_report_line():
    sample = loadgen.parse_wrk(WRK_OUTPUT)
    assert sample.requests == 4700
    assert sample.rps == 2350
    assert (sample.p50_ms, sample.p99_ms) == (1.65, 2.73)
    assert sample.errors == 4  # one read error and three 5xx/4xx answers


def test_wrk_output_without_the_report_line_is_an_error():
    with pytest.raises(ValueError, match="BENCH_JSON"):
        loadgen.parse_wrk("Requests/sec: 12\n")


def _sample(rps, p50=2.0, p99=4.0, errors=0):
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors, "requests": int(rps * 5)}


def test_summary_takes_medians_and_ratios_to_the_bare_view():
    rows = report.summarize(
        {
            "bare": [_sample(2000), _sample(2400), _sample(2200)],
            "product": [_sample(500, p50=8, p99=30), _sample(460, p50=9, p99=50), _sample(550, errors=2)],
        },
        {"bare": {"queries": 0, "cold_ms": 1.0}, "product": {"queries": 3, "cold_ms": 12.5}},
    )
    assert rows["bare"]["rps"] == 2200 and rows["bare"]["ratio"] == 1.0
    assert rows["product"]["rps"] == 500
    assert rows["product"]["ratio"] == round(500 / 2200, 3)
    assert rows["product"]["p50_ms"] == 8 and rows["product"]["p99_ms"] == 30
    assert rows["product"]["p99_over_p50"] == 3.8
    assert rows["product"]["errors"] == 2 and rows["product"]["queries"] == 3
    assert rows["product"]["cold_ms"] == 12.5
    table = report.table(rows, {"cart": "answers 404"})
    assert "| product | 500 | 0.227 |" in table
    assert "| cart | missing: answers 404 |" in table


def test_comparisons_and_scaling_are_ratios_and_missing_sides_give_none():
    rows = {
        "ours": {"rps": 300.0},
        "theirs": {"rps": 3.0},
        "big": {"rps": 100.0, "cold_ms": 30.0},
        "small": {"rps": 150.0, "cold_ms": 10.0},
    }
    compared = report.comparisons(rows, [("listing", "ours", "theirs"), ("cart", "cart", "theirs")])
    assert [c["speedup"] for c in compared] == [100.0, None]
    [scaled] = report.scaling(rows, [("search", "big", "small")])
    assert (scaled["cost_growth"], scaled["cold_growth"]) == (1.5, 3.0)


def test_round_orders_alternate():
    orders = report.round_orders(["a", "b", "c"], 4)
    assert orders == [["a", "b", "c"], ["a", "c", "b"], ["c", "a", "b"], ["c", "b", "a"]]
    assert all(sorted(order) == ["a", "b", "c"] for order in orders)


def test_locust_summary_reads_the_aggregated_row():
    stats = (
        "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%\n"
        "GET,home,10,0,5.0,20,40,50\n"
        ",Aggregated,100,1,50.5,25,60,90\n"
    )
    summary = report.locust_summary(stats, {"cart": "missing"})
    assert (summary["requests"], summary["failures"], summary["rps"]) == (100, 1, 50.5)
    assert (summary["p95_ms"], summary["p99_ms"]) == (60.0, 90.0)
    assert "cart: missing" in report.locust_table(summary)


def test_oscar_row_has_the_nine_columns_of_oscars_importer():
    row = oscar_row(
        {
            "id": 7,
            "title": 'Kao "Merit" Shampoo, 480ml',
            "description": "NULL",
            "category": "Hair Care",
            "parent_category": "Personal Care",
            "partner": "Sakura Drugstore",
            "sku": "SAKURA-7-1",
            "price": 74.5,
            "stock": 12,
        }
    )
    assert len(row) == len(COLUMNS) == 9
    assert row[:3] == ["Imported goods", "Personal Care > Hair Care", "MKT-7"]
    assert row[4] == ""  # Oscar would read a literal NULL as "no description"
    assert row[7:] == ["74.50", "12"]


@pytest.mark.django_db
def test_export_writes_visible_products_with_their_cheapest_variant(rates):
    child = CategoryFactory(name_en="Hair Care", parent=CategoryFactory(name_en="Personal Care"))
    cheap = ProductFactory(category=child, prices=["30.00", "10.00"], name_en='Quoted "name", with comma')
    ProductFactory(publish=False)  # a draft stays out
    out = io.StringIO()
    assert write_csv(catalogue_products(), out) == 1
    # Read back exactly as Oscar's importer reads it.
    [row] = list(csv.reader(io.StringIO(out.getvalue()), escapechar="\\"))
    assert row[1] == "Personal Care > Hair Care"
    assert row[2] == f"MKT-{cheap.pk}"
    assert row[3] == 'Quoted "name", with comma'
    assert row[6] == cheap.variants.order_by("price").first().sku
    assert row[7] == f"{cheap.price_cny:.2f}"


def test_database_names_and_redis_db_follow_the_prefix_and_port_base():
    from bench import harness

    assert harness.database_names("marketplace_bench", 100_000, 1_000, 0) == {
        "ours": "marketplace_bench",
        "ours-1k": "marketplace_bench_small",
        "oscar": "oscar_bench",
    }
    mine = harness.database_names("hb_bench", 2000, 500, 10_000)
    assert mine == {"ours": "hb_bench_2000", "ours-1k": "hb_bench_500", "oscar": "hb_bench_oscar_10000"}
    assert harness.redis_db(8101) == 5
    assert harness.redis_db(8301) == 7
    assert len({harness.redis_db(port) for port in range(8101, 9201, 100)}) == 11


def _race_facts(**changes):
    facts = {
        "initial_stock": 20,
        "final_stock": 0,
        "ordered_units": 20,
        "duplicate_keys": 0,
        "payments_with_extra_orders": 0,
    }
    return {**facts, **changes}


def test_oversold_check_passes_a_clean_race():
    result = report.oversold_check(_race_facts())
    assert result["ok"] and result["oversold"] == 0 and result["sold_out"] and result["consistent"]


@pytest.mark.parametrize(
    ("changes", "client_duplicates", "oversold", "why"),
    [
        ({"ordered_units": 23}, 0, 3, "consistent"),  # more units ordered than there were
        ({"final_stock": -2, "ordered_units": 22}, 0, 4, "negative_stock"),  # stock went below zero
        ({"final_stock": 5, "ordered_units": 16}, 0, 0, "consistent"),  # stock taken but not ordered
        ({"duplicate_keys": 1}, 0, 0, "duplicates"),
        ({"payments_with_extra_orders": 2}, 0, 0, "duplicates"),
        ({}, 1, 0, "duplicates"),  # a double submit answered with another payment
    ],
)
def test_oversold_check_catches_every_way_to_oversell(changes, client_duplicates, oversold, why):
    result = report.oversold_check(_race_facts(**changes), client_duplicates)
    assert not result["ok"]
    assert result["oversold"] == oversold
    if why == "duplicates":
        assert result["duplicates"] > 0
    elif why == "consistent":
        assert result["consistent"] is False
    else:
        assert result["negative_stock"] is True


def test_oversold_check_accepts_a_race_that_did_not_sell_out():
    result = report.oversold_check(_race_facts(final_stock=4, ordered_units=16))
    assert result["ok"] and not result["sold_out"]


def test_percentile_is_nearest_rank():
    values = [0.1 * n for n in range(1, 101)]
    assert report.percentile(values, 50) == pytest.approx(5.0)
    assert report.percentile(values, 99) == pytest.approx(9.9)
    assert report.percentile([3.0], 99) == 3.0
    assert report.percentile([], 50) is None


def _outcome(ok=True, seconds=0.5, step="", detail="", sold_out=False, duplicate=False, requests=5):
    return {
        "ok": ok,
        "seconds": seconds,
        "step": step,
        "detail": detail,
        "sold_out": sold_out,
        "duplicate": duplicate,
        "requests": requests,
    }


def test_checkout_summary_rates_latencies_errors_and_the_race():
    throughput = [_outcome(seconds=0.1 * n) for n in range(1, 11)] + [
        _outcome(False, step="pay", detail="answered 500", requests=5),
        _outcome(False, step="pay", detail="answered 500", requests=5),
    ]
    race = [_outcome() for _ in range(20)] + [_outcome(False, step="checkout page", sold_out=True)] * 8
    summary = report.checkout_summary(throughput, 5.0, 2000.0, race, _race_facts(orders=30), buyers=8)
    assert summary["checkouts"] == 10 and summary["orders_per_s"] == 2.0
    assert summary["ratio"] == 0.001
    assert summary["requests_per_s"] == 12.0  # 60 requests in 5 s
    assert (summary["p50_ms"], summary["p99_ms"]) == (500.0, 1000.0)
    assert summary["errors"] == 2 and summary["error_kinds"] == {"pay: answered 500": 2}
    race_summary = summary["last_units"]
    assert (race_summary["bought"], race_summary["refused_sold_out"], race_summary["errors"]) == (20, 8, 0)
    assert race_summary["ok"]
    table = report.checkout_table(summary)
    assert "| 8 buyers, 5 s: 10 orders | 2.00 | 0.0010 | 500 | 1000 | 2 | 0 |" in table
    assert "Last units (OK): 20 in stock, 20 bought" in table
    assert "pay: answered 500 x2" in table
    assert summary["orders_match"]  # 10 checkouts and 20 race units: the 30 orders in the database
    assert "reported paid by the pages" not in table
    mismatch = report.checkout_summary(throughput, 5.0, 2000.0, race, _race_facts(orders=31), buyers=8)
    assert "Database: 31 orders by these buyers, 30 reported paid" in report.checkout_table(mismatch)


def test_checkout_summary_flags_a_double_submit_that_made_a_second_payment():
    race = [_outcome(duplicate=True)] + [_outcome(False, sold_out=True)]
    summary = report.checkout_summary([], 1.0, None, race, _race_facts(), buyers=1)
    assert summary["orders_per_s"] == 0 and summary["ratio"] is None and summary["p50_ms"] is None
    assert not summary["last_units"]["ok"] and summary["last_units"]["duplicates"] == 1
    assert "Last units (FAILED)" in report.checkout_table(summary)
    assert report.checkout_table({"missing": "skipped"}) == "Checkout throughput: skipped"


def test_locust_summary_counts_paid_orders_and_failures_by_request():
    stats = (
        "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%\n"
        "POST,checkout: pay,12,1,0.5,20,40,50\n"
        "GET,checkout page,13,0,0.5,20,40,50\n"
        ",Aggregated,100,1,50.5,25,60,90\n"
    )
    summary = report.locust_summary(stats, {"checkout": "ran"})
    assert summary["orders"] == 11
    assert summary["failures_by_request"] == {"checkout: pay": 1}
    text = report.locust_table(summary)
    assert "11 orders placed and paid" in text and "checkout: pay x1" in text


def test_form_field_reads_what_a_browser_would_submit():
    from bench.pages import form_field

    html = (
        '<input type="hidden" name="csrfmiddlewaretoken" value="tok">'
        '<input type="radio" name="variant" form="buy" value="11">'
        '<input type="radio" name="variant" form="buy" value="12" checked>'
        '<input type="hidden" name="idempotency_key" value="k1">'
        '<input type="hidden" name="idempotency_key" value="k2">'
    )
    assert form_field(html, "variant") == "12"  # the checked radio, wherever it is
    assert form_field(html, "idempotency_key") == "k1"  # the first form's
    assert form_field(html, "csrfmiddlewaretoken") == "tok"
    assert form_field(html, "address") is None


def test_cookies_are_kept_and_deleted_like_a_browser():
    from bench.pages import cookie_header, update_cookies

    cookies = {"sessionid": "abc"}
    update_cookies(
        cookies,
        [
            "csrftoken=t0k; expires=Mon, 29 Nov 2027 10:00:00 GMT; Max-Age=31449600; Path=/; Secure",
            'messages="m1:sig"; HttpOnly; Path=/; SameSite=Lax; Secure',
        ],
    )
    assert cookies == {"sessionid": "abc", "csrftoken": "t0k", "messages": "m1:sig"}
    update_cookies(cookies, ['messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure'])
    assert cookie_header(cookies) == "sessionid=abc; csrftoken=t0k"
