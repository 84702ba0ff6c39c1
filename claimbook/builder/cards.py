"""The verdicts at the top of each chapter page, and the control that switches them to another data choice.

Each chapter page opens with a card per claim (the label badge, the evidence badge, the one-sentence
conclusion, a link to the section). Below the cards, the results of the chapter's swept copies
(_build/sweeps/, one per value of each declared sweep parameter, the others at their defaults) are embedded
as JSON, and book/_static/claimbook-switch.js lets the reader switch the cards and the verdict boxes to
another value, with no server. Printed, the page shows the default and a table of the alternatives.

Everything here is read from executed notebooks and the corrections log; the Sphinx extension inserts it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from claimbook.core.html import macro, render
from claimbook.core.rules import NUMBER, POINTS, SCALE, rate_number, rate_points


def _number(x) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def tolerance_note(v: dict) -> str:
    """For a number or a share judged within a tolerance: the tolerance at which the label would flip,
    computed with the rule itself ("" when the verdict is not of that kind or the tolerance cannot move it)."""
    claimed, found = _number(v.get("claimed")), _number(v.get("found"))
    params = v.get("parameters") or {}
    if claimed is None or found is None:
        return ""
    rate: Callable[[float, float, float], str]  # rate_number or rate_points (their tolerances are named apart)
    if v.get("rule") == NUMBER.title:
        rate, unit = rate_number, "%"
        distance = abs(claimed - found) / abs(found) * 100 if found else math.inf
    elif v.get("rule") == POINTS.title:
        rate, unit = rate_points, " points"
        distance = abs(claimed - found)
    else:
        return ""
    names = [k for k in params if "tolerance" in k]
    if len(names) != 1 or distance == 0 or not math.isfinite(distance):
        return ""
    tolerance = float(params[names[0]])
    if rate(claimed, found, tolerance) != v.get("label"):  # a qualifier ('at least') decides: no tolerance note
        return ""
    gap = f"{distance:.3g}{unit}"
    shown = f"{found:,.0f}" if abs(found) >= 1e4 else f"{found:g}"
    if tolerance >= distance:
        other = rate(claimed, found, distance * 0.999)
        return (
            f"The claim is {gap} off the record of {shown}; with a tolerance below {distance:.3g}{unit} "
            f"(this verdict uses {tolerance:g}) it would be {other}."
        )
    return (
        f"The claim is {gap} off the record of {shown}; with a tolerance of {distance:.3g}{unit} or more "
        f"(this verdict uses {tolerance:g}) it would be {rate(claimed, found, distance)}."
    )


def flip_note(v: dict) -> str:
    """Where the label would flip, as far as the chapter computes it: the vague word's sensitivity sentence,
    or the tolerance at which a number or share would change label."""
    return v.get("sensitivity") or tolerance_note(v)


def _short_help(text: str) -> str:
    for sep in (";", " ("):
        text = text.split(sep)[0]
    return text.strip()


def _slim(v: dict, parameters: dict | None = None) -> dict:
    full = {**v, "parameters": parameters if parameters is not None else v.get("parameters", {})}
    return {
        "label": v["label"],
        "evidence": v.get("evidence") or "",
        "conclusion": v["conclusion"],
        "note": flip_note(full),
    }


def chapter_data(executed: Path, sweep_dir: Path | None = None) -> dict:
    """What the page needs: the chapter's verdicts as executed, and per swept parameter the verdicts for each
    value. Values are strings (as the control gives them)."""
    from claimbook.builder.collect import chapter_sweeps
    from claimbook.builder.workspace import read_executed
    from claimbook.core.notebooks import NOTEBOOK_DIR
    from claimbook.core.params import notebook_parameters

    meta, verdicts = read_executed(executed)
    page_params = meta.get("parameters", {})
    source = NOTEBOOK_DIR / meta.get("notebook", executed.name)
    declared = notebook_parameters(source) if source.exists() else {}
    params, alternatives = [], {}
    for sweep in chapter_sweeps(executed.stem, sweep_dir):
        name, default = sweep["parameter"], sweep["default"]
        values = [str(value) for value, _ in sweep["values"]]
        current = str(page_params.get(name, default))
        params.append(
            {
                "name": name,
                "help": _short_help(declared[name].help) if name in declared else name,
                "default": str(default),
                "current": current if current in values else str(default),
                "values": values,
            }
        )
        for value, found in sweep["values"]:
            run_params = {**{k: p.default for k, p in declared.items()}, name: value}
            alternatives[f"{name}={value}"] = {cid: _slim(v, run_params) for cid, v in found.items()}
    return {
        "chapter": executed.stem,
        "page": {cid: _slim(v, page_params) for cid, v in verdicts.items()},
        "parameters": params,
        "alternatives": alternatives,
    }


def _corrections_by_claim(corrections: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in corrections:
        out.setdefault(c["claim"], []).append(c)
    return out


def correction_html(c: dict) -> str:
    """One correction as a note (on the card and in the claim's section)."""
    return macro("correction", c)


def cards_html(executed: Path, sweep_dir: Path | None = None, corrections: list[dict] | None = None) -> str:
    """The block that opens a chapter page (templates/cards.html.j2; "" for a page without verdicts)."""
    data = chapter_data(executed, sweep_dir)
    if not data["page"]:
        return ""
    counts: dict[str, int] = {}
    for v in data["page"].values():
        counts[v["label"]] = counts.get(v["label"], 0) + 1
    summary = ", ".join(f"{n} {label}" for label in SCALE for n in [counts.get(label, 0)] if n)
    columns = [(p, value) for p in data["parameters"] for value in p["values"]]
    alternatives = {
        cid: [data["alternatives"].get(f"{p['name']}={value}", {}).get(cid) for p, value in columns]
        for cid in data["page"]
    }
    return render(
        "cards.html.j2",
        data=data,
        summary=summary,
        corrections=_corrections_by_claim(corrections or []),
        columns=columns,
        alternatives=alternatives,
    )
