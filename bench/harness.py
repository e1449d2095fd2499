"""The benchmark: builds or reuses the databases, starts the production configuration with gunicorn,
runs the endpoint ladder with wrk in alternating rounds (ours at 100,000 and 1,000 products, and
django-oscar with the same catalogue), the checkout throughput with buyers going through the pages
(bench/checkout.py) and locust's mixed traffic, then prints and saves the tables. See
docs/benchmarks.md.

Started by bench/run.sh, which installs wrk and the two environments first.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.loadgen import wrk

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = BENCH / "var"
RESULTS = BENCH / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
OSCAR_VENV = BENCH / ".oscar-venv" / "bin"
PG = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/"  # the harness's own database number (redis_db); keys carry the DB name too
DEFAULT_PREFIX = "marketplace_bench"
DEFAULT_PORT_BASE = 8101

SEARCH = "serum"  # about 3% of the demo catalogue: a real result page, not an empty one
FILTERED = "country=JP&shipping_mode=bonded&price_min=100&price_max=800&sort=price_asc"


@dataclass
class Site:
    name: str
    port: int
    db: str
    products: int = 0
    process: subprocess.Popen | None = None
    info: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Endpoint:
    name: str
    site: str
    path: str
    cookie: str = ""  # a logged-in session, for pages that need one
    needs: str = ""  # the issue that brings the page, when it may not exist yet


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(command: list, *, env=None, cwd=ROOT, quiet=True) -> str:
    result = subprocess.run(
        [str(c) for c in command], env=env, cwd=cwd, capture_output=quiet, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write((result.stdout or "") + (result.stderr or ""))
        raise SystemExit(f"failed: {' '.join(str(c) for c in command)}")
    return result.stdout or ""


def psql(db: str, sql: str) -> str:
    return run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql]).strip()


def ensure_database(db: str) -> None:
    if not psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"):
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db])


def redis_up() -> bool:
    if not shutil.which("redis-cli"):
        return False
    return (
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True, text=True
        ).stdout.strip()
        == "PONG"
    )


def redis_db(port_base: int) -> int:
    """Redis database number: 5 for the default ports, another one per port base (8301: 7), so two
    harnesses on one machine never share a cache."""
    return 5 + (port_base - DEFAULT_PORT_BASE) // 100 % 11


def database_names(prefix: str, products: int, small_products: int, oscar_products: int) -> dict:
    """Database names from the prefix: the 100,000 and 1,000-product catalogues keep their historic
    names; other sizes get databases of their own, so a trial run never reseeds the big one."""
    names = {
        "ours": prefix if products == 100_000 else f"{prefix}_{products}",
        "ours-1k": f"{prefix}_small" if small_products == 1_000 else f"{prefix}_{small_products}",
    }
    oscar = "oscar_bench" if prefix == DEFAULT_PREFIX else f"{prefix}_oscar"
    names["oscar"] = f"{oscar}_{oscar_products}" if oscar_products else oscar
    return names


def our_env(db: str, secret: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=PG + db,
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; there is no TLS proxy here
        SERVE_MEDIA="true",
        MARKETPLACE_VAR_DIR=str(VAR),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    if redis_url:  # empty: Redis is not running, the production settings use the file cache
        env["REDIS_URL"] = redis_url
    return env


def oscar_env(db: str, secret: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="oscar_site.settings",
        OSCAR_DB=db,
        OSCAR_BENCH_VAR=str(VAR / "oscar"),
        SECRET_KEY=secret,
        PYTHONPATH=str(BENCH),
    )
    env.pop("REDIS_URL", None)
    if redis_url:  # empty: Redis is not running, the production settings use the file cache
        env["REDIS_URL"] = redis_url
    return env


def prepare_ours(site: Site, env: dict, seller_orders: int = 0) -> None:
    ensure_database(site.db)
    run([PYTHON, "manage.py", "migrate", "--noinput"], env=env)
    count = int(psql(site.db, "SELECT count(*) FROM marketplace_product") or 0)
    if count != site.products:
        log(f"{site.db}: seeding {site.products} products (had {count}; 100,000 take about 2 minutes)")
        reset = ["--reset"] if count else []
        run([PYTHON, "manage.py", "seed_demo", "--products", site.products, *reset], env=env)
    if seller_orders:
        seeded = json.loads(run([PYTHON, "bench/seed_orders.py", "--orders", seller_orders], env=env))
        added = f" ({seeded['added']} added in {seeded.get('seconds')}s)" if seeded["added"] else ""
        log(f"{site.db}: the demo merchant's store has {seeded['orders']} orders{added}")
        shipped = f" ({seeded['shipments_added']} added)" if seeded.get("shipments_added") else ""
        log(f"{site.db}: and {seeded.get('shipments', 0)} shipments{shipped}")
        site.info["seller_orders"] = seeded["orders"]
        site.info["shipments"] = seeded.get("shipments", 0)
    site.info.update(json.loads(run([PYTHON, "bench/probe.py", "discover-ours"], env=env)))
    log(f"{site.db}: {site.info['products']} visible products, category {site.info['category']}")


def prepare_oscar(site: Site, env: dict, ours_env: dict, expected: int) -> None:
    ensure_database(site.db)
    manage = [OSCAR_VENV / "python", "oscar_site/manage.py"]
    run([*manage, "migrate", "--noinput"], env=env, cwd=BENCH)
    count = int(psql(site.db, "SELECT count(*) FROM catalogue_product") or 0)
    if count < expected:
        full = VAR / "oscar" / "catalogue.csv"
        full.parent.mkdir(parents=True, exist_ok=True)
        if not full.exists() or site.products == 0:
            log(f"exporting our catalogue to Oscar's CSV format: {full}")
            run([PYTHON, "-m", "bench.oscar_export", full], env=ours_env)
        csv_path = full
        if site.products:  # the first N products only (Oscar's importer is slow)
            csv_path = full.with_name(f"catalogue-{site.products}.csv")
            with full.open(encoding="utf-8") as source, csv_path.open("w", encoding="utf-8") as out:
                for number, line in enumerate(source):
                    if number >= site.products:
                        break
                    out.write(line)
        log(f"oscar_import_catalogue: {expected} products (row by row: about 15 s per 1,000 here)")
        run([*manage, "oscar_import_catalogue", csv_path], env=env, cwd=BENCH)
    site.info = json.loads(run([OSCAR_VENV / "python", "probe.py", "discover-oscar"], env=env, cwd=BENCH))
    log(f"{site.db}: {site.info['products']} Oscar products")


def unpack(ref: str) -> Path:
    """The code of `ref`, unpacked under bench/var (git archive: the working tree is left alone)."""
    commit = run(["git", "rev-parse", "--short", ref]).strip()
    target = VAR / f"before-{commit}"
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def static_fresh() -> bool:
    """The manifest the production settings need exists and is newer than our static files."""
    manifest = VAR / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max((f.stat().st_mtime for f in (ROOT / "static").rglob("*") if f.is_file()), default=0)
    return manifest.stat().st_mtime > newest


def start(site: Site, command: list, env: dict, cwd: Path) -> None:
    logfile = open(VAR / f"gunicorn-{site.name}.log", "w")  # noqa: SIM115 (kept open while it runs)
    site.process = subprocess.Popen(
        [str(c) for c in command]
        + [
            "--bind",
            f"127.0.0.1:{site.port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=cwd,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        if status(site.url + "/__bench__/bare/") == 200:
            return
        if site.process.poll() is not None:
            raise SystemExit(f"{site.name} server exited; see {logfile.name}")
        time.sleep(0.5)
    raise SystemExit(f"{site.name} server did not answer on {site.url}")


def stop(sites: list[Site]) -> None:
    for site in sites:
        if site.process and site.process.poll() is None:
            os.killpg(site.process.pid, signal.SIGTERM)  # our own gunicorn master and its workers
            site.process.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def ladder(sites: dict[str, Site]) -> list[Endpoint]:
    big = sites["ours"].info
    cookies = big.get("cookies", {})
    endpoints = [
        Endpoint("bare", "ours", "/__bench__/bare/"),
        Endpoint("one query", "ours", f"/__bench__/one-query/?pk={big['product']}"),
        Endpoint("home", "ours", "/"),
        Endpoint("category 24", "ours", f"/category/{big['category']}/"),
        Endpoint("category 48", "ours", f"/category/{big['category']}/?per_page=48"),
        Endpoint("search", "ours", f"/search/?q={SEARCH}"),
        Endpoint("filtered listing", "ours", f"/products/?{FILTERED}"),
        Endpoint("product", "ours", f"/product/{big['product']}/"),
        Endpoint("cart", "ours", "/cart/", cookie=cookies.get("cart", ""), needs="issue 4"),
        Endpoint("product API", "ours", "/api/v1/products/"),
        # A signed-in shopper never gets the anonymous page cache: the cost of rendering.
        Endpoint(
            "category 24 (signed in)",
            "ours",
            f"/category/{big['category']}/",
            cookie=cookies.get("shopper", ""),
        ),
        Endpoint(
            "product (signed in)", "ours", f"/product/{big['product']}/", cookie=cookies.get("shopper", "")
        ),
        Endpoint(
            "seller order list",
            "ours",
            "/seller/orders/",
            cookie=cookies.get("merchant", ""),
            needs="issue 3",
        ),
        # Logistics (issue 11): the quotes for one of the store's paid orders, as its merchant; and a
        # delivered order's page, with its 7-event tracking timeline, as its buyer.
        Endpoint(
            "quote page",
            "ours",
            f"/seller/shipping/{big.get('quote_order') or 'none'}/",
            cookie=cookies.get("merchant", ""),
            needs="issue 11, and --seller-orders",
        ),
        Endpoint(
            "order page with tracking",
            "ours",
            f"/orders/{big.get('tracked_order') or 'none'}/",
            cookie=cookies.get("tracked_buyer", ""),
            needs="issue 11, and --seller-orders",
        ),
    ]
    if "ours-1k" in sites:
        small_shopper = sites["ours-1k"].info.get("cookies", {}).get("shopper", "")
        shopper = cookies.get("shopper", "")
        # Signed in, so each request runs the search (no page cache): how its cost grows.
        endpoints += [
            Endpoint("search @1k", "ours-1k", f"/search/?q={SEARCH}"),
            Endpoint("filtered listing @1k", "ours-1k", f"/products/?{FILTERED}"),
            Endpoint("search (signed in)", "ours", f"/search/?q={SEARCH}", cookie=shopper),
            Endpoint("search @1k (signed in)", "ours-1k", f"/search/?q={SEARCH}", cookie=small_shopper),
            Endpoint("filtered listing (signed in)", "ours", f"/products/?{FILTERED}", cookie=shopper),
            Endpoint(
                "filtered listing @1k (signed in)", "ours-1k", f"/products/?{FILTERED}", cookie=small_shopper
            ),
        ]
    if "before" in sites:
        endpoints += [
            Endpoint(f"{e.name} (before)", "before", e.path)
            for e in endpoints
            if e.site == "ours" and e.name in BEFORE_AFTER
        ]
    if "oscar" in sites:
        endpoints += [
            Endpoint("oscar bare", "oscar", "/__bench__/bare/"),
            Endpoint("oscar catalogue", "oscar", "/catalogue/"),
            Endpoint("oscar product", "oscar", sites["oscar"].info["product_url"]),
            Endpoint(
                "oscar basket", "oscar", "/basket/", cookie=sites["oscar"].info.get("basket_cookie", "")
            ),
        ]
    return endpoints


BEFORE_AFTER = ("bare", "home", "category 24", "search", "filtered listing", "product", "product API")
COMPARISONS = [
    ("catalogue listing vs Oscar", "category 24", "oscar catalogue"),
    ("product page vs Oscar", "product", "oscar product"),
    ("cart vs Oscar basket", "cart", "oscar basket"),
]
SCALING = [
    ("search", "search", "search @1k"),
    ("filtered listing", "filtered listing", "filtered listing @1k"),
    ("search, signed in", "search (signed in)", "search @1k (signed in)"),
    ("filtered listing, signed in", "filtered listing (signed in)", "filtered listing @1k (signed in)"),
]


def count_queries(sites: dict[str, Site], endpoints: list[Endpoint], envs: dict[str, dict]) -> dict:
    counts = {}
    for name in sites:
        mine = [e for e in endpoints if e.site == name]
        if not mine:
            continue
        args = [f"{e.path}|{e.cookie}" if e.cookie else e.path for e in mine]
        if name == "oscar":
            command, cwd, env = [OSCAR_VENV / "python", "probe.py", "queries", *args], BENCH, envs[name]
        else:
            command, env = [PYTHON, ROOT / "bench" / "probe.py", "queries", *args], envs[name]
            cwd = env.get("PYTHONPATH", ROOT)
        found = json.loads(run(command, env=env, cwd=cwd))
        for endpoint, arg in zip(mine, args, strict=True):
            counts[endpoint.name] = found[arg]
    return counts


def prepare_buyers(env: dict, args, info: dict) -> dict:
    """Fresh buyers (checkout and locust), the goods they buy, the race variant's stock reset."""
    avoid = [info.get("product") or 0, *info.get("cart_variants", [])]
    command = [PYTHON, "bench/buyers.py", "prepare", "--buyers", args.checkout_buyers]
    command += ["--locust-buyers", args.locust_users, "--race-stock", args.race_stock, "--avoid", *avoid]
    return json.loads(run(command, env=env))


def measure_checkout(site: Site, env: dict, prepared: dict, seconds: float, bare_rps) -> dict:
    from bench import checkout as checkout_flow  # needs requests (the bench extra), tests don't

    phases = checkout_flow.measure(site.url, prepared, seconds, log=log)
    usernames = [b["username"] for b in prepared["buyers"]]
    race = prepared["race"]
    facts = json.loads(
        run(
            [
                PYTHON,
                "bench/buyers.py",
                "verify",
                "--since",
                prepared["since"],
                "--race-variant",
                race["variant"],
            ]
            + ["--race-stock", race["stock"], "--users", *usernames],
            env=env,
        )
    )
    summary = report.checkout_summary(
        [asdict(o) for o in phases["throughput"].outcomes],
        phases["throughput"].seconds,
        bare_rps,
        [asdict(o) for o in phases["last_units"].outcomes],
        facts,
        buyers=len(usernames),
    )
    summary["database"] = facts
    return summary


def locust(site: Site, seconds: int, users: int, cookie: str, prepared: dict | None = None) -> dict:
    """The mixed-traffic scenario (bench/locustfile.py), headless; its own summary of what was missing."""
    locust_bin = ROOT / ".venv" / "bin" / "locust"
    if not locust_bin.exists():
        return {"missing": "locust is not installed (pip install -e '.[bench]')"}
    prefix = RESULTS / "locust"
    env = dict(os.environ, BENCH_LOCUST_REPORT=str(prefix) + "_flows.json", BENCH_SHOPPER_COOKIE=cookie)
    if prepared:  # each locust user checks out as a buyer of its own (bench/locustfile.py)
        buyers = prefix.parent / (prefix.name + "_buyers.json")
        buyers.write_text(
            json.dumps(
                {
                    "buyers": prepared["locust_buyers"],
                    "pool": prepared["pool"],
                    "pool_products": prepared["pool_products"],
                }
            )
        )
        env["BENCH_LOCUST_BUYERS"] = str(buyers)
    run(
        [
            locust_bin,
            "-f",
            BENCH / "locustfile.py",
            "--headless",
            "--users",
            users,
            "--spawn-rate",
            users,
            "--run-time",
            f"{seconds}s",
            "--host",
            site.url,
            "--csv",
            prefix,
            "--only-summary",
        ],
        env=env,
    )
    return report.locust_summary(
        (prefix.parent / (prefix.name + "_stats.csv")).read_text(),
        json.loads(Path(env["BENCH_LOCUST_REPORT"]).read_text()),
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--small-products", type=int, default=1_000, help="0 skips the scaling rows")
    parser.add_argument("--seconds", type=float, default=5, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--no-oscar", action="store_true")
    parser.add_argument(
        "--oscar-products",
        type=int,
        default=0,
        help="load only the first N products into Oscar (database oscar_bench_N); default: all of ours",
    )
    parser.add_argument("--locust-seconds", type=int, default=120, help="0 skips the mixed scenario")
    parser.add_argument("--locust-users", type=int, default=8)
    parser.add_argument(
        "--checkout-seconds",
        type=float,
        default=30,
        help="checkout throughput: seconds the buyers loop through the pages (0 skips it and the race)",
    )
    parser.add_argument("--checkout-buyers", type=int, default=8)
    parser.add_argument("--race-stock", type=int, default=20, help="stock of the last-units variant")
    parser.add_argument(
        "--seller-orders",
        type=int,
        default=10_000,
        help="orders the demo merchant's store holds for the seller order list (topped up; 0 skips)",
    )
    parser.add_argument("--only", nargs="*", help="endpoint names to run (bare is always added)")
    parser.add_argument(
        "--db-prefix",
        default=DEFAULT_PREFIX,
        help="PostgreSQL database names start with this (default %(default)s): two people can bench at once",
    )
    parser.add_argument(
        "--port-base",
        type=int,
        default=DEFAULT_PORT_BASE,
        help="first of the four server ports (default %(default)s); the Redis database number follows it",
    )
    parser.add_argument(
        "--before",
        metavar="GIT_REF",
        help="also serve this commit's code on the same database and measure its main pages (before/after)",
    )
    args = parser.parse_args(argv)

    VAR.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    secret = secrets.token_urlsafe(48)
    use_redis = redis_up()
    redis_url = f"{REDIS}{redis_db(args.port_base)}" if use_redis else ""
    names = database_names(args.db_prefix, args.products, args.small_products, args.oscar_products)
    port = args.port_base
    sites = {"ours": Site("ours", port, names["ours"], args.products)}
    if args.small_products:
        sites["ours-1k"] = Site("ours-1k", port + 1, names["ours-1k"], args.small_products)
    if not args.no_oscar:
        sites["oscar"] = Site("oscar", port + 2, names["oscar"], args.oscar_products)
    if args.before:
        sites["before"] = Site("before", port + 3, names["ours"], args.products)
    envs = {
        name: (oscar_env if name == "oscar" else our_env)(site.db, secret, redis_url)
        for name, site in sites.items()
    }
    code_dirs = {name: ROOT for name in sites}
    if args.before:
        code_dirs["before"] = unpack(args.before)
        envs["before"]["PYTHONPATH"] = str(code_dirs["before"])
    log(f"cache: {redis_url or 'file cache (Redis is not running)'}; ports from {port}")
    for name, site in sites.items():
        if name not in ("oscar", "before"):
            prepare_ours(site, envs[name], args.seller_orders if name == "ours" else 0)
    if args.before:
        sites["before"].info = sites["ours"].info
    if not static_fresh():
        log("collectstatic (compressing every file takes a minute or two)")
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env=envs["ours"])
    if "oscar" in sites:
        expected = args.oscar_products or sites["ours"].info["products"]
        prepare_oscar(sites["oscar"], envs["oscar"], envs["ours"], expected)

    try:
        for name, site in sites.items():
            if name == "oscar":
                start(site, [OSCAR_VENV / "gunicorn", "oscar_site.wsgi:application"], envs[name], BENCH)
            else:
                start(
                    site,
                    [ROOT / ".venv" / "bin" / "gunicorn", "marketplace.wsgi:application"],
                    envs[name],
                    code_dirs[name],
                )
        endpoints = ladder(sites)
        if args.only:
            endpoints = [e for e in endpoints if e.name in {"bare", *args.only}]
        missing, present = {}, []
        for endpoint in endpoints:
            code = status(sites[endpoint.site].url + endpoint.path, endpoint.cookie)
            if code == 200:
                present.append(endpoint)
            else:
                why = f"answers {code}" + (f" (arrives with {endpoint.needs})" if endpoint.needs else "")
                missing[endpoint.name] = why
                log(f"skipping {endpoint.name}: {why}")
        checkout_status = status(sites["ours"].url + "/checkout/")
        queries = count_queries(sites, present, envs)
        # The probe's cold requests started a new catalogue version: one request each renders the
        # pages again (and fills the page cache), so no round measures a first render.
        for endpoint in present:
            status(sites[endpoint.site].url + endpoint.path, endpoint.cookie)
        samples: dict[str, list[dict]] = {e.name: [] for e in present}
        by_name = {e.name: e for e in present}
        for number, order in enumerate(report.round_orders(list(by_name), args.rounds), start=1):
            log(f"round {number}/{args.rounds}")
            for name in order:
                endpoint = by_name[name]
                headers = [f"Cookie: {endpoint.cookie}"] if endpoint.cookie else []
                sample = wrk(
                    sites[endpoint.site].url + endpoint.path,
                    seconds=args.seconds,
                    connections=args.connections,
                    headers=headers,
                )
                samples[name].append(sample.as_dict())
                # Requests wrk left queued in gunicorn would slow the next endpoint: wait them out.
                status(sites[endpoint.site].url + "/__bench__/bare/")
        rows = report.summarize(samples, queries)
        prepared = None
        if checkout_status != 404 and (args.checkout_seconds or args.locust_seconds):
            prepared = prepare_buyers(envs["ours"], args, sites["ours"].info)
        if checkout_status == 404:
            checkout = {"missing": "/checkout/ answered 404 (arrives with issue 4)"}
        elif not args.checkout_seconds:
            checkout = {"missing": "skipped (--checkout-seconds 0)"}
        else:
            checkout = measure_checkout(
                sites["ours"], envs["ours"], prepared, args.checkout_seconds, rows.get("bare", {}).get("rps")
            )
        mixed = {"missing": "skipped (--locust-seconds 0)"}
        if args.locust_seconds:
            log(f"locust mixed traffic: {args.locust_users} users for {args.locust_seconds}s")
            mixed = locust(
                sites["ours"],
                args.locust_seconds,
                args.locust_users,
                sites["ours"].info.get("cookies", {}).get("shopper", ""),
                prepared,
            )
    finally:
        stop(list(sites.values()))

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            **vars(args),
            "cache": "redis" if use_redis else "file",
            "workers": 2,
            "search": SEARCH,
            "filtered": FILTERED,
        },
        "catalogue": {name: site.info.get("products") for name, site in sites.items()},
        "rows": rows,
        "missing": missing,
        "comparisons": report.comparisons(rows, COMPARISONS),
        "scaling": report.scaling(rows, SCALING),
        "locust": mixed,
        "checkout": checkout,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for path in (RESULTS / f"{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(result, indent=2, default=str))
    print()
    print(report.table(rows, missing))
    print()
    print(report.comparison_table(result["comparisons"], result["scaling"]))
    print()
    print(report.checkout_table(checkout))
    print()
    print(report.locust_table(mixed))
    print(f"\nSaved {RESULTS / f'{stamp}.json'}")
    return 0


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu": model, "python": sys.version.split()[0]}


if __name__ == "__main__":
    sys.exit(main())
