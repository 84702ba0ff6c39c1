import gc
import os
import sys

# No cyclic collection in the command's own process, as Python's documentation of gc.freeze advises for a
# process that forks workers: the collector walked the hundreds of thousands of objects that importing pandas,
# matplotlib and IPython creates (a tenth of the imports' time), and a worker's collector touching what it
# inherited copies those pages. The runner freezes what is loaded before it forks; the workers collect.
gc.disable()

from claimbook import ClaimbookError  # noqa: E402 - after the collector is off
from claimbook.builder import standby  # noqa: E402

argv = sys.argv[1:]
try:
    status = standby.hand_over(argv)  # a `run` or `build` goes to the standby, when a fresh one waits
except ClaimbookError as exc:  # its setting is wrong
    print(f"claimbook: error: {exc}", file=sys.stderr)
    os._exit(exc.exit_code)
if status is None:
    from claimbook.cli import run

    status = run(argv)
    standby.after(argv)
# Out at once: the interpreter's own exit frees every module and object one by one (pandas, matplotlib,
# IPython, ...), a third of a second of every command. Nothing is left to it: output is flushed, files are
# written whole and closed, workers and jupyter-book are reaped, and the lock goes with the process.
os._exit(status)
