"""One house style for every figure: colour-blind-safe (Okabe-Ito), the country under discussion
highlighted, units on the axes, and the source printed under the plot as well as in the caption."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies.
HIGHLIGHT = "#D55E00"  # vermillion: the country under discussion
BASE = "#999999"  # grey: everything else
ACCENT = "#0072B2"  # blue: a second series
SECONDARY = "#E69F00"  # orange: secondary-source points

# One colour per verdict label, the same as the verdict boxes in book/_static/claimbook.css (a test checks).
VERDICT_COLOURS = {
    "accurate": "#009E73",
    "mostly accurate": "#56B4E9",
    "mixed": "#E69F00",
    "mostly inaccurate": "#CC79A7",
    "inaccurate": "#D55E00",
    "unverifiable": "#999999",
    "not rated": "#DDDDDD",
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


# --- the summaries' figures (the pages that read the register and the executed chapters) -----------------------


def claims_figure(claims):
    """Three panels counting the register's claims (a DataFrame with `articles`, `kind`, `area`): by article
    (a claim made in two articles counts in both), by kind and by area."""
    from collections import Counter

    by_article = Counter(a[:3] for arts in claims["articles"] for a in arts)
    by_kind = Counter(claims["kind"])
    by_area = Counter(claims["area"])
    fig, axes = new("Claims in the register", "seeds/claims.yaml", size=(9, 3.4), ncols=3)
    for ax, (title, counts) in zip(
        axes, [("by article (seed)", by_article), ("by kind", by_kind), ("by area", by_area)]
    ):
        labels = sorted(counts)
        ax.barh(labels[::-1], [counts[k] for k in labels[::-1]], color=ACCENT)
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_xlabel("claims")
        ax.grid(axis="y", visible=False)
    return done(fig)


def verdicts_figure(judged: list[dict]):
    """Three panels counting verdict records (`label`, `articles`, `area`): by label, and by article and by area
    stacked by label, each label in its colour."""
    from collections import Counter

    from claimbook.core.rules import SCALE

    counts = Counter(r["label"] for r in judged)
    order = [label for label in SCALE if counts[label]]
    by_article: dict[str, Counter] = {}
    by_area: dict[str, Counter] = {}
    for r in judged:
        for a in {a["article"][:3] for a in r["articles"]}:
            by_article.setdefault(f"seed {a}", Counter())[r["label"]] += 1
        by_area.setdefault(r["area"], Counter())[r["label"]] += 1

    fig, axes = new("Verdicts", "the executed chapters of this book (verdicts.json)", size=(10, 3.8), ncols=3)
    axes[0].barh(
        order[::-1],
        [counts[k] for k in order[::-1]],
        color=[VERDICT_COLOURS[k] for k in order[::-1]],
        edgecolor="#555555",
        linewidth=0.4,
    )
    axes[0].set_title("by verdict", fontsize=10, loc="left")
    for ax, (title, groups) in zip(axes[1:], [("by article (seed)", by_article), ("by area", by_area)]):
        names = sorted(groups)[::-1]
        left = [0] * len(names)
        for label in order:
            values = [groups[n][label] for n in names]
            ax.barh(
                names, values, left=left, color=VERDICT_COLOURS[label], label=label, edgecolor="#555555", linewidth=0.4
            )
            left = [a + b for a, b in zip(left, values)]
        ax.set_title(title, fontsize=10, loc="left")
    for ax in axes:
        ax.set_xlabel("claims")
        ax.grid(axis="y", visible=False)
    axes[2].legend(loc="lower right", fontsize=8)
    return done(fig)
