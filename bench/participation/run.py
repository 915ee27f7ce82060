"""参加支援 benchmark: matching over 5,000 offers and the offers directory, over HTTP.

Usage (from the repo root): `make bench-participation` (BENCH_PG as for `make bench`).
Prepares the PostgreSQL database `tsunagu_bench_participation` (bench/participation/seed.py),
starts gunicorn through the page harness, logs in as the 参加支援コーディネーター of the
responsible agency and requests each page BENCH_SAMPLES times. Also times the matching
function in-process (read + score, no HTTP). Results: var/bench/participation.json.
"""

from __future__ import annotations

import json
import statistics
import time

import psycopg

from bench.pages import harness

SCALE = "participation"  # → database tsunagu_bench_participation


def prepare() -> None:
    with psycopg.connect(f"{harness.PG_BASE}/postgres", autocommit=True) as conn:
        name = f"tsunagu_bench_{SCALE}"
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')
    harness.manage(SCALE, "migrate", "--noinput")
    with psycopg.connect(harness.db_url(SCALE)) as conn:
        loaded = conn.execute("select count(*) from municipality_municipality").fetchone()[0]
    if not loaded:
        harness.manage(SCALE, "load_profile", harness.PROFILE)
    started = time.perf_counter()
    out = harness.manage(
        SCALE,
        "shell",
        "-c",
        f"from bench.participation.seed import run; run({harness.PROFILE!r})",
    )
    print(f"seed: {time.perf_counter() - started:.0f} s {out.strip()}", flush=True)


def context(conn) -> dict:
    username, agency_id = conn.execute(
        "select u.username, m.agency_id from accounts_user u"
        " join accounts_membership m on m.user_id = u.id"
        " where m.role = 'participation' and m.agency_id in"
        " (select agency_id from participation_participationrecord) order by u.id limit 1"
    ).fetchone()
    records = [
        r[0]
        for r in conn.execute(
            "select id from participation_participationrecord where agency_id = %s order by id",
            [agency_id],
        ).fetchall()
    ]
    area = conn.execute("select id from municipality_area where parent_id is not null limit 1")
    area_id = (area.fetchone() or [""])[0]
    offers = conn.execute("select count(*) from participation_offer").fetchone()[0]
    return {"username": username, "records": records, "area_id": area_id, "offers": offers}


def pages(ctx: dict) -> dict[str, list[str]]:
    records = ctx["records"][:20]
    return {
        "matching (nearby)": [f"/participation/{pk}/match/" for pk in records],
        "matching (all 5,000)": [
            f"/participation/{pk}/match/?everywhere=on&show_blocked=on" for pk in records
        ],
        "offers directory": [
            "/participation/offers/",
            "/participation/offers/?kind=volunteer",
            "/participation/offers/?days=1&days=4&bands=1",
            f"/participation/offers/?area={ctx['area_id']}",
            "/participation/offers/?conditions=short_hours&conditions=care",
            "/participation/offers/?page=50",
            "/participation/offers/?q=%E8%BE%B2%E5%9C%92",
        ],
    }


def in_process(records: list[int]) -> dict:
    """The matching function alone (read + score), in a Django shell on the same database."""
    out = harness.manage(
        SCALE,
        "shell",
        "-c",
        f"from bench.participation.seed import time_matching; time_matching({records!r})",
    )
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    prepare()
    with psycopg.connect(harness.db_url(SCALE)) as conn:
        ctx = context(conn)
    results: dict = {"offers": ctx["offers"], "records": len(ctx["records"]), "pages": {}}
    with harness.Server(SCALE):
        session = harness.login(ctx["username"])
        results["floor_p50"] = statistics.median(harness.time_page(session, ["/"]))
        for name, urls in pages(ctx).items():
            times = harness.time_page(session, urls)
            results["pages"][name] = {
                "p50": statistics.median(times),
                "p95": harness.percentile(times, 95),
            }
    results["match_function_all_offers"] = in_process(ctx["records"][:20])
    harness.OUT.mkdir(parents=True, exist_ok=True)
    (harness.OUT / "participation.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1)
    )
    print(
        f"offers {results['offers']}, records {results['records']}, floor p50 {results['floor_p50']:.1f} ms"
    )
    for name, r in results["pages"].items():
        print(f"{name:<24} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms")
    f = results["match_function_all_offers"]
    print(f"{'match_offers() all':<24} p50 {f['p50']:6.1f} ms  p95 {f['p95']:6.1f} ms")


if __name__ == "__main__":
    main()
