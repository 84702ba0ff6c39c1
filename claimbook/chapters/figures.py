"""One house style for every figure: colour-blind-safe (Okabe-Ito), the country under discussion
highlighted, units on the axes, and the source printed under the plot as well as in the caption."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies.
HIGHLIGHT = "#D55E00"  # vermillion: the country under discussion
BASE = "#999999"       # grey: everything else
ACCENT = "#0072B2"     # blue: a second series
SECONDARY = "#E69F00"  # orange: secondary-source points

# One colour per verdict label, the same as the verdict boxes in book/_static/claimbook.css (a test checks).
VERDICT_COLOURS = {
    "accurate": "#009E73", "mostly accurate": "#56B4E9", "mixed": "#E69F00", "mostly inaccurate": "#CC79A7",
    "inaccurate": "#D55E00", "unverifiable": "#999999", "not rated": "#DDDDDD",
}

STYLE: dict[RcKeyType, Any] = {
    "figure.figsize": (7.5, 4.2),
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "svg.hashsalt": "claimbook",  # deterministic SVG ids
}


def new(title: str, source: str, size: tuple[float, float] | None = None, ncols: int = 1):
    """A figure and axes in the house style, titled, with the source line under the plot."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(ncols=ncols, figsize=size or STYLE["figure.figsize"], layout="constrained")
    if ncols > 1:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=STYLE["axes.titlesize"])
    else:
        ax.set_title(title, loc="left")
    fig.text(0.01, -0.02, f"Source: {source}", ha="left", va="top", fontsize=8, color="#555555")
    return fig, ax


def colours(labels, highlight: str) -> list[str]:
    return [HIGHLIGHT if lab == highlight else BASE for lab in labels]


def tonnes_axis(axis, unit_label: str) -> None:
    """Millions of tonnes with a thousands separator, the unit in the label."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1e6:,.0f}" if x >= 1e6 or x == 0 else f"{x / 1e6:,.1f}"))
    axis.set_label_text(unit_label)


def done(fig):
    """Close the figure for pyplot (it is glued, not shown twice) and return it."""
    plt.close(fig)
    return fig
