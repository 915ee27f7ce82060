"""Score labelled or unlabelled name pairs with the project's matching code.

    python manage.py namematch PAIRS.csv > scores.csv

Input columns: pair_id, then a_family_name, a_given_name, a_family_kana, a_given_kana,
a_birth_date, a_address and the same six with b_. Optional columns, where a file has them:
a_sex/b_sex (男/女, male/female), a_alphabet_name/b_alphabet_name (the name as registered in
alphabet) and a_common_name/b_common_name (通称名). Empty fields mean unknown. Output:
pair_id,score,same (same = 1 when the project would suggest linking the two). No database
is used: the scoring is matching.score_pair, the same code find_candidates ranks with.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tsunagu.lib.exports import safe_cell
from tsunagu.people.matching import LINK, Subject, score_pair

FIELDS = ["family_name", "given_name", "family_kana", "given_kana", "birth_date", "address"]
OPTIONAL = ["sex", "alphabet_name", "common_name"]
COLUMNS = ["pair_id"] + [f"{side}_{name}" for side in "ab" for name in FIELDS]
DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


class PairsError(ValueError):
    pass


def parse_date(text: str, *, line: int, column: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    match = DATE.match(text)
    try:
        if not match:
            raise ValueError
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise PairsError(
            f"{line}行目: {column} の日付「{text}」を読めません（例: 1950-04-03）"
        ) from None


def subject(row: dict[str, str], side: str, line: int) -> Subject:
    names = FIELDS + [n for n in OPTIONAL if f"{side}_{n}" in row]
    values = {name: (row[f"{side}_{name}"] or "").strip() for name in names}
    birth_date = parse_date(values.pop("birth_date"), line=line, column=f"{side}_birth_date")
    return Subject.of(birth_date=birth_date, **values)


def score_rows(lines: Iterable[str]) -> Iterator[tuple[str, float, int]]:
    """(pair_id, score, same) per CSV row; PairsError names the line of bad input."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PairsError(f"1行目: 必要な列がありません: {', '.join(missing)}")
    for row in reader:
        line = reader.line_num
        if None in row or any(row[c] is None for c in COLUMNS):
            raise PairsError(f"{line}行目: 列の数がヘッダーと合いません")
        if not row["pair_id"].strip():
            raise PairsError(f"{line}行目: pair_id が空です")
        match = score_pair(subject(row, "a", line), subject(row, "b", line))
        yield row["pair_id"].strip(), match.score, int(match.band == LINK)


class Command(BaseCommand):
    help = "名寄せの判定を CSV のペアごとに出力します (pair_id,score,same)。"

    def add_arguments(self, parser):
        parser.add_argument("pairs", type=Path, help="ペアの CSV ファイル")

    def handle(self, *args, pairs: Path, **options):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["pair_id", "score", "same"])
        try:
            with pairs.open(encoding="utf-8-sig", newline="") as lines:
                for pair_id, score, same in score_rows(lines):
                    writer.writerow([safe_cell(pair_id), f"{score:.4f}", same])
        except FileNotFoundError:
            raise CommandError(f"ファイルが見つかりません: {pairs}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{pairs}: UTF-8 の CSV として読めません") from None
        except (PairsError, csv.Error) as error:
            raise CommandError(f"{pairs}: {error}") from None
