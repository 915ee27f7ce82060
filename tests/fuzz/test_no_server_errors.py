"""No input gives a server error (issue 12 item 10): every URL pattern of the site, GET and
POST, for a logged-in user of each role, with bad values in every parameter any form or
view reads — NUL bytes, superscript and other scripts' digits, out-of-range numbers and
ids, impossible dates, overlong text, off-site redirects.

A deterministic sweep fills each parameter from a fixed list of bad values (rotated so
each parameter meets several of them), and Hypothesis then draws further combinations.
A 4xx is fine (refused, not found, invalid); a 5xx or an exception fails with the URL.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.coordination import printouts
from tsunagu.lib import pdf

ROLES = ["owner", "partner", "unrelated", "coordinator", "admin_user", "auditor"]
SKIPPED = ("admin/", "accounts/logout/")  # Django's admin; logout ends the session

BAD_VALUES = [
    "\x00",
    "山田\x00花子",
    "²",
    "١٢",
    "１２",
    "-1",
    "0",
    "10000",
    "9" * 25,
    "2025-02-30",
    "令和99年1月1日",
    "S45.13.40",
    "<script>alert(1)</script>",
    "",
    " ",
    "1e5",
    "NaN",
    "https://evil.example/",
    "//evil.example/",
    "x" * 3000,
]
HUGE_IDS = [2**63 - 1, 10**25]
# Parameters views read outside forms, and formset management fields.
EXTRA_PARAMS = [
    "page",
    "sent_page",
    "fy",
    "state",
    "sent",
    "encoding",
    "confirm",
    "next",
    "find",
    "confirmed",
    "household_q",
    "hand_back_to",
    "closure_reason",
    "goals_reached",
    "lock_version",
    *(f"{p}-{f}" for p in "amp" for f in ("TOTAL_FORMS", "INITIAL_FORMS")),
    *(f"{p}-0-{f}" for p in "amp" for f in ("agency", "name", "issue", "age", "priority")),
    "note-date",
    "note-content",
]


def _patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


ROUTES = [r for r in _patterns() if not r.startswith(SKIPPED)]


def _form_fields() -> list[str]:
    names: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("tsunagu."):
            continue
        for kind in ("forms", "filters"):  # filters: the GET forms of the record lists
            try:
                module = importlib.import_module(f"{config.name}.{kind}")
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, forms.BaseForm):
                    names.update(value.base_fields)
    return sorted(names)


PARAMS = sorted(set(_form_fields()) | set(EXTRA_PARAMS))


def _url(route: str, ids: list[int], turn: int) -> str:
    count = iter(range(100))

    def fill(match):
        converter = match.group(1)
        if converter == "int":
            return str(ids[(turn + next(count)) % len(ids)])
        return "x\x00²"[: 1 + turn % 3]

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def _params(turn: int) -> dict[str, str]:
    return {name: BAD_VALUES[(i * 7 + turn) % len(BAD_VALUES)] for i, name in enumerate(PARAMS)}


def _world_ids() -> list[int]:
    ids: set[int] = set()
    for label in ("people", "intake", "coordination", "meetings", "municipality", "accounts"):
        for model in apps.get_app_config(label).get_models():
            ids.update(model.objects.values_list("pk", flat=True)[:20])
    return sorted(ids)


@pytest.fixture(autouse=True)
def cheap_pdfs(monkeypatch):
    """The PDF templates are still rendered; only WeasyPrint's layout is skipped (slow)."""

    def render(template, context, **kwargs):
        from django.template.loader import render_to_string

        render_to_string(template, context)
        return b"%PDF-"

    monkeypatch.setattr(printouts, "render_pdf", render)
    monkeypatch.setattr(pdf, "render_pdf", render)


def _errors(client, url: str, params: dict) -> list[str]:
    found = []
    for method in ("get", "post"):
        try:
            response = getattr(client, method)(url, params)
        except Exception as error:  # the test client re-raises a view's exception
            found.append(f"{method.upper()} {url!r}: {type(error).__name__}: {error}"[:300])
            continue
        if response.status_code >= 500:
            found.append(f"{method.upper()} {url!r}: {response.status_code}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_url_refuses_bad_input_without_a_server_error(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    ids = _world_ids()[:8] + HUGE_IDS
    failures = []
    for turn in range(3):
        for route in ROUTES:
            failures += _errors(client, _url(route, ids, turn), _params(turn))
    assert not failures, "\n".join(failures)


VALUES = st.one_of(
    st.sampled_from(BAD_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@pytest.mark.slow
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    role=st.sampled_from(ROLES),
    route=st.sampled_from(ROUTES),
    turn=st.integers(min_value=0, max_value=50),
    params=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=12),
)
def test_drawn_inputs_never_give_a_server_error(client, request, world, role, route, turn, params):
    client.force_login(request.getfixturevalue(role))
    ids = _world_ids()[:8] + HUGE_IDS
    assert _errors(client, _url(route, ids, turn), params) == []
