"""Bar charts drawn on the server as SVG: no script, no CDN, and the same numbers as the table beside them."""

from __future__ import annotations

import math

from attrs import frozen
from markupsafe import Markup, escape

WIDTH, LABEL, ROW, BAR = 640, 190, 28, 16
DARK, LIGHT, RED = "#3f51b5", "#c5cae9", "#e53935"


@frozen
class Bar:
    label: str
    value: float  # drawn; 0 or less draws no bar
    text: str  # written after the bar
    behind: float = 0.0  # a second, lighter bar behind the first (a 90th percentile behind a median)
    colour: str = DARK


def bar_chart(
    bars: list[Bar], title: str, *, log: bool = False, text: int = 120, empty: str = "nothing in this period"
) -> Markup:
    """One row per bar, longest value filling the plot; `log` for values that span orders of magnitude.
    `text` is the room (in pixels) left after the longest bar for what is written there. Without bars,
    `empty` as a line of the page's text: a drawing scaled down to a phone would make it too small to read.
    Bars that are all nothing (nobody answered yet) are drawn as rows, each saying so in its text."""
    if not bars:
        return Markup(f'<p class="chart-empty w3-opacity" title="{escape(title)}">{escape(empty)}</p>')  # noqa: S704  # nosec B704
    plot = WIDTH - LABEL - text
    height = ROW * len(bars) + 8
    biggest = max([b.value for b in bars] + [b.behind for b in bars] + [0.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        top = 4 + i * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{top + 13}" text-anchor="end">{escape(_short(bar.label))}</text>')
        for value, colour, extra in ((bar.behind, LIGHT, 2), (bar.value, bar.colour, 0)):
            length = _length(value, biggest, log) * plot
            if length > 0:
                y, h = top + 1 - extra, BAR + 2 * extra
                parts.append(f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{h}" fill="{colour}"/>')
        end = LABEL + max(_length(bar.value, biggest, log), _length(bar.behind, biggest, log)) * plot + 6
        parts.append(f'<text x="{end:.1f}" y="{top + 13}">{escape(bar.text)}</text>')
    parts.append("</svg>")
    # Every text above went through escape(); the rest is numbers and constant colours.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def _length(value: float, biggest: float, log: bool) -> float:
    """The share of the plot a value fills; at least a sliver when it is more than nothing."""
    if value <= 0 or biggest <= 0:
        return 0.0
    share = math.log1p(value) / math.log1p(biggest) if log else value / biggest
    return max(share, 0.005)


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
