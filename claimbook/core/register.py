"""The claims register: seeds/sources.yaml (the articles) and seeds/claims.yaml (what they claim).

Schema in seeds/README.md. `validate()` returns every problem as one sentence; `claims()` gives the
register to notebooks once it is valid.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache
from pathlib import Path

from claimbook import ROOT, ClaimbookError, file_version, read_text, read_yaml_mapping, relpath, shorten
from claimbook.core.notebooks import all_notebooks

SEEDS_DIR = ROOT / "seeds"
# The articles themselves live outside the project (only short quotes may enter it).
ARTICLES_DIR = Path(os.environ.get("CLAIMBOOK_ARTICLES", ROOT.parent / "shared" / "seeds"))

# Each claim area and the prefix of its claim ids are declared in claims.yaml (`areas`), beside its claims, so a
# new area is added there and nowhere in the code.
AREA_PREFIX = re.compile(r"[A-Z]{3}")
KINDS = ("numeric", "ranking", "comparison", "event", "attribution", "opinion", "prediction")
UNRATED_KINDS = ("opinion", "prediction")
QUALIFIERS = ("about", "exactly", "at least", "more than", "at most", "less than", "up to", "range")
MAX_QUOTE_CHARS = 320


class RegisterError(ClaimbookError):
    pass


def _read_yaml(path: Path) -> dict:
    return read_yaml_mapping(path, RegisterError)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _article_text(path: Path) -> str:
    """An article's text, normalised; read once per process and file version (a standby's process may live for
    minutes, claimbook.builder.standby)."""
    return _article_text_of(path, file_version(path))


@cache
def _article_text_of(path: Path, version: tuple | None) -> str:
    return _normalise(read_text(path, RegisterError, "the article's text in UTF-8"))


def quote_check_unavailable(articles_dir: Path | None = None) -> str | None:
    """Why the quotes cannot be checked against the articles (None when they can)."""
    articles_dir = articles_dir or ARTICLES_DIR
    if not articles_dir.is_dir():
        return f"the articles are not in {relpath(articles_dir)}"
    return None


def in_ci() -> bool:
    """Whether this runs in continuous integration (CI=true, as GitHub Actions, GitLab and others set)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def validate(
    seeds_dir: Path | None = None, articles_dir: Path | None = None, notebook_dir: Path | None = None
) -> list[str]:
    """Every problem in the register, one sentence each; an empty list means it is valid."""
    seeds_dir = seeds_dir or SEEDS_DIR
    articles_dir = articles_dir or ARTICLES_DIR
    try:
        sources = _read_yaml(seeds_dir / "sources.yaml")
        register = _read_yaml(seeds_dir / "claims.yaml")
    except RegisterError as exc:
        return [str(exc)]
    problems: list[str] = []
    articles = sources.get("articles") or {}
    if not isinstance(articles, dict) or not articles:
        problems.append("sources.yaml lists no articles under 'articles'.")
        articles = {}
    for aid, art in articles.items():
        for f in ("headline", "publication", "author", "date"):
            if not isinstance(art, dict) or f not in art:
                problems.append(f"sources.yaml: article {aid} lacks '{f}' (use null when the text does not show it).")
        date = (art or {}).get("date") if isinstance(art, dict) else None
        if isinstance(date, dict):
            lo, hi = date.get("earliest"), date.get("latest")
            if not (isinstance(lo, dt.date) and isinstance(hi, dt.date)) or lo > hi or not date.get("basis"):
                problems.append(
                    f"sources.yaml: article {aid} needs date.earliest <= date.latest (ISO dates) and a basis."
                )
        if articles_dir.is_dir() and not (articles_dir / f"{aid}.txt").exists():
            problems.append(f"sources.yaml: article {aid} has no file {aid}.txt in {articles_dir}.")

    areas = register.get("areas")
    if not isinstance(areas, dict) or not areas:
        problems.append(
            "claims.yaml declares no areas under 'areas' (each area's name and its id prefix, as reserves: RES)."
        )
        areas = {}
    for area, prefix in areas.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(area)) or not AREA_PREFIX.fullmatch(str(prefix)):
            problems.append(
                f"claims.yaml: area {shorten(area)} needs a lower-case name and a prefix of three capital "
                f"letters (as reserves: RES), not {shorten(prefix)}."
            )
    prefixes = [str(p) for p in areas.values()]
    for prefix in sorted({p for p in prefixes if prefixes.count(p) > 1}):
        problems.append(f"claims.yaml: the prefix {prefix} is declared for two areas; each area has its own.")
    existing = set(all_notebooks(notebook_dir))
    planned = set(register.get("planned_notebooks") or [])
    for name in sorted(planned & existing):
        problems.append(f"claims.yaml: notebook '{name}' exists now; remove it from planned_notebooks.")
    claims = register.get("claims")
    if not isinstance(claims, list) or not claims:
        return problems + ["claims.yaml lists no claims under 'claims'."]
    seen: set[str] = set()
    ids = {c.get("id") for c in claims if isinstance(c, dict)}
    for group in register.get("contradictions") or []:
        title = group.get("title") if isinstance(group, dict) else None
        members = group.get("claims") if isinstance(group, dict) else None
        if not title or not isinstance(members, list) or len(members) < 2 or not group.get("note"):
            problems.append("claims.yaml: each contradiction needs a title, a note and at least two claims.")
            continue
        for cid in members:
            if cid not in ids:
                problems.append(f"claims.yaml: contradiction '{title}' names {cid}, which is not a claim.")
    for i, c in enumerate(claims):
        cid = c.get("id") if isinstance(c, dict) else None
        label = str(cid)[:40] if cid else f"claim #{i + 1}"
        if not isinstance(c, dict):
            problems.append(f"claims.yaml: {label} is not a mapping.")
            continue
        for f in ("id", "area", "notebook", "kind", "claimant", "statement", "as_of", "appearances"):
            if not c.get(f):
                problems.append(f"claims.yaml: {label} lacks '{f}'.")
        if cid in seen:
            problems.append(f"claims.yaml: the id {cid} is used twice; ids must be unique.")
        seen.add(cid)
        area = c.get("area")
        if area not in areas:
            problems.append(f"claims.yaml: {label} has area {shorten(area)}; allowed: {', '.join(areas)}.")
        elif cid and not re.fullmatch(rf"{re.escape(str(areas[area]))}-\d{{2}}", str(cid)):
            problems.append(f"claims.yaml: {label} should be named {areas[area]}-NN for area {area}.")
        nb = c.get("notebook")
        if nb and nb not in existing | planned:
            problems.append(
                f"claims.yaml: {label} names notebook {shorten(nb)}, which does not exist; "
                f"known: {', '.join(sorted(existing | planned))}."
            )
        kind = c.get("kind")
        if kind and kind not in KINDS:
            problems.append(f"claims.yaml: {label} has kind {shorten(kind)}; allowed: {', '.join(KINDS)}.")
        if c.get("as_of") and not isinstance(c["as_of"], dt.date):
            problems.append(f"claims.yaml: {label} has as_of {shorten(c['as_of'])}, which is not an ISO date.")
        problems += _check_asserted(label, kind, c.get("asserted"))
        for app in c.get("appearances") or []:
            problems += _check_appearance(label, app, articles, articles_dir)
    return problems


def _check_asserted(label: str, kind: str | None, asserted) -> list[str]:
    # A ranking may be qualitative ("among the leaders"); a numeric claim always has a value and a unit.
    if asserted is None:
        return [f"claims.yaml: {label} is a numeric claim without an asserted value."] if kind == "numeric" else []
    if not isinstance(asserted, dict):
        return [f"claims.yaml: {label} has an 'asserted' that is not a mapping."]
    out = []
    q = asserted.get("qualifier", "about")
    if q not in QUALIFIERS:
        out.append(f"claims.yaml: {label} has qualifier {shorten(q)}; allowed: {', '.join(QUALIFIERS)}.")
    has_value = "value" in asserted or (q == "range" and "low" in asserted and "high" in asserted)
    if kind == "numeric" and not has_value:
        out.append(f"claims.yaml: {label} is a {kind} claim without an asserted value.")
    if has_value and not asserted.get("unit"):
        out.append(f"claims.yaml: {label} asserts a value without a unit.")
    for f in ("value", "low", "high"):
        if f in asserted and not isinstance(asserted[f], (int, float)):
            out.append(f"claims.yaml: {label} has asserted {f} {shorten(asserted[f])}, which is not a number.")
    return out


def _check_appearance(label: str, app, articles: dict, articles_dir: Path) -> list[str]:
    if not isinstance(app, dict) or not app.get("article") or not app.get("quote"):
        return [f"claims.yaml: {label} has an appearance without both 'article' and 'quote'."]
    aid, quote = app["article"], str(app["quote"])
    if aid not in articles:
        return [f"claims.yaml: {label} cites article {shorten(aid)}, which sources.yaml does not list."]
    out = []
    if len(quote) > MAX_QUOTE_CHARS:
        out.append(f"claims.yaml: {label} quotes {len(quote)} characters of {aid}; keep quotes to one short sentence.")
    path = articles_dir / f"{aid}.txt"
    if path.exists():
        try:
            if _normalise(quote) not in _article_text(path):
                out.append(f"claims.yaml: {label}'s quote does not occur in article {aid}: {shorten(quote, 60)}.")
        except RegisterError as exc:
            out.append(str(exc))
    return out


@cache
def _register(stamp: tuple) -> tuple[dict, list[dict]]:
    problems = validate()
    if problems:
        raise RegisterError(f"the claims register is invalid: {problems[0]} (run `python -m claimbook check`).")
    sources = _read_yaml(SEEDS_DIR / "sources.yaml")["articles"]
    return sources, _read_yaml(SEEDS_DIR / "claims.yaml")["claims"]


def _stamp() -> tuple:
    """The versions of what the register's validation reads: its two files and the articles it quotes."""
    seeds = tuple((SEEDS_DIR / f).stat().st_mtime_ns for f in ("sources.yaml", "claims.yaml"))
    articles = sorted((p.name, file_version(p)) for p in ARTICLES_DIR.glob("*.txt")) if ARTICLES_DIR.is_dir() else []
    return (*seeds, *articles)


def articles() -> dict:
    return _register(_stamp())[0]


def claims(notebook: str | None = None) -> list[dict]:
    """The register's claims (all, or those one notebook checks), validated."""
    all_claims = _register(_stamp())[1]
    return [c for c in all_claims if notebook is None or c["notebook"] == notebook]


def contradictions() -> list[dict]:
    _register(_stamp())  # validated first
    return _read_yaml(SEEDS_DIR / "claims.yaml").get("contradictions") or []


def claim(claim_id: str) -> dict:
    for c in claims():
        if c["id"] == claim_id:
            return c
    raise RegisterError(f"there is no claim {claim_id} in seeds/claims.yaml.")


def _who(c: dict) -> str:
    if c["claimant"] == "article":
        return "the article"
    role = c.get("claimant_role")
    return f"{c['claimant']} ({role})" if role else str(c["claimant"])


class ClaimQuote:
    """One claim as the reader sees it: the quotes, who made them, where; escaped for HTML."""

    def __init__(self, claim_id: str):
        self.claim = claim(claim_id)

    def _repr_html_(self) -> str:
        from claimbook.core.html import render

        quotes = [
            {"quote": str(a["quote"]), "source": _article_label(a["article"], articles())}
            for a in self.claim["appearances"]
        ]
        return render("claim.html.j2", c=self.claim, who=_who(self.claim), quotes=quotes)

    def __repr__(self) -> str:
        return f"{self.claim['id']}: {self.claim['statement']}"


def _article_label(aid: str, arts: dict) -> str:
    a = arts.get(aid, {})
    name = a.get("headline") or a.get("publication") or f"article {aid[:3]}"
    d = a.get("date", {})
    when = (
        f"{d.get('earliest')} to {d.get('latest')}"
        if d and d.get("earliest") != d.get("latest")
        else str(d.get("earliest"))
    )
    return f"{name} (seed {aid[:3]}, {when})"
