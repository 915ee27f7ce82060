"""年度実績: time the whole report of one 年度 against its SQL twin.

    DATABASE_URL=postgres://…/tsunagu_bench_large python bench/reports/run.py --fy 2025

Runs against a database already seeded by ``make bench`` (bench/pages/harness.py prepares
``tsunagu_bench_<scale>``). "report" is what the page computes (every section, breakdowns,
months, and the totals of the plan's other years for the trend); "twin" is the same counts
written by hand in SQL, run on the same connection. Figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from tsunagu.municipality.selectors import current_municipality  # noqa: E402
from tsunagu.reports import present  # noqa: E402
from tsunagu.reports.indicators import build_report, year_bounds  # noqa: E402

# The twin: each aggregate the report runs, written once by hand (no ORM, no Python rows).
TWIN = [
    "select count(*), count(distinct person_id) from intake_consultation where municipality_id=%(m)s and received_at >= %(s)s and received_at < %(e)s",
    "select channel, count(*) from intake_consultation where municipality_id=%(m)s and received_at >= %(s)s and received_at < %(e)s group by channel",
    "select agency_id, count(*) from intake_consultation where municipality_id=%(m)s and received_at >= %(s)s and received_at < %(e)s group by agency_id",
    "select date_trunc('month', received_at at time zone 'Asia/Tokyo'), count(*) from intake_consultation where municipality_id=%(m)s and received_at >= %(s)s and received_at < %(e)s group by 1",
    "select count(*) from intake_consultation c where municipality_id=%(m)s and received_at >= %(s)s and received_at < %(e)s and not exists (select 1 from intake_consultation p where p.person_id = c.person_id and p.received_at < c.received_at)",
    "select count(*) from intake_recipienttask t join intake_referral r on r.id = t.referral_id where r.municipality_id=%(m)s and r.sent_at >= %(s)s and r.sent_at < %(e)s",
    "select count(*) from intake_coordinationrequest q join intake_consultation c on c.id = q.consultation_id where c.municipality_id=%(m)s and q.requested_at >= %(s)s and q.requested_at < %(e)s",
    "select count(*) from coordination_case where municipality_id=%(m)s and opened_at >= %(s)s and opened_at < %(e)s",
]


def time_it(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def twin(params) -> None:
    with connection.cursor() as cursor:
        for sql in TWIN:
            cursor.execute(sql, params)
            cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fy", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    municipality = current_municipality()
    start, end = year_bounds(args.fy)
    params = {"m": municipality.pk, "s": start, "e": end}

    def report() -> None:
        built = build_report(municipality, args.fy)
        present.lines(built, publish=True)

    report()  # warm
    app = time_it(report, args.repeat)
    data = time_it(lambda: twin(params), args.repeat)
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from intake_consultation where municipality_id=%s", [municipality.pk]
        )
        consultations = cursor.fetchone()[0]
    print(f"consultations in the database: {consultations:,}; fiscal year {args.fy}")
    print(
        f"report (page computation): median {statistics.median(app):.0f} ms, max {max(app):.0f} ms"
    )
    print(
        f"SQL twin (main counts):    median {statistics.median(data):.0f} ms, max {max(data):.0f} ms"
    )
    print(f"ratio report/twin: {statistics.median(app) / statistics.median(data):.1f}")


if __name__ == "__main__":
    main()
