"""Each real profile (profiles/*.yaml) against its plan: it loads, its structure contains the
rows of profiles/facts/NAME.csv, its meeting bodies match profiles/facts/NAME_meetings.csv,
its 圏域 are exactly profiles/facts/NAME_areas.csv (nothing invented), and every name it
declares appears in the plan text profiles/seeds/NAME.txt."""

import csv
import io
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tsunagu.municipality.actions import load_profile
from tsunagu.municipality.profile import PARTY_LISTS, ProfileInvalid, read_profile
from tsunagu.municipality.selectors import STRUCTURE_HEADER

PROFILES_DIR = Path(settings.BASE_DIR) / "profiles"
PROFILES = sorted(PROFILES_DIR.glob("*.yaml"))
MEETINGS_HEADER = ["会議体", "機能", "本人同意", "開催頻度"]
AREAS_HEADER = ["階層", "計画上の数", "圏域", "上位の圏域"]

pytestmark = pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def read_csv(path: Path, header: list[str]) -> list[dict[str, str]]:
    assert path.exists(), f"{path.relative_to(PROFILES_DIR.parent)} がありません"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == header, f"{path.name} の見出しが {header} ではありません"
        return list(reader)


def loaded(path: Path):
    try:
        return load_profile(path=path).municipality
    except ProfileInvalid as exc:
        pytest.fail("\n".join(exc.messages))


@pytest.mark.django_db
def test_profile_loads_without_errors(path):
    municipality = loaded(path)
    assert municipality.slug == path.stem
    assert municipality.programmes.exists()


@pytest.mark.django_db
def test_structure_contains_every_row_of_the_plan_facts(path):
    facts = read_csv(PROFILES_DIR / "facts" / f"{path.stem}.csv", list(STRUCTURE_HEADER))
    assert facts, "facts の行がありません"
    loaded(path)
    out = io.StringIO()
    call_command("structure", path.stem, "--format", "csv", stdout=out)
    produced = {tuple(normalise(c) for c in row) for row in csv.reader(io.StringIO(out.getvalue()))}
    missing = [
        ",".join(row[h] for h in STRUCTURE_HEADER)
        for row in facts
        if tuple(normalise(row[h]) for h in STRUCTURE_HEADER) not in produced
    ]
    assert not missing, "structure の出力にない行:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_meeting_bodies_match_the_plan_facts(path):
    facts = read_csv(PROFILES_DIR / "facts" / f"{path.stem}_meetings.csv", MEETINGS_HEADER)
    assert facts, "facts の行がありません"
    municipality = loaded(path)
    bodies = {normalise(b.name): b for b in municipality.meeting_bodies.filter(in_profile=True)}
    mismatches = []
    for row in facts:
        body = bodies.get(normalise(row["会議体"]))
        produced = body and [
            "・".join(body.functions),
            body.consent_rule,
            normalise(body.frequency),
        ]
        expected = [row["機能"], row["本人同意"], normalise(row["開催頻度"])]
        if produced != expected:
            mismatches.append(f"{row['会議体']}: 期待 {expected} / 読み込み {produced}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.django_db
def test_areas_are_exactly_the_plan_facts(path):
    facts = read_csv(PROFILES_DIR / "facts" / f"{path.stem}_areas.csv", AREAS_HEADER)
    municipality = loaded(path)
    produced = set()
    for level in municipality.area_levels.all():
        count = str(level.stated_count or "")
        areas = level.areas.filter(in_profile=True).select_related("parent")
        produced |= {
            (level.name, count, a.name, a.parent.name if a.parent else "") for a in areas
        } or {(level.name, count, "", "")}
    expected = {tuple(normalise(row[h]) for h in AREAS_HEADER) for row in facts}
    produced = {tuple(normalise(v) for v in row) for row in produced}
    assert produced == expected, (
        f"facts にない圏域: {produced - expected} / 読み込まれない圏域: {expected - produced}"
    )


def _staff_and_baseline_words(data: dict) -> list[tuple[str, str]]:
    words = []
    for key in (*PARTY_LISTS, "programmes"):
        for i, entry in enumerate(data.get(key) or []):
            words += [(f"{key}[{i}].staff", s["role"]) for s in entry.get("staff") or []]
            words += [(f"{key}[{i}].baselines", b["label"]) for b in entry.get("baselines") or []]
    return words


def test_every_declared_name_appears_in_the_plan_text(path):
    data = read_profile(path)
    seed = PROFILES_DIR / "seeds" / f"{path.stem}.txt"
    assert seed.exists(), f"profiles/seeds/{path.stem}.txt がありません"
    plan = normalise(seed.read_text(encoding="utf-8"))
    names = [
        (f"{key}[{i}]", entry["name"])
        for key in (*PARTY_LISTS, "programmes", "meeting_bodies", "areas")
        for i, entry in enumerate(data.get(key) or [])
    ]
    names += [
        (f"meeting_bodies[{i}].instance_names", name)
        for i, entry in enumerate(data.get("meeting_bodies") or [])
        for name in (entry.get("instance_names") or {}).values()
    ]
    names += _staff_and_baseline_words(data)
    missing = [f"{where}: {name}" for where, name in names if normalise(name) not in plan]
    assert not missing, "計画書にない名称:\n" + "\n".join(missing)
