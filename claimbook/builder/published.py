"""The published edition of the verdicts, what changed since, and the corrections log.

- `book/verdicts.published.json` (committed): the verdicts of the current edition of the book, one entry per
  judged claim, with the inputs that decided it (the datasets' checksums, the parameters, the rule, the
  register's entry), so a later build can say what moved a verdict.
- `seeds/corrections.yaml` (committed): the corrections log, one entry per correction: date, claim, old
  label, new label, reason, and whether the rating changed.
- `diff(published, built)` lists each claim whose label, evidence strength or conclusion moved, old and new,
  with the inputs that moved; `gate(...)` names every claim whose built label differs from the published one
  with no correction recording that change (the test suite fails on it); `publish()` writes the new edition
  once the gate passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from claimbook import BUILD_DIR, ROOT, ClaimbookError, read_yaml_mapping, relpath
from claimbook.core.rules import SCALE

PUBLISHED = ROOT / "book" / "verdicts.published.json"
CORRECTIONS = ROOT / "seeds" / "corrections.yaml"
BUILT = BUILD_DIR / "verdicts.json"
CORRECTION_FIELDS = ("date", "claim", "old_label", "new_label", "reason", "rating_changed")
COMPARED = ("label", "evidence", "conclusion")


class PublishedError(ClaimbookError):
    pass


# --- the corrections log -------------------------------------------------------------------------------------


def read_corrections(path: Path | None = None) -> list[dict]:
    """The corrections, oldest first; raises PublishedError naming the first problem."""
    path = path or CORRECTIONS
    if not path.exists():
        return []
    data = read_yaml_mapping(path, PublishedError, "a mapping with a list under 'corrections'", empty_ok=True)
    entries = data.get("corrections") or []
    problems = validate_corrections(entries, relpath(path))
    if problems:
        raise PublishedError(problems[0])
    return sorted((dict(e, date=str(e["date"])) for e in entries), key=lambda e: e["date"])


def validate_corrections(entries, where: str = "seeds/corrections.yaml") -> list[str]:
    """Every problem with the corrections log, one sentence each."""
    if not isinstance(entries, list):
        return [f"{where}: 'corrections' must be a list."]
    problems = []
    for i, e in enumerate(entries, 1):
        at = f"{where}: correction {i}"
        if not isinstance(e, dict):
            problems.append(f"{at} is not a mapping.")
            continue
        missing = [f for f in CORRECTION_FIELDS if f not in e]
        unknown = sorted(set(e) - set(CORRECTION_FIELDS))
        if missing or unknown:
            problems.append(
                f"{at} needs exactly {', '.join(CORRECTION_FIELDS)}"
                + (f" (missing {', '.join(missing)})" if missing else "")
                + (f" (unknown {', '.join(unknown)})" if unknown else "")
                + "."
            )
            continue
        try:
            dt.date.fromisoformat(str(e["date"]))
        except ValueError:
            problems.append(f"{at} has date {e['date']!r}; give YYYY-MM-DD.")
        for key in ("old_label", "new_label"):
            if e[key] not in SCALE:
                problems.append(f"{at} has {key} {e[key]!r}; allowed: {', '.join(SCALE)}.")
        if not str(e["reason"]).strip():
            problems.append(f"{at} gives no reason.")
        if e["old_label"] in SCALE and e["new_label"] in SCALE:
            changed = e["old_label"] != e["new_label"]
            if e["rating_changed"] is not changed:
                problems.append(
                    f"{at} says rating_changed: {e['rating_changed']}, but {e['old_label']} -> "
                    f"{e['new_label']} {'changes' if changed else 'does not change'} the rating."
                )
    return problems


def last_corrected(claim_id: str, corrections: list[dict] | None = None) -> str | None:
    """The date of the latest correction of a claim (for ClaimReview's dateModified), or None."""
    try:
        entries = read_corrections() if corrections is None else corrections
    except PublishedError:
        return None
    dates = [e["date"] for e in entries if e["claim"] == claim_id]
    return max(dates) if dates else None


# --- the edition's snapshot ----------------------------------------------------------------------------------


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _register_entries() -> dict[str, str]:
    """claim id -> a hash of its entry in the register and in seeds/evidence.yaml."""
    from claimbook.core import register
    from claimbook.core.evidence import EVIDENCE_FILE

    evidence = read_yaml_mapping(EVIDENCE_FILE, PublishedError, "a mapping") if EVIDENCE_FILE.exists() else {}
    return {c["id"]: _digest([c, evidence.get(c["id"])]) for c in register.claims()}


def _dataset_checksums() -> dict[str, str]:
    from claimbook.core.data import dataset_names, describe

    return {name: describe(name).meta["sha256"] for name in dataset_names()}


def snapshot(
    records: list[dict], register: dict[str, str] | None = None, checksums: dict[str, str] | None = None
) -> dict[str, dict]:
    """claim id -> what the edition says and the inputs that decided it, for every judged claim."""
    register = _register_entries() if register is None else register
    checksums = _dataset_checksums() if checksums is None else checksums
    out = {}
    for r in records:
        if not r.get("label"):
            continue
        datasets = sorted(
            set(r.get("datasets") or [])
            | ({"public_records"} if any(s.get("type") == "record" for s in r.get("sources") or []) else set())
        )
        out[r["claim_id"]] = {
            "label": r["label"],
            "rating": r.get("rating"),
            "evidence": r.get("evidence"),
            "conclusion": r.get("conclusion"),
            "chapter": r.get("chapter"),
            "inputs": {
                "datasets": {d: checksums.get(d) for d in datasets},
                "parameters": r.get("parameters") or {},
                "rule": r.get("rule"),
                "register": register.get(r["claim_id"]),
            },
        }
    return out


def read_published(path: Path | None = None) -> dict:
    path = path or PUBLISHED
    if not path.exists():
        raise PublishedError(f"{relpath(path)} does not exist; run `python -m claimbook publish` to write it.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise PublishedError(f"{relpath(path)} is not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("verdicts"), dict):
        raise PublishedError(f"{relpath(path)} has no 'verdicts' mapping.")
    return data


def read_built(path: Path | None = None) -> dict[str, dict]:
    """The verdicts of the last build (_build/verdicts.json) as a snapshot."""
    path = path or BUILT
    if not path.exists():
        raise PublishedError(f"{relpath(path)} does not exist; build the book first (`python -m claimbook build`).")
    return snapshot(json.loads(path.read_text(encoding="utf-8")))


# --- what changed ---------------------------------------------------------------------------------------------


@dataclass
class Change:
    claim_id: str
    old: dict | None  # None: not in the published edition
    new: dict | None  # None: no longer judged
    fields: list[str] = field(default_factory=list)  # which of label, evidence, conclusion moved
    moved_by: list[str] = field(default_factory=list)  # the inputs that differ, in words

    @property
    def label_changed(self) -> bool:
        return "label" in self.fields


def moved_inputs(old: dict, new: dict) -> list[str]:
    """The inputs that differ between two snapshot entries, one phrase each."""
    a, b = old.get("inputs", {}), new.get("inputs", {})
    out = []
    da, db = a.get("datasets", {}), b.get("datasets", {})
    for name in sorted(set(da) | set(db)):
        if name not in da:
            out.append(f"dataset {name} now used")
        elif name not in db:
            out.append(f"dataset {name} no longer used")
        elif da[name] != db[name]:
            out.append(f"dataset {name} changed (sha256 {str(da[name])[:12]} -> {str(db[name])[:12]})")
    pa, pb = a.get("parameters", {}), b.get("parameters", {})
    for name in sorted(set(pa) | set(pb)):
        if pa.get(name) != pb.get(name):
            out.append(f"parameter {name}: {pa.get(name)!r} -> {pb.get(name)!r}")
    if a.get("rule") != b.get("rule"):
        out.append(f"rule: {a.get('rule')} -> {b.get('rule')}")
    if a.get("register") != b.get("register"):
        out.append("the claim's entry in the register or its evidence changed")
    return out or ["none of the recorded inputs (the chapter's code or text changed)"]


def diff(published: dict[str, dict], built: dict[str, dict]) -> list[Change]:
    """Each claim whose label, evidence strength or conclusion differs between the two, in claim order."""
    changes = []
    for cid in sorted(set(published) | set(built)):
        old, new = published.get(cid), built.get(cid)
        if old is None or new is None:
            changes.append(Change(cid, old, new, ["label"], ["the claim was added to or removed from the book"]))
            continue
        moved = [f for f in COMPARED if old.get(f) != new.get(f)]
        if moved:
            changes.append(Change(cid, old, new, moved, moved_inputs(old, new)))
    return changes


def gate(published: dict[str, dict], built: dict[str, dict], corrections: list[dict]) -> list[str]:
    """One sentence per claim whose built label differs from the published one and that no correction
    explains (a correction of that claim from the published label to the built one); empty: all explained."""
    problems = []
    for change in diff(published, built):
        if not change.label_changed:
            continue
        old = change.old["label"] if change.old else None
        new = change.new["label"] if change.new else None
        explained = any(
            c["claim"] == change.claim_id and c["old_label"] == old and c["new_label"] == new for c in corrections
        )
        if not explained:
            problems.append(
                f"{change.claim_id}: published {old or 'absent'}, built {new or 'absent'}, and no "
                f"correction in seeds/corrections.yaml records {old} -> {new}."
            )
    return problems


def publish(
    built: dict[str, dict] | None = None,
    corrections: list[dict] | None = None,
    path: Path | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write the published edition from the last build; refuses while a label change has no correction."""
    path = path or PUBLISHED
    built = read_built() if built is None else built
    corrections = read_corrections() if corrections is None else corrections
    if path.exists():
        problems = gate(read_published(path)["verdicts"], built, corrections)
        if problems:
            raise PublishedError(
                f"{len(problems)} label(s) changed without a correction: {' '.join(problems)} "
                "Record each in seeds/corrections.yaml, then publish again."
            )
    data = {"edition": str(today or dt.date.today()), "verdicts": built}
    from claimbook.builder.workspace import write_whole

    write_whole((json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode(), path)
    return path


# --- pages -----------------------------------------------------------------------------------------------------


def _label(entry: dict | None, key: str) -> str:
    if entry is None:
        return "absent"
    return str(entry.get(key) or "")


def _changes(published: dict, built: dict[str, dict], link=None) -> dict:
    """What the page "What changed" shows (templates/changes.html.j2). link(change) -> a claim's link (HTML
    from the claim_link macro); the bare id without it."""
    from claimbook.core.html import fragment

    changes = diff(published["verdicts"], built)
    rows = [
        {
            "claim": fragment(link(c)) if link else c.claim_id,
            "label": (_label(c.old, "label"), _label(c.new, "label")),
            "texts": [(_label(c.old, key), _label(c.new, key)) for key in COMPARED if key != "label"],
            "moved_by": c.moved_by,
        }
        for c in changes
    ]
    return {
        "edition": str(published.get("edition", "?")),
        "rows": rows,
        "scale": list(SCALE),
        "n_labels": sum(c.label_changed for c in changes),
    }


def changes_html(published: dict, built: dict[str, dict], link=None) -> str:
    """The "What changed" page body: a sentence, then a table of the changed claims."""
    from claimbook.core.html import render

    return render("changes.html.j2", **_changes(published, built, link))


def changes_page(published: dict, built: dict[str, dict]) -> str:
    """The same as a page of its own (what `python -m claimbook diff` writes)."""
    from claimbook.core.html import render

    return render("what_changed.html.j2", **_changes(published, built)) + "\n"


def changes_text(published: dict, built: dict[str, dict]) -> str:
    """The same as plain text, for the terminal."""
    changes = diff(published["verdicts"], built)
    lines = [f"Against the published edition of {published.get('edition', '?')}: {len(changes)} claim(s) changed."]
    for c in changes:
        lines.append(f"  {c.claim_id}:")
        for key in COMPARED:
            old, new = _label(c.old, key), _label(c.new, key)
            if old != new:
                lines.append(f"    {key}: {old}\n      -> {new}")
        lines.append(f"    moved by: {'; '.join(c.moved_by)}")
    return "\n".join(lines)


def corrections_html(corrections: list[dict], link=None) -> str:
    """The "Corrections" page body, newest first. link(claim id) -> a claim's link (HTML from the claim_link
    macro); the bare id without it."""
    from claimbook.core.html import fragment, render

    rows = [
        {**c, "claim": fragment(link(c["claim"])) if link else c["claim"]}
        for c in sorted(corrections, key=lambda e: e["date"], reverse=True)
    ]
    return render("corrections.html.j2", rows=rows)
