"""Spreadsheet cells that stay text: the one escape every xlsx and CSV export goes through.

Excel and LibreOffice read a cell that starts with = + - @ (and, after a tab or carriage
return, the same) as a formula: a note typed as ``=HYPERLINK("http://…","開く")`` would
become a live link in the municipality's ledger (OWASP "CSV injection"). A leading
apostrophe makes the spreadsheet show the value as typed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet cell that cannot run: text starting with a formula
    character gets a leading ``'``; numbers, dates and ``None`` pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
