import gc
import os
import sys

# No cyclic collection in the command's own process, as Python's documentation of gc.freeze advises for a
# process that forks workers: the collector walked the hundreds of thousands of objects that importing pandas,
# matplotlib and IPython creates (a tenth of the imports' time), and a worker's collector touching what it
# inherited copies those pages. The runner freezes what is loaded before it forks; the workers collect.
gc.disable()

from claimbook.cli import main  # noqa: E402 - after the collector is off

status = main()
# Out at once: the interpreter's own exit frees every module and object one by one (pandas, matplotlib,
# IPython, ...), a third of a second of every command. Nothing is left to it: files are written whole and
# closed, workers and jupyter-book are reaped, and the lock goes with the process.
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except (OSError, ValueError):  # the reader went away, or the stream is closed
        pass
os._exit(status if isinstance(status, int) else 0 if status is None else 1)
