"""名寄せ benchmark: quality per variant kind, candidate recall and lookup latency, Splink.

    make bench-namematch                       # 100k and 1M persons on PostgreSQL
    python bench/namematch/run.py --sizes 100000 --pairs 12000

Quality uses the pair scoring of ``manage.py namematch`` (matching.score_pair). Candidate
recall and latency load persons into the database named by DATABASE_URL (the Makefile uses
``tsunagu_bench``); a population already loaded for a size is reused.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.namematch.population import (  # noqa: E402
    NEGATIVE_KINDS,
    POSITIVE_KINDS,
    Generator,
    Pair,
    Record,
)
from tsunagu.municipality.models import Agency, Municipality  # noqa: E402
from tsunagu.people import matching  # noqa: E402
from tsunagu.people.matching import LINK, Subject, score_pair  # noqa: E402
from tsunagu.people.models import Person, PersonMatchKey  # noqa: E402

SEED = 20261123


# --- quality -------------------------------------------------------------------------


def subject(record: Record) -> Subject:
    return Subject.of(**asdict(record))


def quality(pairs: list[Pair]) -> dict:
    """Precision/recall/F1 overall and the LINK / surfaced rates per kind."""
    started = time.perf_counter()
    results = [(p, score_pair(subject(p.a), subject(p.b))) for p in pairs]
    seconds = time.perf_counter() - started
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pair, match in results:
        row = per_kind[pair.kind]
        row["pairs"] += 1
        row["link"] += match.band == LINK
        row["surfaced"] += match.band is not None
    predicted = {p.pair_id for p, m in results if m.band == LINK}
    return {"per_kind": per_kind, "seconds": seconds, **prf(pairs, predicted)}


def prf(pairs: list[Pair], predicted: set[str]) -> dict:
    tp = sum(p.same and p.pair_id in predicted for p in pairs)
    fp = sum(not p.same and p.pair_id in predicted for p in pairs)
    fn = sum(p.same and p.pair_id not in predicted for p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_kind = {}
    for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
        members = [p for p in pairs if p.kind == kind]
        if members:
            per_kind[kind] = sum(p.pair_id in predicted for p in members) / len(members)
    return {"precision": precision, "recall": recall, "f1": f1, "link_rate": per_kind}


# --- Splink --------------------------------------------------------------------------


def splink_quality(pairs: list[Pair], threads: int) -> dict:
    """Splink 5 (DuckDB), unsupervised, the same blocking keys; F1 on the same pairs."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    rows = []
    for p in pairs:
        for side, record in (("a", p.a), ("b", p.b)):
            s = subject(record)
            rows.append(
                {
                    "unique_id": f"{p.pair_id}{side}",
                    "family_kana": s.family_kana or None,
                    "given_kana": s.given_kana or None,
                    "sound": s.sound or None,
                    "given_sound": s.given_sound or None,
                    "written": s.written or None,
                    "dob": s.birth_date.isoformat() if s.birth_date else None,
                    "birth_year": s.birth_date.year if s.birth_date else None,
                    "address": s.address or None,
                }
            )
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("sound", "dob"),
            block_on("given_sound", "dob"),
            block_on("sound", "birth_year"),
            block_on("written", "dob"),
            block_on("sound", "address"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("family_kana", [0.9]),
            cl.JaroWinklerAtThresholds("given_kana", [0.9]),
            cl.ExactMatch("written"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("address", [2]),
        ],
    )
    linker = Linker(db_api.register(rows), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("written", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("sound"))
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    probability = {
        (r["unique_id_l"], r["unique_id_r"]): r["match_probability"]
        for r in predictions.as_record_list()
    }
    done = time.perf_counter()

    def prob(p: Pair) -> float:
        a, b = f"{p.pair_id}a", f"{p.pair_id}b"
        return probability.get((a, b), probability.get((b, a), 0.0))

    result: dict[Any, Any] = {"train_seconds": trained - started, "predict_seconds": done - trained}
    for threshold in (0.99, 0.999):
        result[threshold] = prf(pairs, {p.pair_id for p in pairs if prob(p) >= threshold})
    return result


# --- database: candidate recall and latency ------------------------------------------


def load_population(size: int, people: list[Record]) -> Municipality:
    slug = (
        f"bench-{size}-keys3"  # keys3: the cross-script keys of issue 20 (kana/alphabet names only)
    )
    municipality = Municipality.objects.filter(slug=slug).first()
    loaded = PersonMatchKey.objects.filter(municipality=municipality).exists()
    if municipality and loaded and Person.objects.filter(municipality=municipality).count() == size:
        print(f"  {size:,} persons already loaded in {slug}; reusing", flush=True)
        return municipality
    if municipality:
        PersonMatchKey.objects.filter(municipality=municipality).delete()
        Person.objects.filter(municipality=municipality).delete()
    else:
        municipality = Municipality.objects.create(slug=slug, name=f"ベンチ市{size}", settings={})
    agency = Agency.objects.get_or_create(municipality=municipality, name="ベンチ機関")[0]
    started = time.perf_counter()
    first_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copy_persons(municipality, agency, people, first_id)
    copy_keys(municipality, people, first_id)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person; ANALYZE people_personmatchkey")
    print(f"  loaded {size:,} persons in {time.perf_counter() - started:.0f} s", flush=True)
    return municipality


def copy_persons(municipality, agency, people: list[Record], first_id: int) -> None:
    now = timezone.now()
    fields = [f for f in Person._meta.concrete_fields]
    fixed = {"municipality": municipality.pk, "registered_by": agency.pk}

    def value(f, record: Record, pk: int):
        if f.primary_key:
            return pk
        if f.name in fixed:
            return fixed[f.name]
        if hasattr(record, f.name):
            return getattr(record, f.name)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            return f.get_default()
        return None if f.null else ""

    columns = ", ".join(f.column for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
            for offset, record in enumerate(people):
                copy.write_row([value(f, record, first_id + offset) for f in fields])
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('people_person', 'id'), "
            "(SELECT max(id) FROM people_person))"
        )


def copy_keys(municipality, people: list[Record], first_id: int) -> None:
    index = PersonMatchKey._meta.indexes[0]
    # One transaction: an interrupted load must not leave the table without its index.
    with transaction.atomic(), connection.cursor() as cursor:
        with connection.schema_editor() as editor:
            editor.remove_index(PersonMatchKey, index)
        sql = "COPY people_personmatchkey (municipality_id, person_id, kind, key) FROM STDIN"
        with cursor.connection.cursor().copy(sql) as copy:
            for offset, record in enumerate(people):
                for kind, key in matching.stored_keys(subject(record)):
                    copy.write_row((municipality.pk, first_id + offset, kind, key))
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now, since
        # PostgreSQL refuses CREATE INDEX on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            editor.add_index(PersonMatchKey, index)


def percentile(values: Sequence[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def lookups(size: int, queries: int) -> dict:
    generator = Generator(SEED + size)
    print(f"  generating {size:,} persons", flush=True)
    people = generator.population(size)
    municipality = load_population(size, people)
    first_id = Person.objects.filter(municipality=municipality).order_by("pk")[0].pk
    positives = [p for p in generator.pairs(people, queries * 4 // 3) if p.same]
    sql_ms, full_ms, found, surfaced, candidates = [], [], 0, 0, []
    for pair in positives:
        s = subject(pair.b)
        started = time.perf_counter()
        ids = [p.pk for p in matching.candidate_persons(municipality_id=municipality.pk, subject=s)]
        sql_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = matching.find_candidates(municipality_id=municipality.pk, **asdict(pair.b))
        full_ms.append((time.perf_counter() - started) * 1000)
        found += first_id + pair.a_index in ids
        surfaced += any(c.person.pk == first_id + pair.a_index for c in result)
        candidates.append(len(ids))
    n = len(positives)
    return {
        "size": size,
        "queries": n,
        "candidate_recall": found / n,
        "surfaced": surfaced / n,
        "candidates_mean": statistics.mean(candidates),
        "candidates_p95": percentile(candidates, 95),
        "sql_p50": percentile(sql_ms, 50),
        "sql_p95": percentile(sql_ms, 95),
        "full_p50": percentile(full_ms, 50),
        "full_p95": percentile(full_ms, 95),
    }


# --- report --------------------------------------------------------------------------


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = "-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = cursor.fetchone()[0]
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu} CPU cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg} (same machine)"
    )


def report(
    q: dict, splink: dict | None, lookup_rows: list[dict], n_pairs: int, population: int
) -> str:
    lines = [
        f"Run {datetime.date.today()} on {machine()}.",
        "",
        f"**Quality** ({n_pairs:,} labelled pairs from a {population:,}-person population, seed {SEED}; "
        "`same` = LINK band):",
        "",
        "| | precision | recall | F1 | time |",
        "|---|---|---|---|---|",
        f"| tsunagu (`namematch` scoring) | {q['precision']:.4f} | {q['recall']:.4f} | "
        f"**{q['f1']:.4f}** | {q['seconds']:.2f} s |",
    ]
    if splink:
        for threshold in (0.99, 0.999):
            r = splink[threshold]
            lines.append(
                f"| Splink 5 DuckDB, p ≥ {threshold} | {r['precision']:.4f} | {r['recall']:.4f} | "
                f"{r['f1']:.4f} | train {splink['train_seconds']:.1f} s + predict "
                f"{splink['predict_seconds']:.1f} s |"
            )
    lines += [
        "",
        "Per kind (LINK = share of pairs put in the LINK band; surfaced = LINK or REVIEW;"
        " for hard negatives LINK is a false link):",
        "",
        "| kind | same person? | pairs | LINK | surfaced |"
        + (" Splink p≥0.99 |" if splink else ""),
        "|---|---|---|---|---|" + ("---|" if splink else ""),
    ]
    for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
        row = q["per_kind"].get(kind)
        if not row:
            continue
        same = "yes" if kind in POSITIVE_KINDS else "no"
        line = (
            f"| {kind} | {same} | {row['pairs']} | {row['link'] / row['pairs']:.3f} | "
            f"{row['surfaced'] / row['pairs']:.3f} |"
        )
        if splink:
            line += f" {splink[0.99]['link_rate'].get(kind, 0):.3f} |"
        lines.append(line)
    if lookup_rows:
        lines += [
            "",
            "**Candidate lookup** on the database (positive queries: the variant record looked up"
            " against the registered population):",
            "",
            "| persons | queries | true person in candidate list | surfaced (LINK/REVIEW) | "
            "candidates mean / p95 | SQL p50 / p95 | find_candidates p50 / p95 |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in lookup_rows:
            lines.append(
                f"| {r['size']:,} | {r['queries']:,} | {r['candidate_recall']:.4f} | "
                f"{r['surfaced']:.4f} | {r['candidates_mean']:.1f} / {r['candidates_p95']:.0f} | "
                f"{r['sql_p50']:.2f} / {r['sql_p95']:.2f} ms | "
                f"{r['full_p50']:.2f} / {r['full_p95']:.2f} ms |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--population", type=int, default=50_000)
    parser.add_argument("--pairs", type=int, default=12_000)
    parser.add_argument("--sizes", default="100000,1000000", help="'' skips the database part")
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    generator = Generator(SEED)
    pairs = generator.pairs(generator.population(args.population), args.pairs)
    q = quality(pairs)
    print(f"tsunagu F1 {q['f1']:.4f} (P {q['precision']:.4f} R {q['recall']:.4f})", flush=True)
    splink = None if args.no_splink else splink_quality(pairs, args.threads)
    if splink:
        print(f"Splink F1 at 0.99: {splink[0.99]['f1']:.4f}", flush=True)
    lookup_rows = []
    if args.sizes:
        call_command("migrate", verbosity=0)
        for size in (int(s) for s in args.sizes.split(",")):
            lookup_rows.append(lookups(size, args.queries))
            print(lookup_rows[-1], flush=True)
    text = report(q, splink, lookup_rows, len(pairs), args.population)
    print("\n" + text)
    return text


if __name__ == "__main__":
    main()
