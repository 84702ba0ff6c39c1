"""One house style for every figure: colour-blind-safe (Okabe-Ito), the country under discussion
highlighted, units on the axes, and the source printed under the plot as well as in the caption."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt

from claimbook import BUILD_DIR, keep

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

FIGURE_CACHE = BUILD_DIR / "cache" / "figures"


class Rendered:
    """A figure as IPython displays it (its MIME bundle and metadata), without the figure."""

    def __init__(self, bundle: dict, metadata: dict):
        self.bundle, self.metadata = bundle, metadata

    def _repr_mimebundle_(self, include=None, exclude=None):
        return copy.deepcopy(self.bundle), copy.deepcopy(self.metadata)  # glue adds its own metadata


def kept(draw):
    """A summary's figure drawn from a few counts (JSON), kept once rendered: in IPython (a kernel, the runner's
    engine) the figure comes back rendered as IPython displays it, from _build/cache/figures/ when the same
    counts were drawn before by the same code, matplotlib and IPython. A rerun that changes one chapter's
    verdicts changes none of the register's counts, and rendering a three-panel figure is most of the
    summary's time. Outside IPython (the tests), the figure itself."""

    @functools.wraps(draw)
    def figure(data):
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return draw(data)
        import IPython
        import matplotlib
        import matplotlib_inline

        key = hashlib.sha256(
            json.dumps(
                [draw.__qualname__, data, matplotlib.__version__, matplotlib_inline.__version__, IPython.__version__],
                sort_keys=True,
            ).encode()
            + Path(__file__).read_bytes()
        ).hexdigest()
        path = FIGURE_CACHE / f"{key}.json"
        try:
            return Rendered(*json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):  # not kept yet, or damaged: drawn again
            pass
        bundle, metadata = shell.display_formatter.format(draw(data))
        keep(path, json.dumps([bundle, metadata]).encode())
        return Rendered(bundle, metadata)

    return figure


def claims_figure(claims):
    """Three panels counting the register's claims (a DataFrame with `articles`, `kind`, `area`): by article
    (a claim made in two articles counts in both), by kind and by area."""
    from collections import Counter

    return _claims_panels(
        {
            "by article (seed)": Counter(a[:3] for arts in claims["articles"] for a in arts),
            "by kind": Counter(claims["kind"]),
            "by area": Counter(claims["area"]),
        }
    )


@kept
def _claims_panels(panels: dict[str, dict[str, int]]):
    fig, axes = new("Claims in the register", "seeds/claims.yaml", size=(9, 3.4), ncols=3)
    for ax, (title, counts) in zip(axes, panels.items()):
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

    counts = Counter(r["label"] for r in judged)
    by_article: dict[str, Counter] = {}
    by_area: dict[str, Counter] = {}
    for r in judged:
        for a in {a["article"][:3] for a in r["articles"]}:
            by_article.setdefault(f"seed {a}", Counter())[r["label"]] += 1
        by_area.setdefault(r["area"], Counter())[r["label"]] += 1
    return _verdicts_panels({"counts": counts, "by article (seed)": by_article, "by area": by_area})


@kept
def _verdicts_panels(tally: dict[str, dict]):
    from claimbook.core.rules import SCALE

    counts = tally["counts"]
    order = [label for label in SCALE if counts.get(label)]
    fig, axes = new("Verdicts", "the executed chapters of this book (verdicts.json)", size=(10, 3.8), ncols=3)
    axes[0].barh(
        order[::-1],
        [counts[k] for k in order[::-1]],
        color=[VERDICT_COLOURS[k] for k in order[::-1]],
        edgecolor="#555555",
        linewidth=0.4,
    )
    axes[0].set_title("by verdict", fontsize=10, loc="left")
    for ax, title in zip(axes[1:], ["by article (seed)", "by area"]):
        groups = tally[title]
        names = sorted(groups)[::-1]
        left = [0] * len(names)
        for label in order:
            values = [groups[n].get(label, 0) for n in names]
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
