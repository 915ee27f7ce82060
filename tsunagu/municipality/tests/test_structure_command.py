import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tsunagu.municipality.actions import load_profile

FIXTURE = Path(__file__).parent / "fixtures" / "minato.yaml"

EXPECTED_CSV = """\
法定事業,分野,実施事業,機関,拠点数,運営形態,運営主体,所管課
1号イ,介護,地域包括支援センターの運営,みなと町地域包括支援センター,1,委託,みなと町社会福祉協議会,健康長寿課
1号ロ,障がい,障害者相談支援事業,障がい者相談支援センターうみかぜ,2,委託,社会福祉法人うみかぜ会,福祉課
1号ロ,障がい,障害者相談支援事業,福祉課,,直営,,福祉課
1号ハ,子ども,利用者支援事業,こども家庭センター,町内１箇所,直営・委託,,子育て支援課・福祉課
2号,,参加支援事業,,,事業は直営、講座を委託,社会福祉法人、ＮＰＯ法人等,福祉課
3号イ,介護,生活支援体制整備事業,,,委託,みなと町社会福祉協議会,健康長寿課
5号,その他,多機関協働事業,福祉課,,直営,,福祉課
3号イ・ロ・ハ,,生活困窮者支援等のための地域づくり事業,みなと町社会福祉協議会,,委託,,福祉課地域福祉係
1号ハ,子ども,利用者支援事業,こども家庭センター,町内２箇所,直営（一部委託）,社会福祉法人等,子育て支援課・福祉課
"""


def run_structure(*args) -> str:
    out = io.StringIO()
    call_command("structure", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    return load_profile(path=FIXTURE).municipality


def test_structure_csv_has_one_row_per_programme_and_agency(loaded):
    assert run_structure("minato", "--format", "csv") == EXPECTED_CSV


def test_structure_csv_is_unchanged_by_reloading(loaded):
    load_profile(path=FIXTURE)
    assert run_structure("minato", "--format", "csv") == EXPECTED_CSV


def test_structure_csv_parses_with_the_documented_header(loaded):
    rows = list(csv.DictReader(io.StringIO(run_structure("minato", "--format", "csv"))))
    assert rows[3]["拠点数"] == "町内１箇所"
    assert rows[4]["運営主体"] == "社会福祉法人、ＮＰＯ法人等"


def test_structure_text_groups_by_project_then_lists_meeting_bodies(loaded):
    text = run_structure("minato", "--format", "text")
    assert text.index("■ 1号 包括的相談支援事業") < text.index("■ 2号 参加支援事業")
    assert "5号 [その他] 多機関協働事業 — 福祉課(運営形態: 直営、所管課: 福祉課)" in text
    assert "支援会議: 支援会議(法第106条の6) / 本人同意は不要(守秘義務) / 随時" in text
    assert text.index("■ 5号") < text.index("■ 会議体")
    assert "1号ハ [子ども] 利用者支援事業（基本型） — こども家庭センター" in text


@pytest.mark.django_db
def test_structure_of_a_profile_not_loaded_says_how_to_load_it():
    with pytest.raises(CommandError, match="load_profile minato"):
        run_structure("minato")
