"""Render a template to PDF bytes (WeasyPrint, Debian's Noto CJK fonts; nothing fetched).

Characters no installed font can draw — emoji, 外字 in the private use area, rare CJK
outside the fonts — would print as an empty box, and the reader could not tell that
anything was there. They are printed as 〓 (geta, the mark Japanese printing has long used
for a character it cannot set) instead; the record itself keeps the original text.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FALLBACK = "〓"
# The faces the print stylesheets name, in Debian's packages (fonts-noto-cjk, fonts-dejavu).
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
# Marks that change how a neighbour is drawn (joiners, variation selectors, skin tones)
# rather than drawing anything themselves.
INVISIBLE = {"Mn", "Me", "Cf", "Sk"}


@functools.cache
def drawable() -> frozenset[int]:
    """Code points the installed print fonts have a glyph for (read once per process)."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    if not Path(FONT_FILES[0]).exists():
        # Without the CJK face every Japanese character would count as undrawable; leave the
        # text to WeasyPrint rather than print a page of 〓.
        return frozenset()
    for name in FONT_FILES:
        path = Path(name)
        if not path.exists():
            continue
        fonts = TTCollection(path, lazy=True).fonts[:1] if path.suffix == ".ttc" else [TTFont(path)]
        for font in fonts:
            points.update(font.getBestCmap())
    return frozenset(points)


def printable(text: str) -> str:
    """``text`` with every character the fonts cannot draw replaced by 〓; joiners and
    modifiers the fonts cannot draw are dropped (👍🏽 → 〓, not 〓〓)."""
    known = drawable()
    if not known:  # no font files found: leave the text to WeasyPrint as it is
        return text
    out = []
    for ch in text:
        if ord(ch) < 0x80 or ord(ch) in known:
            out.append(ch)
        elif unicodedata.category(ch) in INVISIBLE:
            continue
        else:
            out.append(FALLBACK)
    return "".join(out)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML  # heavy import (~2 s CPU): only when a PDF is asked for

    html = printable(render_to_string(template_name, context, request=request))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
