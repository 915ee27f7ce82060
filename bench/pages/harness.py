"""Page benchmark: the key pages over real HTTP against gunicorn, next to the same data
fetched with hand-written SQL through psycopg, at two data scales.

Usage (from the repo root, normally through `make bench`):
    .venv/bin/python -m bench.pages.harness --scale small --scale large

For each scale it prepares a PostgreSQL database `tsunagu_bench_<scale>` (created, migrated,
loaded with the 越谷市 profile and `seed_demo --scale <scale>` on first use, then reused),
starts gunicorn on 127.0.0.1, logs in as a demo counsellor of the busiest agency, and times
each page and its SQL twin. Results go to var/bench/pages-<scale>.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

from bench.pages.specs import PAGES, PageContext, full_twin

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench"
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PROFILE = os.environ.get("BENCH_PROFILE", "koshigaya")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))  # gunicorn sync workers


def db_url(scale: str) -> str:
    return f"{PG_BASE}/tsunagu_bench_{scale}"


def manage(scale: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": db_url(scale), "TSUNAGU_PROFILE": PROFILE}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare(scale: str) -> None:
    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", [f"tsunagu_bench_{scale}"]
        ).fetchone()
        if not exists:
            conn.execute(f'create database "tsunagu_bench_{scale}"')
    manage(scale, "migrate", "--noinput")
    with psycopg.connect(db_url(scale)) as conn:
        loaded = conn.execute("select count(*) from intake_consultation").fetchone()[0]
    if not loaded:
        started = time.perf_counter()
        manage(scale, "load_profile", PROFILE)
        manage(scale, "seed_demo", "--profile", PROFILE, "--scale", scale, "--today", "2026-11-01")
        print(f"[{scale}] seed_demo: {time.perf_counter() - started:.0f} s", flush=True)


class Server:
    def __init__(self, scale: str, workers: int = WORKERS):
        self.scale = scale
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": db_url(self.scale),
            "TSUNAGU_PROFILE": PROFILE,
            "DEBUG": "0",
            "TSUNAGU_ENV": "bench",  # plain HTTP: the settings default to production
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "tsunagu.wsgi",
                f"--bind=127.0.0.1:{PORT}",
                f"--workers={self.workers}",
                "--access-logfile=-"
                if os.environ.get("BENCH_ACCESS_LOG")
                else "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(300):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=5)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.proc.terminate()
        raise RuntimeError("gunicorn did not start")

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def login(username: str) -> requests.Session:
    session = requests.Session()
    base = f"http://127.0.0.1:{PORT}"
    session.get(f"{base}/accounts/login/")
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": "tsunagu-demo",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed for {username}")
    return session


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_page(session: requests.Session, urls: list[str]) -> list[float]:
    base = f"http://127.0.0.1:{PORT}"
    for url in urls[:3]:  # warm-up
        session.get(base + url)
    times = []
    for i in range(SAMPLES):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = session.get(base + url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return times


def time_sql(conn, fetch, args_list) -> list[float]:
    for args in args_list[:3]:
        fetch(conn, *args)
    times = []
    for i in range(SAMPLES):
        started = time.perf_counter()
        fetch(conn, *args_list[i % len(args_list)])
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_scale(scale: str) -> dict:
    prepare(scale)
    results: dict = {"scale": scale, "pages": {}}
    # Autocommit, as Django runs: each statement (and the twin's audit transaction) commits.
    with psycopg.connect(db_url(scale), autocommit=True) as conn, Server(scale) as server:
        ctx = PageContext.build(conn)
        results["counts"] = ctx.counts
        sessions = {ctx.username: login(ctx.username)}
        if ctx.coordinator:
            sessions[ctx.coordinator] = login(ctx.coordinator)
        # The floor: the logged-in home page pays what every page pays (session, user,
        # memberships, base template) and reads no case data.
        floor = time_page(sessions[ctx.username], ["/"])
        results["floor_p50"] = statistics.median(floor)
        print(f"[{scale}] floor (home): p50 {results['floor_p50']:.1f} ms", flush=True)
        for page in PAGES:
            urls, sql_args = page.samples(conn, ctx)
            if not urls:
                print(f"[{scale}] {page.name}: no data, skipped", flush=True)
                continue
            if page.as_coordinator:
                username, user_id, agency_id = (
                    ctx.coordinator,
                    ctx.coordinator_id,
                    ctx.coordinator_agency_id,
                )
            else:
                username, user_id, agency_id = ctx.username, ctx.user_id, ctx.agency_id
            session = sessions[username]
            app = time_page(session, urls)
            sql = time_sql(conn, page.sql, sql_args)
            twin = full_twin(page, session.cookies["sessionid"], user_id, agency_id)
            full = time_sql(conn, twin, sql_args)
            results["pages"][page.name] = {
                "app_p50": statistics.median(app),
                "app_p95": percentile(app, 95),
                "sql_p50": statistics.median(sql),
                "sql_p95": percentile(sql, 95),
                "full_p50": statistics.median(full),
                "full_p95": percentile(full, 95),
            }
            r = results["pages"][page.name]
            print(
                f"[{scale}] {page.name}: app p50 {r['app_p50']:.1f} p95 {r['app_p95']:.1f} ms,"
                f" data SQL p50 {r['sql_p50']:.2f} ms, whole request in SQL p50 {r['full_p50']:.2f} ms",
                flush=True,
            )
        results["rss_mb"] = server.worker_rss_mb()
    return results


def load_run(scale: str, users: int, seconds: int) -> dict:
    with psycopg.connect(db_url(scale)) as conn, Server(scale) as server:
        ctx = PageContext.build(conn)
        prefix = OUT / f"locust-{scale}"
        paths = [
            url
            for page in PAGES
            if not page.as_coordinator
            for url in page.samples(conn, ctx)[0][:5]
        ]
        env = {**os.environ, "BENCH_USERNAMES": ctx.username, "BENCH_PATHS": ",".join(paths)}
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "pages" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        rss = server.worker_rss_mb()
    # Only the page requests count: logins (PBKDF2 by design) are set-up, not browsing.
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        total = next(row for row in csv.DictReader(f) if row["Name"] == "page")
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p95_ms": float(total["95%"]),
        "rss_mb": rss,
    }


def report(all_results: list[dict]) -> None:
    for res in all_results:
        print(f"\n== scale {res['scale']}: {res['counts']}")
        print(f"floor (logged-in home page) p50: {res['floor_p50']:.1f} ms")
        print("data = the rows the page shows, in SQL; whole = data + session, user, memberships")
        print("and the audit event (bench/pages/specs.py); ratios on p50")
        print(
            f"{'page':<20}{'app p50':>9}{'app p95':>9}{'data p50':>9}{'whole p50':>10}"
            f"{'app/data':>9}{'app/whole':>10}"
        )
        for name, r in res["pages"].items():
            print(
                f"{name:<20}{r['app_p50']:>9.1f}{r['app_p95']:>9.1f}{r['sql_p50']:>9.2f}{r['full_p50']:>10.2f}"
                f"{r['app_p50'] / max(r['sql_p50'], 0.001):>9.1f}{r['app_p50'] / max(r['full_p50'], 0.001):>10.1f}"
            )
        print(f"worker RSS MB: {[round(x) for x in res['rss_mb']]}")
        if "load" in res:
            print(f"load: {res['load']}")
    if len(all_results) >= 2:
        small, large = all_results[0], all_results[-1]
        print(f"\ngrowth {small['scale']}→{large['scale']} (app p95):")
        for name in small["pages"]:
            if name in large["pages"]:
                print(
                    f"  {name:<22}{large['pages'][name]['app_p95'] / small['pages'][name]['app_p95']:.2f}x"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", action="append", choices=["small", "city", "large"])
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in args.scale or ["small", "large"]:
        res = run_scale(scale)
        if scale == (args.scale or ["small", "large"])[-1] and args.load_users:
            res["load"] = load_run(scale, args.load_users, args.load_seconds)
        (OUT / f"pages-{scale}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1))
        results.append(res)
    report(results)


if __name__ == "__main__":
    main()
