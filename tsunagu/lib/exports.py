"""Spreadsheet cells that stay text: the one escape every xlsx and CSV export goes through.

Excel and LibreOffice read a cell that starts with = + - @ (and, after a tab or carriage
return, the same) as a formula: a note typed as ``=HYPERLINK("http://…","開く")`` would
become a live link in the municipality's ledger (OWASP "CSV injection"). A leading
apostrophe makes the spreadsheet show the value as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet cell that cannot run: text starting with a formula
    character gets a leading ``'``; numbers, dates and ``None`` pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


SUBSTITUTE = "〓"  # what a CP932 file shows for a character CP932 cannot hold


@dataclass(frozen=True)
class Unconvertible:
    row: int  # 1-based line in the file, the header being line 1
    column: str
    char: str

    def message(self) -> str:
        return (
            f"{self.row}行目「{self.column}」列の「{self.char}」(U+{ord(self.char):04X})は"
            f"CP932に変換できないため「{SUBSTITUTE}」に置き換えました。"
        )


def to_cp932(value: str, row: int, column: str, problems: list[Unconvertible]) -> str:
    """``value`` with every character CP932 lacks replaced by 〓, each one reported."""
    out = []
    for ch in value:
        try:
            ch.encode("cp932")
            out.append(ch)
        except UnicodeEncodeError:
            problems.append(Unconvertible(row, column, ch))
            out.append(SUBSTITUTE)
    return "".join(out)
