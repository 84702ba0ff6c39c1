"""What the last run did with each notebook: executed, reused or copied, when, how long, with which
parameters and inputs hash (`_build/run-report.json`, shown by the book's execution-report appendix).

The runner notes each job as it settles and writes the report at the end of a run. The executed notebooks
themselves carry no time (they must be identical byte for byte between two executions), so the times live
here only. A notebook reused by this run keeps the time it was last executed, from the previous report.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from claimbook import BUILD_DIR, ROOT, relpath

REPORT = BUILD_DIR / "run-report.json"
_NOTED: dict[str, dict] = {}


def start() -> None:
    _NOTED.clear()


def note(job, status: str, seconds: float | None = None) -> None:
    """Record what happened to one job: executed, reused, copied or failed."""
    entry = {
        "notebook": relpath(job.output),
        "source": relpath(job.path),
        "chapter": job.path.stem,
        "kind": "summary" if job.summary else "swept copy" if job.sweep else "chapter",
        "swept": job.sweep,
        "status": status,
        "parameters": job.params,
        "non_default": job.non_default,
        "inputs_hash": job.inputs_hash,
    }
    if status in ("executed", "copied", "failed"):
        entry["at"] = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    if seconds is not None:
        entry["seconds"] = round(seconds, 2)
    _NOTED[entry["notebook"]] = entry


def read(path: Path | None = None) -> dict:
    path = path or REPORT
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"notebooks": {}}


def write(path: Path | None = None) -> None:
    """Merge this run's notes into the report: a reused notebook keeps its last execution's time."""
    if not _NOTED:
        return
    from claimbook.builder.workspace import write_whole

    path = path or REPORT
    previous = read(path).get("notebooks", {})
    merged = {}
    for name, entry in _NOTED.items():
        old = previous.get(name, {})
        if entry["status"] == "reused" and old.get("inputs_hash") == entry["inputs_hash"]:
            entry = {**entry, **{k: old[k] for k in ("at", "seconds") if k in old}}
        merged[name] = entry
    for name, entry in previous.items():  # notebooks this run did not touch (another chapter's rerun)
        if name not in merged and (ROOT / name).exists():
            merged[name] = entry
    run_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    report = {"run_at": run_at, "notebooks": dict(sorted(merged.items()))}
    write_whole((json.dumps(report, indent=2, sort_keys=True, default=str) + "\n").encode(), path)
