import pytest

from tsunagu.lib import pdf
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


def test_without_the_cjk_font_japanese_is_left_as_written(monkeypatch):
    """A server with only DejaVu (no fonts-noto-cjk) must not print Japanese as 〓."""
    monkeypatch.setattr(pdf, "FONT_FILES", ("/nonexistent/NotoSansCJK.ttc", *pdf.FONT_FILES[2:]))
    pdf.drawable.cache_clear()
    try:
        assert printable("相談メモ 髙橋") == "相談メモ 髙橋"
    finally:
        pdf.drawable.cache_clear()
