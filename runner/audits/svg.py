"""A small hand-written SVG line plot with a log-scale x axis (no matplotlib dependency).

Only what the learning-curve audit needs: a line through the means, the per-seed points, one
dashed reference line, axis ticks and labels, a title.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 60


def log_position(x: float, low: float, high: float) -> float:
    """Where x sits between low and high on a log axis, as 0..1 (0.5 for a single point)."""
    if high <= low:
        return 0.5
    return (math.log10(x) - math.log10(low)) / (math.log10(high) - math.log10(low))


class _Axes:
    def __init__(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        self.x_low, self.x_high = min(xs), max(xs)
        low, high = min(ys), max(ys)
        pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0  # a flat curve still gets a range
        self.y_low, self.y_high = low - pad, high + pad

    def px(self, x: float) -> float:
        return LEFT + log_position(x, self.x_low, self.x_high) * (WIDTH - LEFT - RIGHT)

    def py(self, y: float) -> float:
        share = (y - self.y_low) / (self.y_high - self.y_low)
        return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def _text(x: float, y: float, body: str, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" {extra}>{escape(body)}</text>'


def _frame(axes: _Axes, xs: Sequence[float], title: str, x_label: str, y_label: str) -> list[str]:
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    parts = [
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        _text(WIDTH / 2, 24, title, 'text-anchor="middle" font-size="15"'),
        f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="black"/>',
        f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>',
        _text(WIDTH / 2, HEIGHT - 15, x_label, 'text-anchor="middle"'),
        _text(
            18,
            HEIGHT / 2,
            y_label,
            f'text-anchor="middle" transform="rotate(-90 18 {HEIGHT / 2:.1f})"',
        ),
    ]
    for x in sorted(set(xs)):
        px = axes.px(x)
        parts.append(f'<line x1="{px:.1f}" y1="{y1}" x2="{px:.1f}" y2="{y1 + 5}" stroke="black"/>')
        parts.append(_text(px, y1 + 20, f"{x:g}", 'text-anchor="middle" font-size="11"'))
    for i in range(5):
        y = axes.y_low + (axes.y_high - axes.y_low) * i / 4
        py = axes.py(y)
        parts.append(f'<line x1="{x0 - 5}" y1="{py:.1f}" x2="{x0}" y2="{py:.1f}" stroke="black"/>')
        parts.append(_text(x0 - 8, py + 4, f"{y:.3g}", 'text-anchor="end" font-size="11"'))
    return parts


def _reference(axes: _Axes, value: float, label: str) -> list[str]:
    py = axes.py(value)
    return [
        f'<line x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - RIGHT}" y2="{py:.1f}" '
        'stroke="gray" stroke-dasharray="5,4"/>',
        _text(WIDTH - RIGHT - 4, py - 5, label, 'text-anchor="end" font-size="11" fill="gray"'),
    ]


def _marks(
    axes: _Axes, line: Sequence[tuple[float, float]], scatter: Sequence[tuple[float, float]]
) -> list[str]:
    parts = [
        f'<circle cx="{axes.px(x):.1f}" cy="{axes.py(y):.1f}" r="2.5" '
        'fill="steelblue" fill-opacity="0.35"/>'
        for x, y in scatter
    ]
    coords = " ".join(f"{axes.px(x):.1f},{axes.py(y):.1f}" for x, y in line)
    parts.append(f'<polyline points="{coords}" fill="none" stroke="steelblue" stroke-width="2"/>')
    parts.extend(
        f'<circle cx="{axes.px(x):.1f}" cy="{axes.py(y):.1f}" r="4" fill="steelblue">'
        f"<title>{escape(f'{x:g}: {y:.4g}')}</title></circle>"
        for x, y in line
    )
    return parts


def line_plot_svg(
    title: str,
    x_label: str,
    y_label: str,
    line: Sequence[tuple[float, float]],
    scatter: Sequence[tuple[float, float]] = (),
    reference: tuple[float, str] | None = None,
) -> str:
    """An SVG document: `line` joined and marked, `scatter` as faint dots, `reference` dashed."""
    xs = [x for x, _ in [*line, *scatter]]
    ys = [y for _, y in [*line, *scatter]] + ([reference[0]] if reference else [])
    axes = _Axes(xs, ys)
    parts = _frame(axes, xs, title, x_label, y_label)
    if reference is not None:
        parts.extend(_reference(axes, *reference))
    parts.extend(_marks(axes, line, scatter))
    body = "\n  ".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">\n  {body}\n</svg>\n'
    )
