"""The verdict scale and the rules that assign a label from data and parameters.

Scale (DESIGN.md): accurate 5, mostly accurate 4, mixed 3, mostly inaccurate 2, inaccurate 1, and two
labels without a number: "unverifiable" (no public record settles it) and "not rated" (opinion or
prediction). Every rule below is a pure function of numbers, so it is tested with cases that must say
yes and cases that must say no; notebooks call them and never type a label.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from . import ClaimbookError

ACCURATE = "accurate"
MOSTLY_ACCURATE = "mostly accurate"
MIXED = "mixed"
MOSTLY_INACCURATE = "mostly inaccurate"
INACCURATE = "inaccurate"
UNVERIFIABLE = "unverifiable"
NOT_RATED = "not rated"

# label -> rating value for ClaimReview (None: outside the numeric scale)
SCALE: dict[str, int | None] = {
    ACCURATE: 5, MOSTLY_ACCURATE: 4, MIXED: 3, MOSTLY_INACCURATE: 2, INACCURATE: 1,
    UNVERIFIABLE: None, NOT_RATED: None,
}
MEANING = {
    ACCURATE: "The record supports the statement as made.",
    MOSTLY_ACCURATE: "The record supports the statement, with a caveat that does not change its thrust "
                     "(a margin beyond the tolerance, or evidence only from secondary reports).",
    MIXED: "Part holds and part does not, or it holds only in some editions of the data.",
    MOSTLY_INACCURATE: "The statement is near the record but wrong on its main point.",
    INACCURATE: "The record contradicts the statement.",
    UNVERIFIABLE: "No public record located can settle the statement.",
    NOT_RATED: "An opinion or a prediction: listed, but no factual verdict is possible.",
}

NUMBER_RULE = ("A number within the tolerance of the record is accurate; within twice the tolerance, mostly "
               "accurate; within four times, mostly inaccurate; further away, inaccurate. 'At least' and "
               "'more than' claims are accurate whenever the record reaches the bound.")
RANK_RULE = ("A rank that holds in the reference edition is accurate; one that holds only in other editions "
             "is mixed; one that misses by a single place in the reference edition is mostly inaccurate; otherwise inaccurate.")
TIER_RULE = ("A claim that rests only on secondary evidence is rated at most mostly accurate.")
NOT_RATED_RULE = ("Opinions and predictions (the register's kind) are listed but not rated: no record can show them "
                  "true or false; the conclusion says what evidence would bear on them.")
CORROBORATION_RULE = ("An event or attribution that a primary record shows is accurate; one that a record or the "
                      "calendar contradicts is inaccurate; one given by at least the required number of independent "
                      "reports is corroborated, and rated mostly accurate when those reports are all secondary; with "
                      "fewer reports and no primary record it is unverifiable.")
PARTS_RULE = ("A statement made of several checkable parts is accurate when the record confirms every part; mostly "
              "accurate when it confirms at least the required share and contradicts none; mixed when it confirms "
              "some and contradicts others; mostly inaccurate when it contradicts some and confirms none; "
              "inaccurate when it contradicts all; unverifiable when it confirms too few and contradicts none.")
POINTS_RULE = ("A share within the tolerance (in percentage points) of the record is accurate; within twice the "
               "tolerance, mostly accurate; within four times, mostly inaccurate; further away, inaccurate. "
               "'At least' and 'more than' claims are accurate whenever the record reaches the bound.")
HOLDS_RULE = ("A statement that holds in the reference edition (or year) is accurate; one that holds only in "
              "others is mixed; one that holds in none is inaccurate; where the reference cannot test it, one "
              "that holds in every edition that can is mostly accurate.")


class VerdictError(ClaimbookError):
    pass


def _band(deviation_pct: float, tolerance_pct: float) -> str:
    if deviation_pct <= tolerance_pct:
        return ACCURATE
    if deviation_pct <= 2 * tolerance_pct:
        return MOSTLY_ACCURATE
    if deviation_pct <= 4 * tolerance_pct:
        return MOSTLY_INACCURATE
    return INACCURATE


def deviation_pct(claimed: float, found: float) -> float:
    """How far the claimed number is from the record, in % of the record."""
    if found == 0:
        return 0.0 if claimed == 0 else math.inf
    return abs(claimed - found) / abs(found) * 100


def rate_number(claimed: float, found: float, tolerance_pct: float, qualifier: str = "about") -> str:
    """Label for a claimed number against the recorded one (see NUMBER_RULE)."""
    if tolerance_pct < 0:
        raise VerdictError(f"the tolerance must not be negative, got {tolerance_pct}.")
    if qualifier in ("at least", "more than"):
        reached = found >= claimed if qualifier == "at least" else found > claimed
        if reached:
            return ACCURATE
    elif qualifier in ("at most", "less than", "up to"):
        reached = found <= claimed if qualifier != "less than" else found < claimed
        if reached:
            return ACCURATE
    return _band(deviation_pct(claimed, found), tolerance_pct)


def rate_points(claimed: float, found: float, tolerance_pp: float, qualifier: str = "about") -> str:
    """Label for a claimed percentage against the recorded one, judged in percentage points (POINTS_RULE).

    A relative tolerance suits tonnages but not small shares: "about 1%" against a record of 0.64% is 36%
    off in relative terms, yet it is the record rounded to a whole percent. Here the distance is
    |claimed - found| in points, so a tolerance of 0.5 means "the record rounds to the claimed whole number".
    """
    if tolerance_pp < 0:
        raise VerdictError(f"the tolerance must not be negative, got {tolerance_pp}.")
    if qualifier in ("at least", "more than"):
        if found > claimed or (qualifier == "at least" and found == claimed):
            return ACCURATE
    elif qualifier in ("at most", "less than", "up to"):
        if found < claimed or (qualifier != "less than" and found == claimed):
            return ACCURATE
    gap = abs(claimed - found)
    if tolerance_pp == 0:
        return ACCURATE if gap == 0 else INACCURATE
    return _band(gap / tolerance_pp * 100, 100)


def rate_holds(holds: Mapping[Any, bool | None], reference: Any) -> str:
    """Label for a statement tested edition by edition (None: that edition cannot test it); see HOLDS_RULE."""
    if reference not in holds:
        raise VerdictError(f"the reference {reference} is not among {', '.join(map(str, holds))}.")
    tested = {k: h for k, h in holds.items() if h is not None}
    if holds[reference] is True:
        return ACCURATE
    if holds[reference] is False:
        return MIXED if any(tested.values()) else INACCURATE
    if not tested:
        return UNVERIFIABLE
    if all(tested.values()):
        return MOSTLY_ACCURATE
    return MIXED if any(tested.values()) else INACCURATE


def rate_rank(claimed: int, ranks: Mapping[Any, int | None], reference: Any) -> str:
    """Label for a claimed rank given the rank in each edition (None: not ranked there); see RANK_RULE."""
    if reference not in ranks:
        raise VerdictError(f"the reference edition {reference} is not among {', '.join(map(str, ranks))}.")
    if ranks[reference] == claimed:
        return ACCURATE
    if any(r == claimed for r in ranks.values()):
        return MIXED
    if ranks[reference] is None:
        return UNVERIFIABLE
    if abs(ranks[reference] - claimed) == 1:
        return MOSTLY_INACCURATE
    return INACCURATE


def rate_comparison(larger: float | None, smaller: float | None, min_ratio: float = 1.0) -> str:
    """Label for 'A is (much) larger than B'.

    Both known: A/B at or above `min_ratio` is accurate; larger but below it, mostly accurate; within 5 %
    of each other, mixed; smaller, inaccurate. B absent from a complete table that lists A (the
    publisher assessed no figure for B): mostly accurate, since the record agrees but does not quantify
    B. A unknown: unverifiable.
    """
    if larger is None:
        return UNVERIFIABLE
    if smaller is None:
        return MOSTLY_ACCURATE
    if smaller == 0:
        return ACCURATE if larger > 0 else MIXED
    ratio = larger / smaller
    if ratio >= min_ratio and ratio > 1:
        return ACCURATE
    if abs(ratio - 1) <= 0.05:
        return MIXED
    if ratio > 1:
        return MOSTLY_ACCURATE
    return INACCURATE


def rate_corroboration(n_reports: int, min_reports: int, tiers: list[str], contradicted: bool = False) -> str:
    """Label for an event or attribution from how many independent reports give it (CORROBORATION_RULE).

    `tiers` are the tiers of the evidence that gives it (the articles themselves are secondary); a primary
    record settles it, a contradiction (a record or the calendar saying otherwise) refutes it.
    """
    if min_reports < 1:
        raise VerdictError(f"at least one report must be required, got {min_reports}.")
    if n_reports < 0:
        raise VerdictError(f"the number of reports must not be negative, got {n_reports}.")
    if contradicted:
        return INACCURATE
    if "primary" in tiers:
        return ACCURATE
    if n_reports >= min_reports:
        return cap_for_tier(ACCURATE, tiers)
    return UNVERIFIABLE


def rate_parts(confirmed: int, contradicted: int, total: int, min_share: float) -> str:
    """Label for a statement of `total` checkable parts, of which the record confirms `confirmed` and
    contradicts `contradicted` (the rest it does not cover); see PARTS_RULE."""
    if total < 1 or confirmed < 0 or contradicted < 0 or confirmed + contradicted > total:
        raise VerdictError(f"{confirmed} confirmed and {contradicted} contradicted do not fit {total} parts.")
    if not 0 < min_share <= 1:
        raise VerdictError(f"the required share must be in (0, 1], got {min_share}.")
    if contradicted == total:
        return INACCURATE
    if contradicted:
        return MIXED if confirmed else MOSTLY_INACCURATE
    if confirmed == total:
        return ACCURATE
    if confirmed / total >= min_share:
        return MOSTLY_ACCURATE
    return UNVERIFIABLE


def cap_for_tier(label: str, tiers: list[str]) -> str:
    """TIER_RULE: without primary evidence a label stays at or below 'mostly accurate'."""
    if label == ACCURATE and "primary" not in tiers:
        return MOSTLY_ACCURATE
    return label


AS_OF_RULE = ("A claim is judged as of its date: the evidence about the state of things on that date decides (a "
              "period that covers the date first, else the latest period that ended before it); evidence about a "
              "later period is shown as a later change and does not alter the label. With no evidence up to the "
              "date, the claim is unverifiable as of its date.")


@dataclass(frozen=True)
class Dated:
    """One piece of evidence about the period from `start` to `end` (inclusive), with the label it alone
    supports, a short description for the conclusion and its source tier."""

    start: dt.date
    end: dt.date
    label: str
    what: str = ""
    tier: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise VerdictError(f"evidence '{self.what}' ends ({self.end}) before it starts ({self.start}).")
        if self.label not in SCALE:
            raise VerdictError(f"evidence '{self.what}' has label '{self.label}'; allowed: {', '.join(SCALE)}.")


@dataclass(frozen=True)
class AsOf:
    """What AS_OF_RULE found: the label on the claim's date, the evidence that decided it, and the later
    evidence (all of it, oldest first; `changes` keeps the pieces whose label differs)."""

    label: str
    decisive: Dated | None
    later: tuple[Dated, ...]

    @property
    def changes(self) -> tuple[Dated, ...]:
        return tuple(e for e in self.later if e.label != self.label)


def rate_as_of(when: dt.date, evidence: Sequence[Dated]) -> AsOf:
    """Label of a claim dated `when` from dated evidence (see AS_OF_RULE).

    Among the evidence that started on or before `when`, a period covering `when` wins over one that ended
    before it, then the later end, then the later start (the most recent report of the state); equal keys
    keep the order given. Evidence that starts after `when` is returned as later, oldest first.
    """
    before = [e for e in evidence if e.start <= when]
    later = tuple(sorted((e for e in evidence if e.start > when), key=lambda e: (e.start, e.end)))
    if not before:
        return AsOf(UNVERIFIABLE, None, later)
    decisive = max(before, key=lambda e: (min(e.end, when), e.start))
    return AsOf(decisive.label, decisive, later)


@dataclass
class Verdict:
    """One claim's verdict, as the book shows it and the exports carry it (the parameters it ran with
    are added from the executed notebook's metadata when verdicts are collected)."""

    claim_id: str
    label: str
    conclusion: str
    claimed: Any
    found: Any
    rule: str
    datasets: list[str]
    evidence_tiers: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.label not in SCALE:
            raise VerdictError(f"{self.claim_id}: '{self.label}' is not a label; allowed: {', '.join(SCALE)}.")
        if not self.conclusion.strip():
            raise VerdictError(f"{self.claim_id}: the verdict has no conclusion.")

    @property
    def rating(self) -> int | None:
        return SCALE[self.label]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rating"] = self.rating
        return d

    def _repr_html_(self):
        esc = html.escape
        tiers = ", ".join(sorted(set(self.evidence_tiers))) or "n/a"
        return (
            f'<div class="claimbook-verdict verdict-{self.label.replace(" ", "-")}" '
            f'id="verdict-{esc(self.claim_id)}">'
            f'<p class="verdict-label"><strong>Verdict on {esc(self.claim_id)}: {esc(self.label)}</strong></p>'
            f"<p>{esc(self.conclusion)}</p>"
            f'<p class="verdict-meta">Rule: {esc(self.rule)} Evidence: {esc(tiers)}. '
            f"Data: {esc(', '.join(self.datasets) or 'none')}.</p></div>"
        )


def not_rated(claim: dict, conclusion: str, datasets: list[str] | None = None,
              evidence_tiers: list[str] | None = None) -> Verdict:
    """The verdict on an opinion or a prediction (NOT_RATED_RULE): the conclusion gives what bears on it."""
    return Verdict(claim["id"], NOT_RATED, conclusion, claim["statement"], None, NOT_RATED_RULE, list(datasets or []),
                   list(evidence_tiers or []))


# Recorded the way myst-nb's glue records hidden values (so the book does not render it), under a JSON
# media type, so the executed notebook stores the verdict as a JSON object.
GLUE_PREFIX = "application/papermill.record/"
GLUE_MIME = GLUE_PREFIX + "application/vnd.claimbook.verdict+json"


def show(verdict: Verdict) -> None:
    """Display the verdict for the reader and record it in the notebook for the summary and exports."""
    from IPython.display import display

    display(verdict)
    display({GLUE_MIME: verdict.to_dict()}, raw=True,
            metadata={"scrapbook": {"name": f"verdict-{verdict.claim_id}", "mime_prefix": GLUE_PREFIX}})


def from_notebook(nb) -> dict[str, dict]:
    """The verdicts recorded in an executed notebook, by claim id."""
    found: dict[str, dict] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
            if name.startswith("verdict-") and GLUE_MIME in out.get("data", {}):
                data = out["data"][GLUE_MIME]
                found[name.removeprefix("verdict-")] = json.loads(data) if isinstance(data, str) else dict(data)
    return found


# Rules added with the economy chapter: yearly statements, claims made of parts, and events.

YEARS_RULE = ("A present-tense statement about a yearly figure is judged on the latest year with data in the chosen "
              "years (its 'now'): it holds there and in every earlier year with data, accurate; it holds there but "
              "not in every earlier year, mostly accurate; it fails there but held in an earlier year, mostly "
              "inaccurate; it holds in no year, inaccurate. A year without data is a gap: named, and counted neither "
              "way; with no year of data the statement is unverifiable.")
COMPOUND_RULE = ("A claim made of parts is rated part by part, and the rated parts are combined by the mean of their "
                 "ratings, rounded to the nearest label with halves going to the less favourable one; an unverifiable "
                 "part is named and left out, and then the whole is at most mostly accurate; with no part rated, "
                 "the whole is unverifiable.")
EVENT_RULE = ("An event is split into its core and its details: the core and every detail found in the record, "
              "accurate; the core found and some details not settled by the record, mostly accurate; the core "
              "found and a detail contradicted, mixed; the core contradicted, inaccurate; the core not found in "
              "the record searched, unverifiable.")

_BY_RATING = {r: label for label, r in SCALE.items() if r is not None}


def rate_years(holds: Mapping[int, bool | None]) -> str:
    """Label for a present-tense statement given, per year, whether it held (None: no data); see YEARS_RULE."""
    known = {y: h for y, h in holds.items() if h is not None}
    if not known:
        return UNVERIFIABLE
    now = max(known)
    if known[now]:
        return ACCURATE if all(known.values()) else MOSTLY_ACCURATE
    return MOSTLY_INACCURATE if any(known.values()) else INACCURATE


def rate_compound(parts: Mapping[str, str]) -> str:
    """Label for a claim made of parts, given each part's label; see COMPOUND_RULE."""
    if not parts:
        raise VerdictError("a compound claim needs at least one part.")
    unknown = [p for p, label in parts.items() if label not in SCALE]
    if unknown:
        raise VerdictError(f"part(s) {', '.join(unknown)} have no valid label.")
    ratings = [SCALE[label] for label in parts.values() if SCALE[label] is not None]
    if not ratings:
        return UNVERIFIABLE
    mean = sum(ratings) / len(ratings)
    rating = math.ceil(mean - 0.5)  # nearest; a half goes down, to the less favourable label
    if len(ratings) < len(parts):
        rating = min(rating, SCALE[MOSTLY_ACCURATE])
    return _BY_RATING[rating]


def rate_event(core: bool | None, details: Mapping[str, bool | None] | None = None) -> str:
    """Label for an event claim: whether the record shows its core, and each detail (None: not settled)."""
    details = details or {}
    if core is None:
        return UNVERIFIABLE
    if not core:
        return INACCURATE
    if any(d is False for d in details.values()):
        return MIXED
    if all(d is True for d in details.values()):
        return ACCURATE
    return MOSTLY_ACCURATE
