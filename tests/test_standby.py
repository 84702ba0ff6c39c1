"""The standby (claimbook.builder.standby): the next `run` or `build`, started ahead with its imports done.

Its rules are tested on their own (when it is on, when it is stale); then, in a project copy with it turned on,
that a command is served by it and behaves exactly as one run in its own process (output, exit status, Ctrl-C,
the book kept), that a change makes it stale, and that it goes away by itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import project_command, project_env, tree_digest

from claimbook import file_version
from claimbook.builder import standby

ON = {"CLAIMBOOK_STANDBY": "1"}


# -- the rules ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),
        ({"CI": "true"}, False),
        ({"CI": "true", "CLAIMBOOK_STANDBY": "1"}, True),
        ({"CLAIMBOOK_STANDBY": "off"}, False),
        ({"CLAIMBOOK_STANDBY": "0"}, False),
        ({"CLAIMBOOK_STANDBY": "On "}, True),
    ],
)
def test_the_standby_is_on_unless_turned_off_or_in_ci(env, expected):
    assert standby.enabled(env) is expected


def test_a_wrong_setting_is_refused_with_the_allowed_values():
    with pytest.raises(standby.StandbyError, match=r"CLAIMBOOK_STANDBY is 'maybe'; allowed values: 1 or 0"):
        standby.enabled({"CLAIMBOOK_STANDBY": "maybe"})
    for text in ("soon", "0", "-5", "nan", "1e9"):
        with pytest.raises(standby.StandbyError, match="CLAIMBOOK_STANDBY_IDLE"):
            standby.idle_seconds({"CLAIMBOOK_STANDBY_IDLE": text})
    assert standby.idle_seconds({"CLAIMBOOK_STANDBY_IDLE": "30"}) == 30
    assert standby.idle_seconds({}) == standby.IDLE_SECONDS


def test_only_run_and_build_are_handed_over():
    assert standby.hand_over(["params", "reserves"]) is None  # never asks for a standby
    assert standby.hand_over([]) is None


def _request(**changes) -> dict:
    request = {
        "argv": ["claimbook", "run"],
        "cwd": "/here",
        "env": {"HOME": "/root", "LANG": "C.UTF-8"},
        "interpreter": standby._interpreter(),
    }
    return {**request, **changes}


def test_a_standby_serves_only_a_command_like_the_one_that_started_it(tmp_path):
    watched = tmp_path / "_config.yml"
    watched.write_text("title: x\n")
    snapshot = {str(watched): file_version(watched)}
    environment = {"HOME": "/root", "LANG": "C.UTF-8"}

    def why(request):
        return standby.stale_because(request, snapshot, environment, "/here")

    assert why(_request()) is None
    # what the shell and make change from one command to the next does not matter
    assert why(_request(env={**environment, "MAKELEVEL": "1", "OLDPWD": "/", "CLAIMBOOK_P": "edition=2024"})) is None
    assert why(_request(env={**environment, "CLAIMBOOK_ARTICLES": "/a"})) == (
        "the environment variable CLAIMBOOK_ARTICLES differs"
    )
    assert why(_request(env={"HOME": "/root"})) == "the environment variable LANG differs"
    assert why(_request(cwd="/elsewhere")) == "another folder (/elsewhere)"
    assert why(_request(interpreter=["/usr/bin/python3", list(sys.flags)])) == "another Python, or other options"
    time.sleep(0.01)
    watched.write_text("title: y\n")
    assert why(_request()) == f"{watched} changed"
    watched.unlink()
    assert why(_request()) == f"{watched} changed"


def test_the_standby_watches_the_package_the_configuration_and_the_installed_packages():
    watched = [str(p) for p in standby._project_files()]
    assert str(Path(standby.__file__)) in watched
    assert any(p.endswith("templates/verdict.html.j2") for p in watched)
    assert any(p.endswith("_config.yml") for p in watched) and any(p.endswith("_toc.yml") for p in watched)
    assert any(os.path.basename(p) == "site-packages" for p in watched)
    assert standby.__file__ in standby._module_files() and pytest.__file__ in standby._module_files()


def test_a_standby_starts_with_the_environment_the_command_started_with(tmp_path, monkeypatch):
    """Libraries change their process's environment when imported (pandera sets PYARROW_IGNORE_TIMEZONE); a
    standby started with that environment would find the next command's different, and serve none."""
    for name, path in (("FOLDER", tmp_path), ("LOCK", tmp_path / "lock"), ("LOG", tmp_path / "log")):
        monkeypatch.setattr(standby, name, path)
    monkeypatch.setattr(standby, "enabled", lambda: True)
    started = {}

    class Popen:
        def __init__(self, command, **options):
            started.update(options, command=command)
            self.pid = 12345

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.setitem(os.environ, "SET_BY_AN_IMPORT", "1")
    standby.after(["run", "reserves"])
    assert "SET_BY_AN_IMPORT" not in started["env"] and started["env"] == standby.STARTED_WITH
    assert started["start_new_session"] and started["command"][-1].startswith("from claimbook.builder.standby")
    assert (tmp_path / "lock").read_text() == ""  # the standby writes its process id, then "ready"
    started.clear()
    standby.after(["params", "reserves"])  # only after a run or a build
    assert started == {}


def test_a_build_folder_that_takes_no_file_only_means_no_standby(tmp_path, monkeypatch):
    """A read-only or full _build fails the command with its own message; starting the next standby then
    fails quietly, without a traceback after that message."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    for name, path in (("FOLDER", blocked / ".standby"), ("LOCK", blocked / ".standby/lock")):
        monkeypatch.setattr(standby, name, path)
    monkeypatch.setattr(standby, "LOG", blocked / ".standby/log")
    monkeypatch.setattr(standby, "enabled", lambda: True)
    standby.after(["build"])  # no exception
    assert standby.status() == "no standby"


# -- in a project copy, turned on ---------------------------------------------------------------------------------


# Not in a user's shell: pytest's note of the current test (it changes from test to test, and a standby serves
# only a command with its own environment), and what the tests' own imports put into their environment (pandera
# sets PYARROW_IGNORE_TIMEZONE): a command that imports pandera must still find its standby fresh.
NOT_FROM_THE_SHELL = ("PYTEST_CURRENT_TEST", "PYARROW_IGNORE_TIMEZONE")


def _env(box: Path, **env) -> dict:
    """The project's environment, as a user's shell has it, with the standby on."""
    base = {k: v for k, v in project_env(box).items() if k not in NOT_FROM_THE_SHELL}
    return {**base, **ON, **env}


def _cli(box: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(project_command(*args), cwd=box, env=_env(box, **env), capture_output=True, text=True)


def _log(box: Path) -> str:
    path = box / "_build" / ".standby" / "log"
    return path.read_text() if path.exists() else ""


def _wait_ready(box: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = _cli(box, "standby").stdout
        if "ready" in said:
            return said
        time.sleep(0.2)
    raise AssertionError(f"no standby became ready: {said}{_log(box)}")


def _processes_of(box: Path) -> list[psutil.Process]:
    """The standby and its jupyter-book, by what they run for this project."""
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        with_root = (proc.info["environ"] or {}).get("CLAIMBOOK_ROOT") == str(box)
        if with_root and any(
            "standby" in part or "_jupyter_book_process" in part for part in proc.info["cmdline"] or []
        ):
            found.append(proc)
    return found


@pytest.fixture(scope="module")
def box(project):
    assert standby.enabled({**ON}) and len(os.fsencode(project / "_build/.standby/socket")) < 108
    yield project
    _cli(project, "standby", "stop")
    for proc in _processes_of(project):  # none is left (the last test checks); a failed test's go
        proc.kill()


def test_a_rerun_is_served_by_the_standby_exactly_as_it_runs_without(box):
    built = _cli(box, "build")
    assert built.returncode == 0, built.stderr
    _wait_ready(box)
    served = _cli(box, "run", "reserves", "-p", "edition=2024", "--build")
    assert served.returncode == 0, served.stderr
    assert "verdicts     done in" in served.stdout and "book         building" in served.stdout
    assert "serving: run reserves -p edition=2024 --build" in _log(box)
    _wait_ready(box)
    # the same rerun without the standby: the chapter is reused, the book up to date (so the served one did it all)
    again = _cli(box, "run", "reserves", "-p", "edition=2024", "--build", CLAIMBOOK_STANDBY="0")
    assert "reserves     reused (inputs unchanged)" in again.stdout and "book         up to date" in again.stdout
    # a command that fails is served too, with its message and exit status
    _wait_ready(box)
    before = _log(box).count("serving:")
    wrong = _cli(box, "run", "reserves", "-p", "edition=1999", "--build")
    assert wrong.returncode == 2
    assert "edition=1999 is not available for reserves" in wrong.stderr and "allowed: 2023, 2024" in wrong.stderr
    assert _log(box).count("serving:") == before + 1
    back = _cli(box, "run", "reserves", "--build")
    assert back.returncode == 0, back.stderr


def test_a_changed_configuration_or_environment_makes_the_standby_stale(box):
    _wait_ready(box)
    config = box / "_config.yml"
    config.write_text(config.read_text())  # a new modification time, the same text
    proc = _cli(box, "build")
    assert proc.returncode == 0, proc.stderr
    assert f"stale: {config} changed; the command ran without the standby" in _log(box)
    _wait_ready(box)
    proc = _cli(box, "build", CLAIMBOOK_EXTRA="1")
    assert proc.returncode == 0, proc.stderr
    assert "stale: the environment variable CLAIMBOOK_EXTRA differs" in _log(box)
    assert _cli(box, "build").returncode == 0  # a standby with the tests' environment again, for the next test


@pytest.mark.reliability
def test_ctrl_c_reaches_the_served_command_and_the_book_stays(box):
    _wait_ready(box)
    html = tree_digest(box / "_build" / "html")
    proc = subprocess.Popen(
        project_command("run", "reserves", "-p", "edition=2025", "--force", "--build"),
        cwd=box,
        env=_env(box),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:  # the served command is executing notebooks
        if "running" in line:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGINT and "interrupted" in err, err
    assert "serving: run reserves -p edition=2025 --force --build" in _log(box)
    assert tree_digest(box / "_build" / "html") == html


def test_an_unused_standby_goes_away_with_its_jupyter_book(box):
    _cli(box, "standby", "stop")
    assert _cli(box, "standby").stdout.strip() == "claimbook: no standby"
    proc = _cli(box, "build", CLAIMBOOK_STANDBY_IDLE="1")
    assert proc.returncode == 0, proc.stderr
    deadline = time.monotonic() + 60
    while _processes_of(box) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_of(box), _log(box)
    assert "stopped: unused" in _log(box)
    assert _cli(box, "standby").stdout.strip() == "claimbook: no standby"
