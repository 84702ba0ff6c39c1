import os
import sys

from claimbook.cli import main

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
