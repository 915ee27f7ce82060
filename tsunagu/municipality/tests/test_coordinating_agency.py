"""The coordinating agency is a reference resolved when the profile is loaded, never an
agency found by comparing names at each request (issue 13.2)."""

import copy
from pathlib import Path

import yaml

from tsunagu.access import policy
from tsunagu.intake.actions import coordinating_agency
from tsunagu.municipality.actions import load_profile

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"


def _load(tmp_path, data):
    path = tmp_path / "minato.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_profile(path=path).municipality


def test_loading_the_profile_sets_the_reference(db, tmp_path):
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    municipality = _load(tmp_path, data)
    assert municipality.coordinating_agency.name == data["settings"]["coordinating_agency"]
    changed = copy.deepcopy(data)
    changed["settings"]["coordinating_agency"] = "みなと町社会福祉協議会"
    municipality = _load(tmp_path, changed)
    assert municipality.coordinating_agency.name == "みなと町社会福祉協議会"


def test_the_rules_follow_the_reference_not_the_name(town, coordinator, owner):
    agency = town.coordinating_agency
    agency.name = "名称変更後の社会福祉協議会"
    agency.save()
    town.municipality.settings["coordinating_agency"] = "古い名前"
    town.municipality.save()
    assert policy.coordinating_municipality_ids(coordinator) == {town.municipality.pk}
    assert policy.coordinating_municipality_ids(owner) == set()
    assert coordinating_agency(town.municipality) == agency
