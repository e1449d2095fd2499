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
