"""The verdict scale and the rules that assign a label from data and parameters.

Scale: accurate 5, mostly accurate 4, mixed 3, mostly inaccurate 2, inaccurate 1, and two
labels without a number: "unverifiable" (no public record settles it) and "not rated" (opinion or
prediction). Every rule below is a pure function of numbers, so it is tested with cases that must say
yes and cases that must say no; notebooks call them and never type a label.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from claimbook import ClaimbookError
from claimbook.core.html import render

ACCURATE = "accurate"
MOSTLY_ACCURATE = "mostly accurate"
MIXED = "mixed"
MOSTLY_INACCURATE = "mostly inaccurate"
INACCURATE = "inaccurate"
UNVERIFIABLE = "unverifiable"
NOT_RATED = "not rated"

# label -> rating value for ClaimReview (None: outside the numeric scale)
SCALE: dict[str, int | None] = {
    ACCURATE: 5,
    MOSTLY_ACCURATE: 4,
    MIXED: 3,
    MOSTLY_INACCURATE: 2,
    INACCURATE: 1,
    UNVERIFIABLE: None,
    NOT_RATED: None,
}
MEANING = {
    ACCURATE: "True as stated, on the record published by the claim's date.",
    MOSTLY_ACCURATE: "True in its main point, with a detail or a margin that is off.",
    MIXED: "Part is true and part is not, or it holds only in some editions of the data.",
    MOSTLY_INACCURATE: "Wrong in its main point, though a detail or the order of magnitude is right.",
    INACCURATE: "The record contradicts it.",
    UNVERIFIABLE: "A search of the public record found nothing that settles it; the verdict says what was searched.",
    NOT_RATED: "An opinion or a prediction: listed, but no factual verdict is possible.",
}


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
    found = ranks[reference]
    if found is None:
        return UNVERIFIABLE
    if abs(found - claimed) == 1:
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
    ratings = [r for label in parts.values() if (r := SCALE[label]) is not None]
    if not ratings:
        return UNVERIFIABLE
    mean = sum(ratings) / len(ratings)
    rating = math.ceil(mean - 0.5)  # nearest; a half goes down, to the less favourable label
    if len(ratings) < len(parts):
        cap = SCALE[MOSTLY_ACCURATE]
        assert cap is not None  # a rated label
        rating = min(rating, cap)
    return _BY_RATING[rating]


# --- findings from dated records ---------------------------------------------------------------------------

ROLES = ("core", "detail", "said", "quoted", "content", "context")


def rate_findings(parts: Sequence[tuple[str, bool]]) -> str:
    """Label for a statement from its findings as of its date: (role, holds) pairs; see FINDINGS.

    `said` counts as a core part (did the person say it) and `quoted` as a detail (were the printed words
    theirs); `content` and `context` findings never move the label.
    """
    cores = [h for role, h in parts if role in ("core", "said")]
    details = [h for role, h in parts if role in ("detail", "quoted")]
    if not cores:
        return UNVERIFIABLE
    if all(cores):
        failed = details.count(False)
        if not failed:
            return ACCURATE
        return MIXED if failed >= 2 and failed * 2 > len(details) else MOSTLY_ACCURATE
    if any(cores):
        return MIXED
    return MOSTLY_INACCURATE if any(details) else INACCURATE


# How strong the evidence is: shown beside the label, never folded into it. Strongest first.
STRENGTHS = (
    "primary record",
    "official statistics",
    "independent reports",
    "single report",
    "secondary statistics",
    "no record",
)


def stronger(a: str, b: str) -> str:
    """The stronger of two evidence strengths."""
    return min(a, b, key=STRENGTHS.index)


def statistics_strength(tiers: Sequence[str]) -> str:
    """The strength of statistics from the rows a chapter used: primary rows are official statistics."""
    if "primary" in tiers:
        return "official statistics"
    return "secondary statistics" if tiers else "no record"


def evidence_strength(record_tiers: Sequence[tuple[str, ...]], dataset_tiers: Sequence[str]) -> str:
    """The strongest kind of evidence among the records (tier, publisher[, kind]) and datasets (tier) that
    decide; a primary record that is a statistical table counts as official statistics."""
    primary_kinds = [r[2] if len(r) > 2 else "" for r in record_tiers if r[0] == "primary"]
    if any(kind != "official_statistics" for kind in primary_kinds):
        return "primary record"
    if primary_kinds or any(tier == "primary" for tier in dataset_tiers):
        return "official statistics"
    publishers = {r[1] for r in record_tiers}
    if len(publishers) >= 2:
        return "independent reports"
    if publishers:
        return "single report"
    if dataset_tiers:
        return "secondary statistics"
    return "no record"


# --- the rules: each one object with its text and its function ----------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A stated rule: what the reader is told (title, text) and the function that applies it."""

    key: str
    title: str
    text: str
    apply: Callable[..., Any] = field(repr=False, compare=False)

    def __call__(self, *args, **kwargs):
        return self.apply(*args, **kwargs)

    def markdown(self) -> str:
        return f"**{self.title}.** {self.text}"


NUMBER = Rule(
    "number",
    "Numbers",
    "A number within the tolerance of the record is accurate; within twice the "
    "tolerance, mostly accurate; within four times, mostly inaccurate; further away, inaccurate. 'At "
    "least' and 'more than' claims are accurate whenever the record reaches the bound.",
    rate_number,
)
POINTS = Rule(
    "points",
    "Shares in percentage points",
    "A share within the tolerance (in percentage points) of the "
    "record is accurate; within twice the tolerance, mostly accurate; within four times, mostly "
    "inaccurate; further away, inaccurate. 'At least' and 'more than' claims are accurate whenever the "
    "record reaches the bound.",
    rate_points,
)
RANK = Rule(
    "rank",
    "Ranks",
    "A rank that holds in the edition a reader had on the claim's date is accurate; one "
    "that holds only in other editions is mixed; one that misses by a single place is mostly inaccurate; "
    "otherwise inaccurate.",
    rate_rank,
)
HOLDS = Rule(
    "holds",
    "Statements tested edition by edition",
    "A statement that holds in the reference edition "
    "(or year) is accurate; one that holds only in others is mixed; one that holds in none is "
    "inaccurate; where the reference cannot test it, one that holds in every edition that can is mostly "
    "accurate.",
    rate_holds,
)
COMPARISON = Rule(
    "comparison",
    "Comparisons",
    "'A is larger than B' is accurate when A is larger by at least the "
    "stated margin; larger by less, mostly accurate; within 5% of B, mixed; smaller, inaccurate. "
    "Where the publisher lists A but assesses no figure for B, mostly accurate.",
    rate_comparison,
)
AS_OF = Rule(
    "as_of",
    "As of the claim's date",
    "A claim is judged on the state of things on its date: a period "
    "that covers the date first, else the latest period that ended before it. Evidence about a later "
    "period is shown as a later change and does not alter the label.",
    rate_as_of,
)
YEARS = Rule(
    "years",
    "Yearly figures",
    "A present-tense statement about a yearly figure is judged on the latest "
    "year with data published by the claim's date: it holds there and in every earlier year, accurate; "
    "there but not always before, mostly accurate; not there but in an earlier year, mostly inaccurate; "
    "in no year, inaccurate.",
    rate_years,
)
COMPOUND = Rule(
    "compound",
    "Claims made of parts",
    "Each part is rated on its own and the ratings are averaged, "
    "halves going to the less favourable label; a part the record cannot settle is named and left "
    "out, and the whole is then at most mostly accurate.",
    rate_compound,
)
FINDINGS = Rule(
    "findings",
    "Events and statements",
    "Each part of the statement is checked against dated public "
    "records published by the claim's date (the articles under check never count). Every part holds: "
    "accurate. The main point holds but a detail does not: mostly accurate (mixed if two or more "
    "details fail and they are most of them). Some main points hold and some fail: mixed. The main point fails: mostly inaccurate if a "
    "detail holds, else inaccurate. No record settles the main point: unverifiable. For 'X said Y' the "
    "main point is whether X said it, and a paraphrase printed as a direct quote is a failed detail; "
    "whether Y is true is shown beside the label.",
    rate_findings,
)
NOT_RATED_RULE = Rule(
    "not_rated",
    "Opinions and predictions",
    "Opinions and predictions are listed but not rated: "
    "no record can show them true or false. The records that bear on them are shown.",
    lambda: NOT_RATED,
)
STRENGTH = Rule(
    "strength",
    "Strength of the evidence",
    "Shown beside the label, never folded into it: a primary "
    "record (the actor's own text, an official transcript, a law, a company filing); official "
    "statistics (a publisher's own table, with its edition); independent reports (two or more "
    "publishers); a single report; secondary statistics (a publisher's figures reported by others).",
    evidence_strength,
)

RULES: dict[str, Rule] = {
    r.key: r
    for r in (FINDINGS, NUMBER, POINTS, RANK, HOLDS, COMPARISON, YEARS, AS_OF, COMPOUND, NOT_RATED_RULE, STRENGTH)
}


def rules_markdown(keys: Sequence[str] | None = None) -> str:
    """The rules' text for a Method section or the introduction (all, or those named), one item each."""
    return "\n".join(f"- {RULES[k].markdown()}" for k in (keys or RULES))


def scale_markdown() -> str:
    """The verdict scale as a Markdown table (generated, so no rule text is written twice)."""
    rows = [
        f"| {label} | {SCALE[label] if SCALE[label] is not None else 'none'} | {MEANING[label]} |" for label in SCALE
    ]
    return "\n".join(["| label | rating | meaning |", "|---|---|---|", *rows])


# --- vague words: their thresholds, in one place -------------------------------------------------------------


@dataclass(frozen=True)
class Vague:
    """How the book reads a vague word: the threshold a chapter's parameter defaults to, why, and the range of
    thresholds a reasonable reader might choose instead (a verdict whose measure lies inside it says so)."""

    word: str
    parameter: str
    threshold: float
    unit: str
    reason: str
    low: float
    high: float

    def sensitivity(self, observed: float | None, higher_holds: bool = True, threshold: float | None = None) -> str:
        """A sentence when another threshold within the plausible range would flip the verdict; "" otherwise.
        `higher_holds`: the word applies when the measure reaches the threshold (False: when it stays at or
        below it, as a rank does); `threshold`: the one in use (default: the book's)."""
        if observed is None:
            return ""
        used = self.threshold if threshold is None else threshold
        holds = observed >= used if higher_holds else observed <= used
        if higher_holds:
            side, possible = ("above", self.high > observed) if holds else ("at or below", self.low <= observed)
        else:
            side, possible = ("below", self.low < observed) if holds else ("at or above", self.high >= observed)
        if not possible:
            return ""
        return (
            f"The verdict turns on the word '{self.word}': the record shows {observed:g}{self.unit}, so a "
            f"threshold {side} {observed:g}{self.unit} would change it (plausible thresholds run from "
            f"{self.low:g} to {self.high:g}{self.unit}; this verdict uses {used:g})."
        )


VAGUE: dict[str, Vague] = {
    v.word: v
    for v in (
        Vague(
            "significantly",
            "significant_ratio",
            2.0,
            "x",
            "Twice as large is the least a lay reader hears in 'significantly larger'.",
            1.5,
            3.0,
        ),
        Vague(
            "uncontested leaders",
            "leaders_top_n",
            3,
            " places",
            "The podium: leaders no one contests are the few at the top, not every country in the top five.",
            2,
            5,
        ),
        Vague(
            "some of the largest", "largest_top_n", 5, " places", "The top five of a table of a dozen countries.", 3, 10
        ),
        Vague(
            "vast",
            "vast_top_n",
            10,
            " places",
            "Ranking in the top ten of the USGS table, about a million tonnes or more.",
            5,
            12,
        ),
        Vague("the bulk", "bulk_share_pct", 50.0, "%", "More than half, the plain meaning of 'the bulk'.", 50.0, 75.0),
        Vague(
            "underdeveloped",
            "develop_ratio",
            0.5,
            "",
            "Mining less than half of the world share that the country's share of reserves would suggest.",
            0.2,
            0.8,
        ),
        Vague(
            "dominates", "dominant_pct", 50.0, "%", "At least half of the stage, and the largest producer.", 50.0, 80.0
        ),
        Vague(
            "much",
            "much_pct",
            25.0,
            "%",
            "A quarter: weaker than 'most' (over half), stronger than 'some'.",
            20.0,
            50.0,
        ),
        Vague(
            "soaring",
            "soaring_pct",
            8.0,
            "%",
            "Twice the Bank of Russia's 4% target, and higher than a year before.",
            6.0,
            12.0,
        ),
        Vague(
            "sharply",
            "sharp_fall_pct",
            50.0,
            "%",
            "A fall by half or more (or a turn to net withdrawals) within a year or two.",
            30.0,
            70.0,
        ),
        Vague(
            "reduced",
            "decline_ratio",
            2.0,
            "x",
            "Imports falling to half or less of the year before the tariffs, clearly beyond year-to-year noise.",
            1.25,
            3.0,
        ),
    )
}


def vague(word: str) -> Vague:
    return VAGUE[word]


# --- the verdict ----------------------------------------------------------------------------------------------

MAX_CONCLUSION_WORDS = 40


@dataclass
class Verdict:
    """One claim's verdict, as the book shows it and the exports carry it.

    `label` says whether the statement is true as of its date; `evidence` how strong the evidence is
    (STRENGTHS), beside it. `sources` are the records and datasets used, each with its publication date;
    `findings` what each record shows for each part of the claim; `since_then` what was published after the
    claim's date (shown, never deciding); `content` for an attribution: whether what was said is true.
    The parameters it ran with are added from the executed notebook's metadata when verdicts are collected.
    """

    claim_id: str
    label: str
    conclusion: str
    claimed: Any
    found: Any
    rule: Rule | str
    datasets: list[str]
    evidence: str = "no record"
    sources: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    since_then: list[str] = field(default_factory=list)
    content: dict | None = None
    searched: str = ""
    sensitivity: str = ""

    def __post_init__(self):
        if isinstance(self.rule, Rule):
            self.rule = self.rule.title
        if self.label not in SCALE:
            raise VerdictError(f"{self.claim_id}: '{self.label}' is not a label; allowed: {', '.join(SCALE)}.")
        if not self.conclusion.strip():
            raise VerdictError(f"{self.claim_id}: the verdict has no conclusion.")
        if self.evidence not in STRENGTHS:
            raise VerdictError(f"{self.claim_id}: evidence '{self.evidence}'; allowed: {', '.join(STRENGTHS)}.")
        for part in ("claimed", "found"):
            where = _not_finite(getattr(self, part))
            if where is not None:
                raise VerdictError(
                    f"{self.claim_id}: {part} holds {where}; a figure is a finite number, or None where there is "
                    f"none (the executed notebook and the exports would not be valid JSON)."
                )

    @property
    def rating(self) -> int | None:
        return SCALE[self.label]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rating"] = self.rating
        return d

    def _repr_html_(self):
        return verdict_html(self.to_dict())


def _not_finite(value, path: str = "") -> str | None:
    """Where a value holds an infinite or not-a-number float (JSON has neither), as "'key' = inf"; else None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path or 'a value'} = {value}"
    items = value.items() if isinstance(value, Mapping) else enumerate(value) if isinstance(value, list | tuple) else ()
    for key, item in items:
        where = _not_finite(item, f"'{key}'")
        if where is not None:
            return where
    return None


def verdict_html(d: dict) -> str:
    """The verdict box, from a verdict's dict (so the summaries render exactly what the chapter recorded)."""
    findings = [f for f in d.get("findings", []) if not f.get("since_then")]
    return render("verdict.html.j2", d=d, findings=findings)


def not_rated(claim: dict, conclusion: str, datasets: list[str] | None = None) -> Verdict:
    """The verdict on an opinion or a prediction (NOT_RATED_RULE): the conclusion gives what bears on it."""
    return Verdict(claim["id"], NOT_RATED, conclusion, claim["statement"], None, NOT_RATED_RULE, list(datasets or []))


# Recorded the way myst-nb's glue records hidden values (so the book does not render it), under a JSON
# media type, so the executed notebook stores the verdict as a JSON object.
GLUE_PREFIX = "application/papermill.record/"
GLUE_MIME = GLUE_PREFIX + "application/vnd.claimbook.verdict+json"


def from_notebook(nb) -> dict[str, dict]:
    """The verdicts recorded in an executed notebook (a notebook node, or the plain JSON), by claim id."""
    found: dict[str, dict] = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
            if name.startswith("verdict-") and GLUE_MIME in out.get("data", {}):
                data = out["data"][GLUE_MIME]
                found[name.removeprefix("verdict-")] = json.loads(data) if isinstance(data, str) else dict(data)
    return found
