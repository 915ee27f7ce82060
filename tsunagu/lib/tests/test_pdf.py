import pytest

from tsunagu.lib.pdf import FALLBACK, drawable, printable

needs_fonts = pytest.mark.skipif(not drawable(), reason="the print fonts are not installed")


@needs_fonts
def test_characters_no_font_draws_print_as_geta_not_as_an_empty_box():
    assert printable("相談\ue000メモ") == f"相談{FALLBACK}メモ"  # 外字 (private use area)
    assert printable("了解👍🏽") == f"了解{FALLBACK}"  # the skin tone goes with its emoji
    assert printable("支援💁\u200d♀️").startswith(f"支援{FALLBACK}")


@needs_fonts
def test_names_with_rare_kanji_stay_as_written():
    for name in ("髙橋", "𠮷野", "齋藤", "渡邊", "山﨑"):
        assert printable(name) == name
