"""The standby: the next `run` or `build`, started before it is asked for, so that it need not wait for imports.

A rerun of one chapter does about a second of its own work, yet its process spent more than that importing
pandas, matplotlib and IPython, while jupyter-book spent two seconds of the other core starting (its imports,
the configuration, the last build's environment). So after a `run` or `build` ends, a standby process for the
checkout does all of that and waits, idle, on a socket in _build/.standby/. The next `run` or `build` hands
itself over: its arguments, folder, environment and terminal (standard input, output and error) go to the
standby, which becomes that command: the same code, the same output, the same exit status. The command's own
process forwards its signals (Ctrl-C) and waits for the status. The served command then starts the next
standby.

A standby serves one command, and only while it is fresh: the command has the same environment, folder and
interpreter, and nothing it depends on changed since it started (a module it imported, a file of the
package, _config.yml, _toc.yml, the installed packages, the last build's Sphinx environment). Otherwise the
command runs in its own process, as it would without a standby, only slower. A standby exits by itself after
CLAIMBOOK_STANDBY_IDLE seconds unused (default 1200), when its socket is removed (`make clean`), or when its
jupyter-book dies; `python -m claimbook standby stop` stops it.

CLAIMBOOK_STANDBY=0 turns it off; it is off by default in CI (CI=true) and in the tests.

This module is imported by every command before anything else, so it uses the standard library alone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

from claimbook import BUILD_DIR, ROOT, ClaimbookError, file_version

FOLDER = BUILD_DIR / ".standby"
SOCKET = FOLDER / "socket"
LOCK = FOLDER / "lock"  # held by the standby while it waits (its process id inside), released as it serves
LOG = FOLDER / "log"  # what standbys did (served, stale and why, idle); their errors
COMMANDS = ("run", "build")  # the commands a standby serves, and after which the next one is started
IDLE_SECONDS = 1200.0
STARTING_WAIT = 15.0  # how long a command waits for a standby still importing before it runs without one
CHECK_EVERY = 5.0  # seconds between a waiting standby's checks that it is still wanted
LOG_LIMIT = 256 * 1024
ON, OFF = ("1", "on", "yes", "true"), ("0", "off", "no", "false")
# Variables that differ from one command to the next without changing what it does: the shell's, make's (make
# run passes NB and P through CLAIMBOOK_NB and CLAIMBOOK_P, read by its shell line only), and the standby's own.
VOLATILE = frozenset(
    {
        "_",
        "PWD",
        "OLDPWD",
        "SHLVL",
        "COLUMNS",
        "LINES",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
        "MAKEOVERRIDES",
        "MAKE_TERMOUT",
        "MAKE_TERMERR",
        "CLAIMBOOK_NB",
        "CLAIMBOOK_P",
        "CLAIMBOOK_STANDBY",
        "CLAIMBOOK_STANDBY_IDLE",
    }
)


# The environment as the command was started with it (this module is imported first): libraries change their
# process's environment when imported (pandera sets PYARROW_IGNORE_TIMEZONE), so a standby is started with this
# one, and compares it with the next command's.
STARTED_WITH = dict(os.environ)


class StandbyError(ClaimbookError):
    pass


def enabled(env=os.environ) -> bool:
    """Whether commands use a standby: CLAIMBOOK_STANDBY=1 or 0 says; unset, yes except in CI. Never where the
    socket's path is too long for the system (a Unix socket's path has at most 107 bytes)."""
    value = env.get("CLAIMBOOK_STANDBY", "").strip().lower()
    if value and value not in ON + OFF:
        raise StandbyError(
            f"CLAIMBOOK_STANDBY is {value[:20]!r}; allowed values: 1 or 0 (also on/off, yes/no, true/false), "
            f"or unset (on, except in CI)."
        )
    wanted = value in ON if value else env.get("CI", "").strip().lower() not in ON
    return wanted and len(os.fsencode(SOCKET)) < 108


def idle_seconds(env=os.environ) -> float:
    text = env.get("CLAIMBOOK_STANDBY_IDLE", "").strip()
    try:
        seconds = float(text) if text else IDLE_SECONDS
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 86400:  # also refuses nan
        raise StandbyError(
            f"CLAIMBOOK_STANDBY_IDLE is {text[:20]!r}; give a number of seconds, more than 0 and at most 86400."
        )
    return seconds


# -- the command's side ------------------------------------------------------------------------------------------


def hand_over(argv: list[str]) -> int | None:
    """Give this command to the checkout's standby; returns its exit status, or None when no fresh standby took
    it (then the caller runs it). Once the standby has taken it, it is never run here as well."""
    if not argv or argv[0] not in COMMANDS or not enabled():
        return None
    conn = _connect()
    if conn is None:
        return None
    with conn:
        request = {
            "argv": [sys.argv[0], *argv],
            "cwd": os.getcwd(),
            "env": STARTED_WITH,
            "interpreter": _interpreter(),
        }
        try:
            socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
            answer = json.loads(conn.recv(1 << 16) or b"{}")
        except (OSError, ValueError):  # it went, or a standard stream is closed here: run the command here
            return None
        pid = answer.get("pid")
        if not isinstance(pid, int):  # it was stale (it says why in its log) and has gone
            return None
        forwarded = []

        def forward(signum, frame):
            forwarded.append(signum)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, forward)
        try:
            reply = conn.recv(1 << 16)
        except OSError:
            reply = b""
        status = json.loads(reply).get("status") if reply else None
        if isinstance(status, int):
            return status
        if forwarded:  # stopped by the signal it was sent, as a shell reports it
            return 128 + forwarded[-1]
        print(
            f"claimbook: error: the command's process ({pid}, the standby) ended without an exit status; "
            f"see {LOG.relative_to(ROOT)}.",
            file=sys.stderr,
        )
        return 1


def _interpreter() -> list:
    """What must match between a command and its standby besides the environment: the Python and its flags."""
    return [sys.executable, list(sys.flags)]


def _flag_options() -> list[str]:
    """This interpreter's flags as options (-P, -B, -O, ...), for the standby it starts. Not -W or -X: warning
    filters set by PYTHONWARNINGS would be given twice (the environment is compared on its own)."""
    import subprocess

    options, skip = [], False
    for option in subprocess._args_from_interpreter_flags():  # type: ignore[attr-defined]  # noqa: SLF001 - as multiprocessing uses it
        if skip or option == "-X":
            skip = not skip
        elif not option.startswith("-W"):
            options.append(option)
    return options


def _connect() -> socket.socket | None:
    """A connection to the standby; waits for one still starting (its imports are less than the command would
    spend on them), and stops one that does not become ready in time."""
    deadline = time.monotonic() + STARTING_WAIT
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        try:
            conn.connect(os.fspath(SOCKET))
            return conn
        except OSError:
            conn.close()
        if holder() is None:  # none, or the socket is what a dead one left
            return None
        if time.monotonic() > deadline:
            stop()
            return None
        time.sleep(0.02)


def holder() -> int | None:
    """The process id of the checkout's standby while it waits or starts; None when there is none."""
    state = _state()
    return None if state is None else state[0]


def _state() -> tuple[int, bool] | None:
    """(process id, ready) of the checkout's standby, from its lock file; None when nobody holds the lock."""
    try:
        fd = os.open(LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None  # nobody holds it
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):  # no locks here: no standby either
                return None
        words = os.pread(fd, 64, 0).decode(errors="replace").split()
        pid = int(words[0]) if words and words[0].isdigit() else 0  # 0: it has just taken the lock
        return pid, words[1:] == ["ready"]
    finally:
        os.close(fd)


def stop(timeout: float = 5.0) -> int | None:
    """Stop the checkout's standby, if one waits or starts; returns its process id. (SIGUSR1, which a standby
    ignores once it serves: a command it took is never stopped this way.)"""
    deadline = time.monotonic() + timeout
    pid = holder()
    stopped = pid
    while pid is not None and time.monotonic() < deadline:
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGUSR1)
        time.sleep(0.02)
        pid = holder()
    return stopped


def after(argv: list[str]) -> None:
    """After a `run` or `build`: replace the checkout's standby (if any) by a new one, started now. The lock is
    taken here and handed to it, so that a command started at once waits for it rather than finding none."""
    if not argv or argv[0] not in COMMANDS or not enabled():
        return
    try:
        _start_next()
    except OSError as exc:  # a read-only or full _build: the command has said so; the next one runs without
        _log(f"not started: {exc}")


def _start_next() -> None:
    import subprocess

    stop()
    FOLDER.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if LOG.stat().st_size > LOG_LIMIT:
            LOG.unlink()
    lock = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # one that would not stop, or another command's new one: it stays
            _log(f"not started: the lock is held (by {holder()})")
            return
        os.ftruncate(lock, 0)
        with open(LOG, "ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - this interpreter, this module
                [
                    sys.executable,
                    *_flag_options(),
                    "-c",
                    f"from claimbook.builder.standby import serve; from claimbook.cli import run; serve({lock}, run)",
                ],
                env=STARTED_WITH,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # not in the terminal's process group: its Ctrl-C reaches the command only
                pass_fds=(lock,),
            )
        _log(f"started {proc.pid}")
    finally:
        os.close(lock)  # the standby holds it now


def wait_ready(timeout: float = 60.0) -> bool:
    """Wait until the checkout's standby is ready (True) or there is none (False): the bench times a command
    only once the one before it has finished starting the next standby."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _state()
        if state is None or state[1]:
            return state is not None
        time.sleep(0.05)
    return False


def status() -> str:
    state = _state()
    if state is None:
        return "no standby"
    return f"standby {'ready' if state[1] else 'starting'} (process {state[0]})"


# -- the standby's side ------------------------------------------------------------------------------------------


def _log(text: str) -> None:
    with contextlib.suppress(OSError), open(LOG, "a", encoding="utf-8") as log:
        log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {os.getpid()} {text}\n")


def _snapshot(paths) -> dict[str, tuple | None]:
    return {str(p): file_version(p) for p in paths}


def _project_files() -> list:
    """The package's files, the book's configuration and the installed packages' folders (an install, upgrade
    or removal adds or removes an entry of its folder): taken before the imports, so that an edit made while
    the standby starts is seen as a change."""
    from claimbook.builder.workspace import PACKAGE_DIR

    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [ROOT / "_config.yml", ROOT / "_toc.yml"]
    return files + [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")]


def _module_files() -> list[str]:
    """Every file of a module this process imported (the libraries' among them)."""
    return [f for m in list(sys.modules.values()) if isinstance(f := getattr(m, "__file__", None), str)]


def changed(snapshot: dict[str, tuple | None]) -> str | None:
    """The first watched file that changed since the snapshot (a path), or None."""
    for path, before in snapshot.items():
        if file_version(path) != before:
            return path
    return None


def stale_because(request: dict, snapshot: dict, environment: dict, cwd: str) -> str | None:
    """Why this standby cannot serve this command (one phrase), or None when it can."""
    if request.get("interpreter") != _interpreter():
        return "another Python, or other options"
    if request.get("cwd") != cwd:
        return f"another folder ({request.get('cwd')})"
    theirs = {k: v for k, v in (request.get("env") or {}).items() if k not in VOLATILE}
    for name in sorted(set(theirs) | set(environment)):
        if theirs.get(name) != environment.get(name):
            return f"the environment variable {name} differs"
    path = changed(snapshot)
    return f"{path} changed" if path else None


def serve(lock: int, command: Callable[[list[str]], int]) -> None:
    """The standby's process, started by `after` with the checkout's lock held on descriptor `lock`: import what
    a command needs, start jupyter-book, then wait on the socket for one command, and run it with `command`
    (claimbook.cli.run, which sits above this module)."""
    import gc

    gc.disable()  # as in the command's own process (claimbook.__main__)
    signal.signal(signal.SIGUSR1, _stopped)
    os.set_inheritable(lock, False)  # its jupyter-book and the command's workers must not hold it
    os.pwrite(lock, str(os.getpid()).encode(), 0)  # for stop(); "PID ready" once it listens
    try:
        idle = idle_seconds()
        snapshot = _snapshot(_project_files())
        listener = _get_ready(snapshot)
    except BaseException as exc:  # noqa: BLE001 - said in the log; the next command runs without a standby
        _log(f"could not start: {type(exc).__name__}: {exc}")
        os._exit(1)
    snapshot |= {p: v for p, v in _snapshot(_module_files()).items() if p not in snapshot}
    environment = {k: v for k, v in STARTED_WITH.items() if k not in VOLATILE}
    cwd, ours = os.getcwd(), file_version(SOCKET)
    os.pwrite(lock, f"{os.getpid()} ready".encode(), 0)  # what status() and wait_ready() read
    _log("ready")
    from claimbook.builder import book

    idle_until = time.monotonic() + idle
    while True:
        listener.settimeout(max(0.0, min(CHECK_EVERY, idle_until - time.monotonic())))
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if time.monotonic() >= idle_until:
                _log("stopped: unused")
                break
            if file_version(SOCKET) != ours:
                _log("stopped: its socket was removed")
                break
            if book.jupyter_book_died():
                _log("stopped: its jupyter-book ended")
                break
            continue
        try:
            message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            request = json.loads(message)
        except (OSError, ValueError):
            conn.close()
            continue
        reason = stale_because(request, snapshot, environment, cwd) if len(fds) == 3 else "no standard streams"
        if reason is None:
            _become(request, conn, fds, listener, lock, command)  # never returns
        _log(f"stale: {reason}; the command ran without the standby")
        with contextlib.suppress(OSError):
            conn.send(json.dumps({"stale": reason}).encode())
        break
    if file_version(SOCKET) == ours:
        SOCKET.unlink()
    os._exit(0)  # its jupyter-book goes with it (it dies with its parent)


def _stopped(signum, frame) -> None:
    """SIGUSR1, sent by stop(): a command runs without this standby, or a new one replaces it."""
    _log("stopped")
    os._exit(0)


def _get_ready(snapshot: dict) -> socket.socket:
    """Import what a command needs, start its jupyter-book (the last build's environment it loads, and the mark
    of a build stopped while reading, go into the snapshot), read ahead, and listen."""
    import importlib

    from claimbook.builder import book, engine

    for module in (*engine.WARM_MODULES, "claimbook.builder.pipeline", "claimbook.core.params"):
        importlib.import_module(module)
    book.prestart(standby=True)
    snapshot |= _snapshot([book.ENVIRONMENT, book.READING])
    _read_ahead()
    book.wait_started(STARTING_WAIT)  # ready means both: no start of its own left to overlap the next command
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
    SOCKET.unlink(missing_ok=True)  # a dead standby's: this process holds the lock
    listener.bind(os.fspath(SOCKET))
    listener.listen(8)
    return listener


def _read_ahead() -> None:
    """Read now what the next command reads first: the notebooks, their parameters and allowed values (the
    datasets), the package modules each uses, the register, the executed copies. Each lands in a cache of this
    process that the command checks against the file when it uses it (by content or by version), so a file
    changed meanwhile is read again. A damaged input is left to the command, which says what is wrong."""
    from claimbook.builder import runner, workspace

    with contextlib.suppress(Exception):
        runner.warm_up(datasets=True)
    with contextlib.suppress(Exception):
        for job in runner.plan(None, {}, from_text=True, keep_parameters=True):
            runner.package_modules(job.path)
    with contextlib.suppress(Exception):
        for path in [*workspace.EXECUTED_DIR.glob("*.ipynb"), *workspace.SWEEP_DIR.glob("*/*.ipynb")]:
            workspace.read_executed(path)


def _become(
    request: dict,
    conn: socket.socket,
    fds: list[int],
    listener: socket.socket,
    lock: int,
    command: Callable[[list[str]], int],
) -> None:
    """Be the command: its standard streams, folder, environment and arguments; run it; send its status."""
    import threading

    SOCKET.unlink(missing_ok=True)
    listener.close()
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # a stop() that raced with this hand-over
    os.close(lock)  # the next standby may start while this command runs
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    for name, fd in (("stdin", 0), ("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        line_buffered = fd == 2 or (fd == 1 and os.isatty(1))  # as Python sets them up at its start
        new = open(  # noqa: SIM115 - the process's stream until it exits
            fd,
            "r" if fd == 0 else "w",
            buffering=1 if line_buffered else -1,
            encoding=old.encoding,
            errors=old.errors,
            closefd=False,
        )
        setattr(sys, name, new)
        setattr(sys, f"__{name}__", new)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    STARTED_WITH.clear()
    STARTED_WITH.update(request["env"])  # the next standby starts with the command's environment
    sys.argv = list(request["argv"])
    conn.send(json.dumps({"pid": os.getpid()}).encode())
    _log(f"serving: {' '.join(sys.argv[1:])[:200]}")

    finished = threading.Event()

    def watch():  # the command's own process went (killed): stop as if it had been sent SIGTERM
        with contextlib.suppress(OSError):
            conn.recv(1)
        if not finished.is_set():  # (once the status is sent, that process leaves; a SIGTERM then would run
            os.kill(os.getpid(), signal.SIGTERM)  # the runner's handler, which kills the next standby too)

    threading.Thread(target=watch, daemon=True).start()
    status = command(sys.argv[1:])
    after(sys.argv[1:])
    finished.set()
    with contextlib.suppress(OSError):
        conn.send(json.dumps({"status": status}).encode())
    os._exit(status)
