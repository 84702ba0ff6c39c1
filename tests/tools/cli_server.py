"""A fork server for the tests' `python -m claimbook` commands (tests/conftest.py, CliServer).

Started once per project root, as `python -P cli_server.py` with that root's environment (CLAIMBOOK_ROOT, the
package on PYTHONPATH): it imports the package and the libraries its commands load (about a second, which
every command started afresh would pay again), then reads commands on stdin, one JSON object a line (argv,
cwd, the files for stdout and stderr, a time limit). Each runs in a forked child exactly as
`python -m claimbook ARGV` runs it (claimbook.__main__ through runpy, in that folder, its output in those
files); the answer on stdout is its exit status. Nothing is read from the project before a fork, so every
command sees the files as they are when it starts.
"""

import atexit
import importlib
import json
import os
import runpy
import signal
import sys
import time
import traceback

PRELOAD = (
    "pandas",
    "pandera.pandas",
    "nbformat",
    "yaml",
    "jsonschema",
    "claimbook.cli",
    "claimbook.core.data",
    "claimbook.core.register",
    "claimbook.core.evidence",
    "claimbook.builder.pipeline",
    "claimbook.builder.runner",
)


def child(command: dict) -> None:
    os.chdir(command["cwd"])
    for fd, path in ((1, command["out"]), (2, command["err"])):
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(f, fd)
        os.close(f)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.argv = ["claimbook", *command["argv"]]
    code = 0
    try:
        runpy.run_module("claimbook", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # as the interpreter does with an uncaught exception
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()  # as at the end of a process (multiprocessing's clean-up among them)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # nothing but the answers reaches the test process
    os.close(null)
    for name in PRELOAD:
        importlib.import_module(name)
    answers.write("ready\n")
    for line in sys.stdin:
        command = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(command)
        deadline = time.monotonic() + command["timeout"]
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                answer = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                answer = "timeout"
                break
            time.sleep(0.005)
        answers.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
