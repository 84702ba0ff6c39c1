"""The verdicts at the top of each chapter page, and the control that switches them to another data choice.

Each chapter page opens with a card per claim (the label badge, the evidence badge, the one-sentence
conclusion, a link to the section). Below the cards, the results of the chapter's swept copies
(_build/sweeps/, one per value of each declared sweep parameter, the others at their defaults) are embedded
as JSON, and book/_static/claimbook-switch.js lets the reader switch the cards and the verdict boxes to
another value, with no server. Printed, the page shows the default and a table of the alternatives.

Everything here is read from executed notebooks and the corrections log; the Sphinx extension inserts it.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from pathlib import Path

import nbformat

from claimbook.core.html import badge, evidence_badge
from claimbook.core.rules import NUMBER, POINTS, SCALE, from_notebook, rate_number, rate_points

esc = html.escape


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
        return (f"The claim is {gap} off the record of {shown}; with a tolerance below {distance:.3g}{unit} "
                f"(this verdict uses {tolerance:g}) it would be {other}.")
    return (f"The claim is {gap} off the record of {shown}; with a tolerance of {distance:.3g}{unit} or more "
            f"(this verdict uses {tolerance:g}) it would be {rate(claimed, found, distance)}.")


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
    return {"label": v["label"], "evidence": v.get("evidence") or "", "conclusion": v["conclusion"],
            "note": flip_note(full)}


def chapter_data(executed: Path, sweep_dir: Path | None = None) -> dict:
    """What the page needs: the chapter's verdicts as executed, and per swept parameter the verdicts for each
    value. Values are strings (as the control gives them)."""
    from claimbook.build.collect import chapter_sweeps
    from claimbook.core.notebooks import NOTEBOOK_DIR
    from claimbook.core.params import notebook_parameters

    nb = nbformat.read(executed, as_version=4)
    meta = nb.metadata.get("claimbook", {})
    page_params = meta.get("parameters", {})
    verdicts = from_notebook(nb)
    source = NOTEBOOK_DIR / meta.get("notebook", executed.name)
    declared = notebook_parameters(source) if source.exists() else {}
    params, alternatives = [], {}
    for sweep in chapter_sweeps(executed.stem, sweep_dir):
        name, default = sweep["parameter"], sweep["default"]
        values = [str(value) for value, _ in sweep["values"]]
        current = str(page_params.get(name, default))
        params.append({"name": name, "help": _short_help(declared[name].help) if name in declared else name,
                       "default": str(default), "current": current if current in values else str(default),
                       "values": values})
        for value, found in sweep["values"]:
            run_params = {**{k: p.default for k, p in declared.items()}, name: value}
            alternatives[f"{name}={value}"] = {cid: _slim(v, run_params) for cid, v in found.items()}
    return {"chapter": executed.stem, "page": {cid: _slim(v, page_params) for cid, v in verdicts.items()},
            "parameters": params, "alternatives": alternatives}


def _corrections_by_claim(corrections: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in corrections:
        out.setdefault(c["claim"], []).append(c)
    return out


def correction_html(c: dict) -> str:
    """One correction as a note (on the card and in the claim's section)."""
    if c["old_label"] != c["new_label"]:
        what = f"the verdict was {badge(c['old_label'])} and is now {badge(c['new_label'])}"
    else:
        what = f"the verdict stays {badge(c['new_label'])}; its wording or evidence was corrected"
    return (f'<p class="claimbook-correction"><strong>Correction, {esc(str(c["date"]))}:</strong> {what}. '
            f'{esc(c["reason"])} <a href="../../book/corrections.html">All corrections</a>.</p>')


def _card(cid: str, v: dict, corrections: list[dict]) -> str:
    label = v["label"]
    note = f'<p class="card-note">{esc(v["note"])}</p>' if v["note"] else '<p class="card-note"></p>'
    fixes = "".join(correction_html(c) for c in corrections)
    return (f'<div class="claimbook-card verdict-{label.replace(" ", "-")}" id="card-{esc(cid)}" '
            f'data-claim="{esc(cid)}">'
            f'<p class="card-head"><a class="card-link" href="#{esc(cid.lower())}">{esc(cid)}</a> '
            f'<span class="card-label">{badge(label)}</span> '
            f'<span class="card-evidence">{evidence_badge(v["evidence"]) if label != "not rated" else ""}</span>'
            f'<span class="card-differs" hidden></span></p>'
            f'<p class="card-conclusion">{esc(v["conclusion"])}</p>{note}{fixes}</div>')


def _control(params: list[dict]) -> str:
    if not params:
        return ""
    selects = []
    for p in params:
        options = "".join(
            f'<option value="{esc(v)}"{" selected" if v == p["current"] else ""}>'
            f'{esc(v)}{" (default)" if v == p["default"] else ""}</option>' for v in p["values"])
        selects.append(f'<label class="switch-param"><span class="switch-name">{esc(p["help"])} '
                       f'(<code>{esc(p["name"])}</code>)</span> <select data-param="{esc(p["name"])}">'
                       f'{options}</select></label>')
    extra = (" One choice at a time: changing one puts the other back to its default, as the build computed "
             "each value with the others at their defaults." if len(params) > 1 else "")
    return ('<form class="claimbook-switch" hidden><p class="switch-intro"><strong>Try another data choice.'
            '</strong> Every value below was computed when the book was built; switching shows its verdicts '
            'here and in the sections below, and highlights those that differ from the default.' + extra
            + '</p>' + "".join(selects) + '<button type="button" class="switch-reset">Back to the default</button>'
            '<p class="switch-status" aria-live="polite"></p></form>')


def _alternatives_table(data: dict) -> str:
    """Every claim's label under every swept value (printed; folded on screen)."""
    if not data["parameters"]:
        return ""
    cols = [(p, v) for p in data["parameters"] for v in p["values"]]
    head = "".join(f'<th>{esc(p["name"])}={esc(v)}{" (default)" if v == p["default"] else ""}</th>'
                   for p, v in cols)
    rows = []
    for cid in data["page"]:
        cells = []
        for p, value in cols:
            v = data["alternatives"].get(f'{p["name"]}={value}', {}).get(cid)
            cells.append(f"<td>{badge(v['label']) if v else 'no data'}</td>")
        rows.append(f'<tr><td><a href="#{esc(cid.lower())}">{esc(cid)}</a></td>{"".join(cells)}</tr>')
    table = ('<div class="table-wrapper"><table class="claimbook-table claimbook-alternatives-table">'
             '<caption>Verdicts under every value computed for this chapter (the other parameters at their '
             f'defaults)</caption><thead><tr><th>claim</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
             '</table></div>')
    # Folded on screen; a closed <details> does not print, so paper gets its own copy.
    return ('<details class="claimbook-alternatives"><summary>The verdicts under every data choice (table)'
            f'</summary>{table}</details><div class="claimbook-print-only">{table}</div>')


def data_script(data: dict) -> str:
    """The data as JSON in a script element; '<' is escaped, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/json" class="claimbook-switch-data">{text}</script>'


def cards_html(executed: Path, sweep_dir: Path | None = None, corrections: list[dict] | None = None) -> str:
    """The block that opens a chapter page ("" for a page without verdicts)."""
    data = chapter_data(executed, sweep_dir)
    if not data["page"]:
        return ""
    fixes = _corrections_by_claim(corrections or [])
    cards = "".join(_card(cid, v, fixes.get(cid, [])) for cid, v in data["page"].items())
    counts: dict[str, int] = {}
    for v in data["page"].values():
        counts[v["label"]] = counts.get(v["label"], 0) + 1
    summary = ", ".join(f"{n} {label}" for label in SCALE for n in [counts.get(label, 0)] if n)
    return (f'<div class="claimbook-cards" id="verdicts-{esc(data["chapter"])}" data-chapter="{esc(data["chapter"])}">'
            f'<p class="cards-intro"><strong>The verdicts first.</strong> {len(data["page"])} claims: {esc(summary)}. '
            'Each card gives the label, how strong the evidence is and the one-sentence conclusion; the claim '
            'id leads to the section that checks it.</p>'
            + _control(data["parameters"]) + f'<div class="claimbook-card-list">{cards}</div>'
            + _alternatives_table(data) + data_script(data) + "</div>")
