"""The build folder, _build/: its paths, the atomic writer, and the session of one command (the lock that
lets one build run at a time, and the journal that undoes a command that fails or is killed).

Every module that writes under _build uses this one; it imports nothing else of the build, so the runner,
the exports and the book can all sit above it without importing each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path

from claimbook import BUILD_DIR, ROOT, ClaimbookError, file_version, relpath, say, shorten

EXECUTED_DIR = BUILD_DIR / "executed"
FAILED_DIR = BUILD_DIR / "failed"
SWEEP_DIR = BUILD_DIR / "sweeps"  # one folder per chapter: the chapter run once per value of a parameter
TMP_DIR = BUILD_DIR / "tmp"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


class RunError(ClaimbookError):
    pass


class BusyError(RunError):
    pass


def inside_build(path: Path) -> Path:
    """The path, if it lies under _build/; otherwise a RunError (nothing the runner writes may escape it)."""
    build = Path(BUILD_DIR).resolve()
    resolved = Path(path).resolve()
    if resolved != build and build not in resolved.parents:
        raise RunError(
            f"refusing to write {shorten(str(path))}: every file the runner writes must lie under {relpath(build)}/."
        )
    return path


def die_with_parent() -> None:
    """In a child process: be killed (SIGKILL) when the parent dies, however it dies (Linux prctl)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's signal handler still stops its children
        pass


def files_digest(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(_label(p).encode())
        # a folder or unreadable file where an input belongs: check_inputs names it in one sentence
        h.update(hashlib.sha256(p.read_bytes()).digest() if p.is_file() else b"not a file")
    return h.hexdigest()


_EXECUTED: dict[str, tuple[tuple[int, int, int] | None, dict, dict]] = {}


def read_executed(path: Path) -> tuple[dict, dict[str, dict]]:
    """(the claimbook metadata, the verdicts by claim id) of an executed copy, read once per file version in
    this process: the plan, the summaries (forked after it, so they inherit what was read), the exports and
    the book's pages all read the same copies. Plain JSON: validating a notebook, or even making notebook
    nodes of it, costs several times more than parsing it.
    Raises OSError or ValueError for a missing or damaged copy."""
    from claimbook.core.rules import from_notebook

    path = Path(path)
    version = file_version(path)  # None when missing: the read below then says so
    cached = _EXECUTED.get(str(path))
    if cached is None or cached[0] != version:
        try:
            nb = json.loads(path.read_bytes())
            meta = nb.get("metadata", {}).get("claimbook", {})
            cached = (version, dict(meta) if isinstance(meta, dict) else {}, from_notebook(nb))
        except (AttributeError, KeyError, TypeError) as exc:  # JSON, but not a notebook
            raise ValueError(f"{relpath(path)} is not an executed notebook ({exc})") from exc
        _EXECUTED[str(path)] = cached
    return cached[1], cached[2]  # shared: callers only read them


def _label(p: Path) -> str:
    """A path as it is named in a digest: relative to the checkout (or to the package's parent)."""
    for base in (ROOT, PACKAGE_DIR.parent):
        with contextlib.suppress(ValueError):
            return p.relative_to(base).as_posix()
    return p.as_posix()


def write_whole(content: bytes, target: Path, only_if_changed: bool = False) -> bool:
    """Write a file whole or not at all: a temporary file beside it, then a rename (journalled when a session
    is open and the file is under _build). A failure (a full disk) leaves no temporary file behind.
    Returns whether the file was written."""
    if only_if_changed and target.is_file() and target.read_bytes() == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        if _SESSION is not None and _under(target, BUILD_DIR):
            _SESSION.replace(tmp, target)
        else:
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def _under(path: Path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except ValueError:
        return False


# -- one build at a time, and all of it or nothing -------------------------------------------------------

_SESSION: Session | None = None
LOCK_NAME = ".lock"
JOURNAL_NAME = "journal"


class Session:
    """The lock on _build held by this command, and the journal of what it replaced there."""

    def __init__(self, fd: int):
        self.fd = fd
        self.saved: dict[str, str | None] = {}  # path under _build -> its backup in the journal, or None (new)

    @property
    def journal(self) -> Path:
        return BUILD_DIR / JOURNAL_NAME

    def _remember(self, target: Path) -> None:
        key = Path(target).resolve().relative_to(Path(BUILD_DIR).resolve()).as_posix()
        if key in self.saved:
            return
        self.journal.mkdir(parents=True, exist_ok=True)
        backup = None
        if target.exists():
            backup = f"{len(self.saved)}.bak"
            if target.is_dir():
                shutil.copytree(target, self.journal / backup, copy_function=os.link)
            else:
                os.link(target, self.journal / backup)
        self.saved[key] = backup
        index = self.journal / "index.json"
        tmp = self.journal / "index.json.tmp"
        tmp.write_text(json.dumps(self.saved))
        os.replace(tmp, index)  # written before the target changes, so a kill at any point can be undone

    def replace(self, source: Path, target: Path) -> None:
        """os.replace(source, target), with target's old content journalled first; target under _build."""
        inside_build(target)
        self._remember(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and source.is_dir():
            old = target.with_name(f".{target.name}.{os.getpid()}.old")
            os.replace(target, old)  # a folder cannot be renamed over a folder
            os.replace(source, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(source, target)

    def rollback(self) -> bool:
        return _undo(self.journal)

    def commit(self) -> None:
        shutil.rmtree(self.journal, ignore_errors=True)
        self.saved.clear()


def _undo(journal: Path) -> bool:
    """Put back what an unfinished command replaced under _build; returns whether there was anything."""
    if not journal.exists():
        return False
    try:
        saved = json.loads((journal / "index.json").read_text())
    except (OSError, ValueError):
        saved = {}  # killed before its first replacement: nothing changed
    for key, backup in reversed(list(saved.items())):
        target = BUILD_DIR / key
        if backup is None:
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        elif (journal / backup).exists():
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(journal / backup, target)
    shutil.rmtree(journal, ignore_errors=True)
    return bool(saved)


def current_session() -> Session:
    if _SESSION is None:
        raise RunError("internal: no build session is open.")
    return _SESSION


@contextlib.contextmanager
def session(out=None):
    """Hold the lock on _build for one command; commit what it replaced when it succeeds, undo it when it
    fails or is interrupted. A second command while one runs raises BusyError (one sentence, exit 2)."""
    global _SESSION
    if _SESSION is not None:  # already inside this command's session
        yield _SESSION
        return
    import fcntl

    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    fd = os.open(BUILD_DIR / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
        os.close(fd)
        raise BusyError(
            f"another claimbook build, run or pdf is running in this checkout"
            f"{f' (process {holder})' if holder.isdigit() else ''}; wait for it to finish and try "
            f"again (nothing was changed)."
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    _SESSION = Session(fd)
    try:
        _recover(out)
        yield _SESSION
    except BaseException:
        _SESSION.rollback()
        raise
    else:
        _SESSION.commit()
    finally:
        _SESSION = None
        os.close(fd)


def _recover(out=None) -> None:
    """Undo the leftovers of a command that was killed (SIGKILL leaves no chance to clean up)."""
    if _undo(BUILD_DIR / JOURNAL_NAME):
        say("claimbook: an earlier build or run was interrupted; what it had replaced was put back.", out or sys.stdout)
    for leftover in [
        *BUILD_DIR.glob(".*.old"),
        *BUILD_DIR.glob("html.new"),
        *BUILD_DIR.glob("html.old"),
        *BUILD_DIR.glob(".*.tmp"),
        *BUILD_DIR.glob("*/.*.tmp"),
        *BUILD_DIR.glob("*/*/.*.tmp"),
    ]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    if TMP_DIR.exists():
        shutil.rmtree(TMP_DIR, ignore_errors=True)


def open_session() -> Session | None:
    """The session this command holds, if any (a signal handler undoes it)."""
    return _SESSION
