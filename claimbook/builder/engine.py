"""A papermill engine that executes a notebook in a forked, pre-warmed process instead of a new kernel.

Starting a Jupyter kernel and importing pandas, pandera and matplotlib into it costs about two seconds per
notebook, several times the chapters' own work; the book executes each chapter once per swept value, so
that cost dominated the build. The runner imports the heavy modules and loads the datasets once, then
forks one process per notebook: the child starts with everything imported and a fresh IPython shell (a
fresh namespace, warnings state and figure state), executes the cells with IPython exactly as a kernel's
shell would (same display formatters, inline matplotlib backend, tracebacks), and papermill records the
outputs as usual. nbval still executes every notebook in a real Jupyter kernel in the tests.
"""

from __future__ import annotations

import sys

import nbformat
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "claimbook-inprocess"
# What every chapter imports; loaded in the runner before it forks (see runner.warm_up). Not pandera: it
# validates a dataset only once, and the validated copy is kept (claimbook.core.data).
WARM_MODULES = (
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython.core.interactiveshell",
    "IPython.display",
    "myst_nb",
)


def _output(output_type: str, **fields):
    """An output node, as nbformat.v4.new_output makes it but without validating each one (a tenth of a
    chapter's execution): the whole notebook is validated when the runner writes it."""
    return nbformat.from_dict({"output_type": output_type, **fields})


class _Sink:
    """The outputs of the cell being executed, in order, as nbformat output nodes."""

    def __init__(self):
        self.outputs: list = []

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            last["text"] += text  # one output per run of text, as a kernel's client merges them
        else:
            self.outputs.append(_output("stream", name=name, text=text))


class _Stream:
    def __init__(self, sink: _Sink, name: str):
        self.sink, self.name = sink, name

    def write(self, text: str) -> int:
        self.sink.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _shell(sink: _Sink):
    """A new IPython shell whose displays, results and errors go to `sink`."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            sink.outputs.append(_output("display_data", data=data, metadata=metadata or {}))

        def clear_output(self, wait=False):
            sink.outputs.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            sink.outputs.append(
                _output("execute_result", data=format_dict, metadata=md_dict or {}, execution_count=self.prompt_count)
            )

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # inline figures need no event loop
            pass

        def _showtraceback(self, etype, evalue, stb):
            sink.outputs.append(
                _output("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue), traceback=stb)
            )

    # traitlets Type traits: mypy reads a class-level assignment as replacing the descriptor, not setting its default
    Shell.displayhook_class = Hook  # type: ignore[assignment]
    Shell.display_pub_class = Publisher  # type: ignore[assignment]
    # No history: a kernel's shell writes every cell it runs into ~/.ipython's history database, from a thread;
    # every build added each notebook's cells to the user's file (it grew past 100 MB), and parallel
    # notebooks contended for its lock.
    shell = Shell.instance(
        colors="nocolor",  # IPython 9 spells it in lower case (warns otherwise)
        config=Config({"HistoryManager": {"enabled": False}}),
    )
    shell.enable_matplotlib("inline")
    return shell


class InProcessEngine(Engine):
    """Executes the cells in this process with a fresh IPython shell (the runner forks a process per notebook)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        sink = _Sink()
        shell = _shell(sink)
        saved = sys.stdout, sys.stderr
        try:
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                sink.outputs = []
                sys.stdout, sys.stderr = _Stream(sink, "stdout"), _Stream(sink, "stderr")
                try:
                    result = shell.run_cell(cell.source, store_history=True)
                finally:
                    sys.stdout, sys.stderr = saved
                cell.execution_count = result.execution_count
                cell.outputs = sink.outputs
                if not result.success:
                    nb_man.cell_exception(cell, cell_index=index)
                    break
        finally:
            sys.stdout, sys.stderr = saved


papermill_engines.register(ENGINE_NAME, InProcessEngine)
