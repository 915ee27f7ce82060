"""The cross-user crawl (issue 12 "Checked by"): every page of the site, with every record
number of a small world filled into its URL, read by users who must learn nothing about
the person — a casework user of an unrelated agency, and 管理者 and 監査 at every kind of
agency (membership in any role grants no content). None of the pages may show the
person's name in any script; the only signal allowed elsewhere is 「他機関で関わりあり」,
which names agencies, not persons."""

from __future__ import annotations

import re

import pytest

from conftest import NO_CONTENT_CAST

from .test_no_server_errors import ROUTES, SKIPPED

NAMES = ("花子", "髙橋", "高橋", "タカハシ")
CRAWLERS = ["unrelated", *NO_CONTENT_CAST]
# The audit log names whose record an event touched: that is what 監査 is for (scoped to
# the auditor's own agency, tsunagu/access/tests/test_audit_scope.py).
AUDIT_PAGES = ("access/audit",)
IDS = range(1, 7)  # a fresh database: every record of the world has a small number


def _urls(route: str) -> list[str]:
    if "<" not in route:
        return ["/" + route]
    if re.search(r"<(?!int:)", route):
        return []  # slugs, uuids and formats: not record numbers
    return ["/" + re.sub(r"<int:\w+>", str(n), route) for n in IDS]


@pytest.mark.slow
@pytest.mark.parametrize("who", CRAWLERS)
def test_no_page_shows_the_person_to_users_without_content(client, request, world, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    leaks = []
    for route in ROUTES:
        if route.startswith(SKIPPED) or (
            route.startswith(AUDIT_PAGES) and user.has_role("auditor")
        ):
            continue
        for url in _urls(route):
            response = client.get(url, {"q": "たかは"})  # finds タカハシ; not itself a name below
            body = response.content.decode(errors="replace")
            found = [name for name in NAMES if name in body]
            if found:
                leaks.append(f"{url} ({response.status_code}): {found}")
    assert not leaks, "\n".join(leaks)
