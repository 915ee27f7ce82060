"""Short lists on busy pages: the first rows, and whether there are more."""

from __future__ import annotations


def head(rows, size: int) -> tuple[list, bool]:
    """The first ``size`` rows of a queryset and whether there are more (one row read ahead,
    no COUNT): a page shows them with a link to the full list."""
    found = list(rows[: size + 1])
    return found[:size], len(found) > size
