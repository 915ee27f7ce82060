"""docs/profiles.md quotes the plans exactly: every 「…」 in its section on what v3 changed
in the five profiles appears in one of profiles/seeds/*.txt (white space removed, NFKC)."""

import re
import unicodedata
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def quotes(text: str) -> list[str]:
    """Outermost 「…」 quotes, nested brackets kept inside."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "「":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == "」" and depth:
            depth -= 1
            if depth == 0:
                found.append(text[start:i])
    return found


def test_quotes_of_the_v3_changes_are_in_the_seeds():
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    section = doc[doc.index("## What v3 changed") :]
    seeds = [
        normalise(p.read_text(encoding="utf-8"))
        for p in (ROOT / "profiles" / "seeds").glob("*.txt")
    ]
    found = quotes(section)
    assert len(found) > 15
    missing = [q for q in found if not any(normalise(q) in seed for seed in seeds)]
    assert not missing, "計画書にない引用:\n" + "\n".join(missing)
