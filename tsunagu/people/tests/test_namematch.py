import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tsunagu.people.management.commands.namematch import COLUMNS

HEADER = ",".join(COLUMNS)


def run(tmp_path, *rows: str) -> list[dict[str, str]]:
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("namematch", str(path), stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_namematch_scores_each_pair_without_a_database(tmp_path):
    rows = run(
        tmp_path,
        "p1,髙橋,太郎,タカハシ,タロウ,1950-04-03,テスト町3-5-2,"
        "高橋,太郎,たかはし,ﾀﾛｳ,1950/4/3,テスト町三丁目5番2号",
        "p2,髙橋,太郎,タカハシ,タロウ,1950-04-03,テスト町3-5-2,"
        "高橋,次郎,タカハシ,ジロウ,1950-04-03,テスト町3-5-2",
        "p3,,,タカハシ,タロウ,,,,,タカハシ,タロウ,,",
    )
    assert [r["pair_id"] for r in rows] == ["p1", "p2", "p3"]
    assert [r["same"] for r in rows] == ["1", "0", "0"]
    assert float(rows[0]["score"]) > max(float(rows[1]["score"]), float(rows[2]["score"]))


def test_namematch_accepts_a_bom_and_quoted_fields(tmp_path):
    path = tmp_path / "pairs.csv"
    row = 'q,"渡邊",裕子,ワタナベ,ユウコ,19800101,"A町1-2, ハイツ",渡辺,裕子,ワタナベ,ユーコ,1980-01-01,A町1-2'
    path.write_text("\ufeff" + HEADER + "\n" + row + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("namematch", str(path), stdout=out)
    assert out.getvalue().splitlines() == ["pair_id,score,same", f"q,{_score(out)},1"]


def _score(out: io.StringIO) -> str:
    return out.getvalue().splitlines()[1].split(",")[1]


def test_bad_date_names_the_line_and_column(tmp_path):
    with pytest.raises(CommandError, match="3行目: b_birth_date の日付「1950-13-40」を読めません"):
        run(
            tmp_path,
            "ok,a,b,ア,イ,1950-01-01,,a,b,ア,イ,1950-01-01,",
            "bad,a,b,ア,イ,1950-01-01,,a,b,ア,イ,1950-13-40,",
        )


def test_missing_columns_are_listed(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("pair_id,a_family_name\n1,田中\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1行目: 必要な列がありません: a_given_name"):
        call_command("namematch", str(path), stdout=io.StringIO())


def test_short_row_names_the_line(tmp_path):
    with pytest.raises(CommandError, match="2行目: 列の数がヘッダーと合いません"):
        run(tmp_path, "x,田中")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="ファイルが見つかりません"):
        call_command("namematch", str(tmp_path / "none.csv"), stdout=io.StringIO())


@pytest.mark.django_db  # the report names the database server's version
def test_benchmark_harness_runs_on_a_tiny_population():
    from bench.namematch import run

    text = run.main(["--population", "400", "--pairs", "80", "--sizes", "", "--no-splink"])
    assert "| tsunagu (`namematch` scoring) |" in text
    assert "| twins | no |" in text


def test_benchmark_pairs_are_deterministic_and_labelled():
    from bench.namematch.population import Generator

    first = Generator(7).pairs(Generator(7).population(300), 40)
    again = Generator(7).pairs(Generator(7).population(300), 40)
    assert first == again
    assert {p.same for p in first} == {True, False}
