"""Bar charts drawn on the server as SVG: no script, readable without colour.

Each bar carries its number as text at its end and its label on the left, so the chart
says everything in words as well; the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_WIDTH = 320
NUMBER_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the number as printed (suppressed cells say 「3未満」)
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    width: int = LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH
    label_width: int = LABEL_WIDTH


def bar_chart(title: str, items: list[tuple[str, float | None, str]]) -> BarChart | None:
    """``items``: (label, value, printed text); None when there is nothing to draw."""
    values = [v for _, v, _ in items if v]
    if not values:
        return None
    top = max(values)
    bars = [
        Bar(label, value or 0, text, i * (BAR_HEIGHT + GAP), round(BAR_WIDTH * (value or 0) / top))
        for i, (label, value, text) in enumerate(items)
    ]
    return BarChart(title, bars, len(bars) * (BAR_HEIGHT + GAP))
