"""Plots as SVG text, drawn by matplotlib (imported only when a plot is drawn).

Every plot has a title, axis labels and an accessible name (`role="img"`, `aria-label`
and a `<title>`, the SVG form of alt text), so it can stand alone as a file or be placed
inline in an HTML page. Each data series is a group with a stable id (`series-NAME`), so a
reader or a test can find it. Output is deterministic for the same data (fixed id salt, no
date) and needs nothing from the network: text stays text in the system's sans-serif font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STYLE: dict[Any, Any] = {"svg.fonttype": "none", "svg.hashsalt": "repro", "font.size": 10.0,
          "axes.spines.top": False, "axes.spines.right": False}
_METADATA: dict[str, str | None] = {"Date": None, "Creator": None, "Format": None,
                                    "Type": None}
COLOR = "#1f5f99"
REFERENCE = "#6b6b6b"


def figure(width: float = 6.4, height: float = 4.0) -> tuple[Figure, Axes]:
    """A figure and its one axes, without pyplot's global state (safe in threads)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def to_svg(fig: Figure, alt: str) -> str:
    """The figure as an `<svg>` element with its accessible name; no XML prolog."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata=_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    opening = re.match(r"<svg\b[^>]*>", text)
    assert opening is not None
    head = opening.group(0)[:-1] + f' role="img" aria-label={quoteattr(alt)}>'
    return f"{head}\n <title>{escape(alt)}</title>{text[opening.end():]}"


def line_plot_svg(
    title: str,
    x_label: str,
    y_label: str,
    line: Sequence[tuple[float, float]],
    scatter: Sequence[tuple[float, float]] = (),
    reference: tuple[float, str] | None = None,
    log_x: bool = True,
) -> str:
    """`line` joined and marked (series-mean), `scatter` as faint dots (series-values),
    `reference` as a dashed horizontal line (series-reference)."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = figure()
        if scatter:
            dots = ax.scatter([x for x, _ in scatter], [y for _, y in scatter], s=14,
                              color=COLOR, alpha=0.35, label="each seed", zorder=2)
            dots.set_gid("series-values")
        (mean,) = ax.plot([x for x, _ in line], [y for _, y in line], marker="o",
                          color=COLOR, linewidth=2, label="mean", zorder=3)
        mean.set_gid("series-mean")
        if reference is not None:
            ref = ax.axhline(reference[0], color=REFERENCE, linestyle="--", linewidth=1,
                             label=reference[1])
            ref.set_gid("series-reference")
        if log_x:
            ax.set_xscale("log")
            ticks = sorted({x for x, _ in [*line, *scatter]})
            ax.set_xticks(ticks, [f"{x:g}" for x in ticks])
            ax.minorticks_off()
        ax.set_title(title)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.legend(loc="best", fontsize=8, frameon=False)
    points = ", ".join(f"{x:g}: {y:.4g}" for x, y in line)
    return to_svg(fig, f"{title}. Mean {y_label} by {x_label}: {points}.")
