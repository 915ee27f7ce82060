"""社会資源台帳 at `large`: search p95 over 20,000 resources, HSDS export of 20,000 services.

Run with `make bench-resources` (PostgreSQL, database tsunagu_bench_resources). Loads the
柏崎市 profile (its 圏域), seeds 20,000 resources with a year of monthly activity records
(tsunagu/demo/resources.py), then requests the staff search page through Django's test
client as a reader (session, policy, query, template: the whole page) for a mix of criteria,
and times the HSDS JSON export. Prints figures for BENCHMARKS.md.
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from tsunagu.accounts.models import Membership, Role, User  # noqa: E402
from tsunagu.demo.resources import create_resources  # noqa: E402
from tsunagu.municipality.models import Area, AreaLevel, Municipality  # noqa: E402
from tsunagu.resources import hsds  # noqa: E402
from tsunagu.resources.models import Resource  # noqa: E402

PROFILE = "kashiwazaki"
RUNS = 40


def prepare() -> Municipality:
    call_command("migrate", verbosity=0)
    if not Municipality.objects.filter(slug=PROFILE).exists():
        call_command("load_profile", PROFILE, stdout=io.StringIO())
    m = Municipality.objects.get(slug=PROFILE)
    if not Area.objects.filter(municipality=m).exists():
        make_areas(m)
    if Resource.objects.filter(municipality=m).count() < 20_000:
        Resource.objects.filter(municipality=m).delete()
        made = create_resources(m, scale="large", seed=1, today=datetime.date(2026, 3, 31))
        print(f"seeded {made}", flush=True)
    # Bulk-written tables need statistics and the visibility map (index-only counts).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return m


def make_areas(m: Municipality) -> None:
    """The profile names 柏崎市's levels but no areas: a town-wide area, 5 日常生活圏域 and 30
    地区 (the shape of the seed plans), with the resources spread over the 地区. Levels the
    profile already defines are reused."""
    names = ["市全域", "日常生活圏域", "地区"]
    AreaLevel.objects.filter(municipality=m).update(depth=F("depth") + len(names))
    levels = []
    for depth, name in enumerate(names):
        level, _ = AreaLevel.objects.get_or_create(
            municipality=m, name=name, defaults={"depth": depth}
        )
        level.depth = depth
        level.save(update_fields=["depth"])
        levels.append(level)
    whole = Area.objects.create(municipality=m, level=levels[0], name=f"{m.name}全域")
    leaves = []
    for i in range(5):
        zone = Area.objects.create(
            municipality=m, level=levels[1], name=f"第{i + 1}圏域", parent=whole
        )
        leaves += [
            Area.objects.create(
                municipality=m, level=levels[2], name=f"第{i + 1}圏域{j + 1}地区", parent=zone
            )
            for j in range(6)
        ]
    rows = list(Resource.objects.filter(municipality=m).only("pk"))
    for n, r in enumerate(rows):
        r.area = leaves[n % len(leaves)]
    Resource.objects.bulk_update(rows, ["area"], batch_size=2000)


def reader(m: Municipality) -> User:
    user, created = User.objects.get_or_create(
        username="bench-resources", defaults={"display_name": "bench"}
    )
    if created:
        agency = m.agencies.first()
        Membership.objects.create(user=user, agency=agency, role=Role.COUNSELLOR)
    return user


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    m = prepare()
    total = Resource.objects.filter(municipality=m).count()
    client = Client()
    client.force_login(reader(m))
    areas = list(Area.objects.filter(municipality=m).order_by("level__depth", "pk"))
    leaf = areas[-1] if areas else None
    top = areas[0] if areas else None
    url = reverse("resources:index")
    cases = {
        "no criteria (page 1 of all)": {},
        "keyword サロン": {"q": "サロン"},
        "keyword + target 高齢": {"q": "体操", "target": "elderly"},
        "kind + day": {"kind": "children_cafeteria", "day": "2"},
        "leaf area (with wider areas)": {"area": leaf.pk} if leaf else {},
        "top area (whole town)": {"area": top.pk} if top else {},
        "area + target + day + keyword": {
            **({"area": leaf.pk} if leaf else {}),
            "target": "children",
            "day": "1",
            "q": "食堂",
        },
    }
    print(f"resources: {total}, areas: {len(areas)}, runs per case: {RUNS}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (the machine is shared)")
    print(f"{'case':40} {'median ms':>10} {'p95 ms':>10} {'CPU p95 ms':>11}")
    worst = 0.0
    for label, params in cases.items():
        client.get(url, params)  # warm
        samples, cpu = [], []
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        worst = max(worst, p95(samples))
        print(
            f"{label:40} {statistics.median(samples):10.1f} {p95(samples):10.1f} {p95(cpu):11.1f}"
        )
    print(f"search p95 worst case: {worst:.1f} ms (target ≤ 100 ms)")
    timings, cpu_timings = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = hsds.to_json(hsds.export_tables(m))
        timings.append(time.perf_counter() - start)
        cpu_timings.append(time.process_time() - start_cpu)
    services = Resource.objects.public().filter(municipality=m).count()
    print(
        f"HSDS export: {services} public services, {len(data) / 1e6:.1f} MB, "
        f"wall best {min(timings):.2f} s, worst {max(timings):.2f} s; "
        f"application CPU best {min(cpu_timings):.2f} s (target ≤ 10 s)"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, PostgreSQL {connection.pg_version}"
    )


if __name__ == "__main__":
    main()
