"""Draw a ``Chart`` as SVG on the server: no script, no library, the same in every browser.

Bars are sized in a fixed ``viewBox`` and the picture scales to the width it is given.
Labels come from people (sources, names, reasons), so every piece of text is escaped.
"""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

from kanban.ui import Bar, Chart

WIDTH = 400
ROW = 40  # a horizontal bar: its label line, then the bar
COLUMNS_HEIGHT = 200
PLOT_TOP, PLOT_BOTTOM = 22, 170  # where the columns of a time series stand
BAR_COLOUR, ZERO_COLOUR, TEXT_COLOUR, MUTED_COLOUR = "#1d4ed8", "#98a2b3", "#1c2330", "#4a5568"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
CHAR_WIDTH = 7.2  # about right for 13px text, to shorten labels that would not fit
MAX_COLUMN_LABELS = 7
TICK_GAP = 6  # between two ticks under the columns
TICK_LINE = 16  # a tick's second line (the year under the months)
LONG_TICK = 12  # longer labels (a plugin's) are shortened rather than spaced out
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def chart_svg(chart: Chart, chart_id: str, *, columns: bool = False) -> Markup:
    """Return the chart as an SVG picture: horizontal bars, or columns for a time series."""
    body, height = (_columns(chart.bars) if columns else _bars(chart.bars))
    title_id = f"{chart_id}-title"
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{_text(chart.title)}</title>{body}</svg>'
    )


def _bars(bars: list[Bar] | tuple[Bar, ...]) -> tuple[str, int]:
    top = _top(bars)
    parts = []
    for index, bar in enumerate(bars):
        y = index * ROW
        shown = bar.shown or str(bar.value)
        room = max(8, int((WIDTH - 12) / CHAR_WIDTH) - len(shown))
        parts.append(
            f'<text x="0" y="{y + 14}" fill="{TEXT_COLOUR}" {FONT}>{_text(bar.label, room)}</text>'
            f'<text x="{WIDTH}" y="{y + 14}" fill="{MUTED_COLOUR}" {FONT} '
            f'text-anchor="end">{_text(shown)}</text>'
            f'<rect x="0" y="{y + 20}" width="{WIDTH}" height="12" fill="#eef2f6"/>'
        )
        if length := _share(bar, top) * WIDTH:
            parts.append(f'<rect x="0" y="{y + 20}" width="{length:.1f}" height="12" '
                         f'fill="{BAR_COLOUR}"/>')
    return "".join(parts), max(ROW * len(bars), ROW)


def _columns(bars: list[Bar] | tuple[Bar, ...]) -> tuple[str, int]:
    top = _top(bars)
    slot = WIDTH / max(len(bars), 1)
    ticks = [bar.tick.split("\n", 1) if bar.tick else [bar.label] for bar in bars]
    every = _tick_step(ticks, slot)
    plot = PLOT_BOTTOM - PLOT_TOP
    parts = [
        f'<line x1="0" y1="{PLOT_BOTTOM}" x2="{WIDTH}" y2="{PLOT_BOTTOM}" '
        f'stroke="{ZERO_COLOUR}"/>'
    ]
    if top:
        highest = max(bars, key=lambda bar: bar.value)
        parts.append(
            f'<line x1="0" y1="{PLOT_TOP}" x2="{WIDTH}" y2="{PLOT_TOP}" stroke="#eaecf0"/>'
            f'<text x="0" y="{PLOT_TOP - 6}" fill="{MUTED_COLOUR}" {FONT}>'
            f'{_text(highest.shown or str(highest.value))}</text>'
        )
    room = int(slot * every / CHAR_WIDTH) - 1
    last_second = None
    for index, bar in enumerate(bars):
        height = _share(bar, top) * plot
        x = index * slot + slot * 0.15
        if height:
            parts.append(f'<rect x="{x:.1f}" y="{PLOT_BOTTOM - height:.1f}" '
                         f'width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}"/>')
        if index % every == 0:
            first, *second = ticks[index]
            parts.append(
                f'<text x="{x:.1f}" y="{PLOT_BOTTOM + 18}" fill="{TEXT_COLOUR}" {FONT}>'
                f'{_text(first, room)}</text>'
            )
            if second and second[0] != last_second:
                parts.append(
                    f'<text x="{x:.1f}" y="{PLOT_BOTTOM + 34}" fill="{MUTED_COLOUR}" {FONT}>'
                    f'{_text(second[0], room)}</text>'
                )
                last_second = second[0]
    two_lines = any(len(tick) > 1 for tick in ticks)
    return "".join(parts), COLUMNS_HEIGHT + (TICK_LINE if two_lines else 0)


def _tick_step(ticks: list[list[str]], slot: float) -> int:
    """Return how many columns apart the ticks stand so that the longest fits whole."""
    longest = min(max((len(line) for tick in ticks for line in tick), default=0), LONG_TICK)
    fitting = math.ceil((longest * CHAR_WIDTH + TICK_GAP) / slot)
    return max(math.ceil(len(ticks) / MAX_COLUMN_LABELS), fitting, 1)


def _top(bars: list[Bar] | tuple[Bar, ...]) -> float:
    return max((float(bar.value) for bar in bars), default=0.0)


def _share(bar: Bar, top: float) -> float:
    """Return the bar's length as a share of the longest one (nothing for zero or less)."""
    return max(float(bar.value), 0.0) / top if top > 0 else 0.0


def _text(value: str, limit: int | None = None) -> Markup:
    """Escape a label for SVG, shortened to ``limit`` characters with an ellipsis."""
    text = CONTROL.sub("", str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 1)] + "…"
    return escape(text)
