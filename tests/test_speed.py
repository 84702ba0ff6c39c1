"""What keeps an unchanged or nearly unchanged build quick (issue 18). No timing is asserted: these
machines are noisy; the tests check the work that is (not) done. `make bench` measures the times."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import EXECUTED, checkout_lock

import claimbook
from claimbook import ROOT
from claimbook.builder import runner, workspace
from claimbook.core.notebooks import all_notebooks


def test_an_unchanged_build_executes_nothing_and_parses_no_sidecar(built_book):
    claimbook.YAML_PARSES.clear()
    out = io.StringIO()
    with checkout_lock():  # the checkout's build folder, one command at a time
        jobs = runner.run(None, {}, keep_parameters=True, out=out)
    lines = out.getvalue().splitlines()
    assert jobs and lines and all("reused (inputs unchanged)" in ln for ln in lines), lines
    assert len(lines) == len(jobs) == len({j.output for j in jobs})
    assert not claimbook.YAML_PARSES, "the plan of an unchanged build parses nothing"


def test_the_whole_plan_parses_each_sidecar_once(built_book, monkeypatch):
    """Without the plan stamp (as after a rerun by hand) the plan resolves every parameter, whose allowed
    values come from the data: each YAML file is still parsed once."""
    monkeypatch.setattr(runner, "_unchanged", lambda key, out: None)
    claimbook._YAML_CACHE.clear()
    claimbook.YAML_PARSES.clear()
    out = io.StringIO()
    with checkout_lock():
        runner.run(None, {}, keep_parameters=True, out=out)
    assert "running" not in out.getvalue() and "copied" not in out.getvalue()
    assert claimbook.YAML_PARSES and max(claimbook.YAML_PARSES.values()) == 1, claimbook.YAML_PARSES


def test_an_unchanged_build_imports_neither_pandas_nor_matplotlib(built_book):
    code = (
        "import sys, io\nfrom claimbook.builder import pipeline\n"
        "pipeline.build(out=io.StringIO())\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'pandera', 'papermill') if m in sys.modules))"
    )
    with checkout_lock():
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_jupyter_books_preparation_imports_neither_pandas_nor_matplotlib():
    """The early jupyter-book prepares what its hooks use; no hook reads a dataset, so it loads none."""
    code = (
        "import sys\nfrom claimbook.builder import sphinx_ext\nsphinx_ext.prepare()\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'pandera') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_a_chapter_hashes_the_modules_it_uses_and_not_the_others(tmp_path, monkeypatch):
    notebooks = all_notebooks()
    reserves = runner.package_modules(notebooks["reserves"])
    assert {"chapters/reserves", "core/data", "core/rules", "__init__", "builder/runner", "builder/engine"} <= set(
        reserves
    )
    assert not {
        "chapters/economy",
        "chapters/ukraine",
        "chapters/production",
        "cli",
        "builder/book",
        "builder/sphinx_ext",
    } & set(reserves)
    assert "chapters/reserves" in runner.package_modules(notebooks["ukraine"])  # ukraine imports reserves too
    before = {n: runner._code_digest(p) for n, p in notebooks.items()}
    package = tmp_path / "claimbook"
    shutil.copytree(workspace.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    module = package / "chapters" / "reserves.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    monkeypatch.setattr(workspace, "PACKAGE_DIR", package)
    after = {n: runner._code_digest(p) for n, p in notebooks.items()}
    changed = {n for n in notebooks if before[n] != after[n]}
    assert changed == {n for n in notebooks if "chapters/reserves" in runner.package_modules(notebooks[n])}
    assert "economy" not in changed and "reserves" in changed


def test_a_summary_reruns_only_when_what_it_reads_changed(built_book, tmp_path, monkeypatch):
    """The summaries read the chapters' verdicts and parameters, not their figures or text."""
    notebooks = all_notebooks()
    assert runner.reads_executed(notebooks["verdicts"]) and runner.reads_executed(notebooks["claims"])
    assert not runner.reads_executed(notebooks["reserves"])
    build = tmp_path / "_build"
    (build / "executed").mkdir(parents=True)
    copy = build / "executed" / "10_reserves.ipynb"
    shutil.copy2(EXECUTED / "10_reserves.ipynb", copy)
    monkeypatch.setattr(workspace, "BUILD_DIR", build)
    monkeypatch.setattr(workspace, "EXECUTED_DIR", build / "executed")
    monkeypatch.setattr(workspace, "SWEEP_DIR", build / "sweeps")
    first = runner._executed_digest(set())
    nb = json.loads(copy.read_text())
    stream = next(
        o
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") in ("display_data", "execute_result")
        and "verdict-" not in str(o.get("metadata", {}).get("scrapbook", {}).get("name", ""))
    )
    stream["data"] = {"text/plain": "another figure"}
    copy.write_text(json.dumps(nb))
    assert runner._executed_digest(set()) == first, "a figure or table alone reruns no summary"
    verdict = next(
        o
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if str(o.get("metadata", {}).get("scrapbook", {}).get("name", "")).startswith("verdict-")
    )
    mime = next(iter(verdict["data"]))
    verdict["data"][mime] = {"label": "another"}
    copy.write_text(json.dumps(nb))
    assert runner._executed_digest(set()) != first, "a changed verdict reruns the summaries"


@pytest.mark.parametrize("typed", [True, False])
def test_yaml_is_parsed_once_per_version_and_keeps_refusing_a_key_given_twice(tmp_path, typed):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [1, 2]\n")
    claimbook.YAML_PARSES.pop(str(path), None)
    first = claimbook.read_yaml_mapping(path, claimbook.ClaimbookError, typed=typed)
    first["b"].append(3)  # a reader's change never reaches the next reader
    assert claimbook.read_yaml_mapping(path, claimbook.ClaimbookError, typed=typed)["b"] in ([1, 2], ["1", "2"])
    assert claimbook.YAML_PARSES[str(path)] == 1
    path.write_text("a: 1\nb: 2\na: 3\n")  # same size as no other version: read again, and refused
    with pytest.raises(claimbook.ClaimbookError, match="gives the key 'a' twice \\(lines 1 and 3\\)"):
        claimbook.read_yaml_mapping(path, claimbook.ClaimbookError, typed=typed)


# -- validated datasets kept between processes ------------------------------------------------------------------


def _data_copy(tmp_path, monkeypatch):
    """data/ copied, with the cache of validated datasets in tmp_path (never the checkout's)."""
    from claimbook.core import data

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    monkeypatch.setattr(data, "VALIDATED_DIR", tmp_path / "validated")
    data._load_cached.cache_clear()
    return data, folder


def test_a_validated_dataset_is_kept_and_loads_the_same_without_validating_again(tmp_path, monkeypatch):
    data, folder = _data_copy(tmp_path, monkeypatch)
    name = data.dataset_names()[0]
    first = data.load(name, folder)
    kept = list(data.VALIDATED_DIR.glob(f"{name}-*.pickle"))
    assert len(kept) == 1
    data._load_cached.cache_clear()
    monkeypatch.setattr(data, "read_validated", lambda *a: pytest.fail("validated again"))
    second = data.load(name, folder)
    assert second.equals(first) and list(second.dtypes) == list(first.dtypes)
    assert second.attrs == first.attrs


def test_a_dataset_changed_after_it_was_kept_is_validated_afresh_and_refused(tmp_path, monkeypatch):
    data, folder = _data_copy(tmp_path, monkeypatch)
    name = data.dataset_names()[0]
    rows = len(data.load(name, folder))
    csv = folder / f"{name}.csv"
    original = csv.read_bytes()
    lines = original.decode("utf-8").splitlines()
    csv.write_text("\n".join([lines[0], lines[1] + ",an extra field", *lines[2:]]) + "\n", encoding="utf-8")
    data._load_cached.cache_clear()
    with pytest.raises(data.DataError, match=f"{name}.csv"):
        data.load(name, folder)
    unreadable = next(data.VALIDATED_DIR.glob(f"{name}-*.pickle"))
    unreadable.write_bytes(b"not a pickle")  # a damaged copy is ignored: validated again
    csv.write_bytes(original)
    data._load_cached.cache_clear()
    assert len(data.load(name, folder)) == rows


def test_a_kernel_loading_kept_datasets_does_not_import_pandera(built_book):
    code = (
        "import sys\nfrom claimbook.core import data\n"
        "for name in data.dataset_names():\n    data.load(name)\n"
        "print('pandera' in sys.modules)"
    )
    for _ in range(2):  # the first keeps whatever the build has not kept yet; the second only loads
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False", proc.stdout + proc.stderr


# -- jupyter-book started early --------------------------------------------------------------------------------


def test_jupyter_book_started_early_and_not_needed_is_stopped(monkeypatch):
    from claimbook.builder import book

    with book.started_early():
        book.prestart()
        proc = book._started.proc
        assert proc.poll() is None
    assert book._started is None and proc.poll() is not None  # stopped on the way out, nothing built


def test_a_run_that_builds_starts_jupyter_book_before_it_plans(monkeypatch):
    """Its start then overlaps the plan too; a run that fails (here in its plan) stops it on the way out."""
    import contextlib

    from claimbook.builder import book, pipeline

    calls = []

    def plan(*args, **kwargs):
        calls.append("plan")
        raise runner.RunError("a bad parameter")

    monkeypatch.setattr(pipeline, "session", lambda out=None: contextlib.nullcontext())
    monkeypatch.setattr(book, "prestart", lambda builder="html": calls.append("jupyter-book"))
    monkeypatch.setattr(runner, "run", plan)
    for then_build in (True, False):
        with pytest.raises(runner.RunError):
            pipeline.run(["reserves"], {"edition": 1999}, then_build=then_build)
    assert calls == ["jupyter-book", "plan", "plan"]


# -- the benchmark's tables in the README ----------------------------------------------------------------------


def _bench(monkeypatch, root):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(bench, "ROOT", root)
    return bench


def test_the_bench_refuses_a_claimbook_root_other_than_its_checkout(tmp_path, monkeypatch):
    bench = _bench(monkeypatch, ROOT)
    monkeypatch.setenv("CLAIMBOOK_ROOT", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["bench.py", "--runs", "1"])
    monkeypatch.setattr(bench, "timed", lambda *a, **k: pytest.fail("the bench ran a command"))
    with pytest.raises(SystemExit, match="CLAIMBOOK_ROOT names .*; the bench measures its own checkout"):
        bench.main()


def test_the_bench_writes_its_tables_between_the_readme_markers_and_nowhere_else(tmp_path, monkeypatch):
    bench = _bench(monkeypatch, tmp_path)
    real = (ROOT / "README.md").read_text(encoding="utf-8")
    assert real.count(bench.README_START) == 1 and real.count(bench.README_END) == 1
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{bench.README_START}\nold table\n{bench.README_END}\nafter\n", encoding="utf-8")
    bench.write_readme("| new | table |")
    bench.write_readme("| newer | table |")
    assert readme.read_text() == f"before\n{bench.README_START}\n| newer | table |\n{bench.README_END}\nafter\n"
    readme.write_text("no markers\n")
    with pytest.raises(SystemExit, match="lacks the markers"):
        bench.write_readme("| t |")
    assert readme.read_text() == "no markers\n"


def test_sphinx_sources_exclude_every_build_folder_but_the_executed_chapters():
    """sphinx-external-toc adds every notebook it finds outside the toc to exclude_patterns: a summary being
    executed in _build/tmp/ (its name holds a process id) changed the book's configuration whenever
    jupyter-book started during a run, and Sphinx then re-read and wrote every page. The folders the build
    writes notebooks or caches into are excluded by name, so their contents never reach the configuration."""
    import yaml
    from sphinx.util.matching import Matcher

    from claimbook.core import data

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    excluded = Matcher(config["sphinx"]["config"]["exclude_patterns"])
    folders = [
        workspace.TMP_DIR,
        workspace.FAILED_DIR,
        workspace.SWEEP_DIR,
        workspace.BUILD_DIR / workspace.JOURNAL_NAME,
        data.VALIDATED_DIR,
    ]
    for folder in folders:
        top = "/".join(folder.relative_to(ROOT).parts[:2])  # _build/NAME
        assert excluded(top), f"{top} is not in _config.yml's exclude_patterns"
    assert not excluded(workspace.EXECUTED_DIR.relative_to(ROOT).as_posix())  # the chapters are the book


# -- the book read while the summaries run ---------------------------------------------------------------------


class _Lines:
    """Standard input as the early-started jupyter-book sees it: one line per call, "" once closed."""

    def __init__(self, lines):
        self.lines = list(lines)

    def readline(self):
        return self.lines.pop(0) + "\n" if self.lines else ""


class _SphinxDouble:
    """What PagesAsWritten uses of Sphinx: the events it connects and emits, the root page, reading."""

    def __init__(self, known=("index",)):
        from types import SimpleNamespace

        self.config = SimpleNamespace(root_doc="index", claimbook_pages_pasting_glue=["book/intro"])
        self.handlers, self.read, self.purged = {}, [], []
        self.env = SimpleNamespace(
            all_docs=dict.fromkeys(known), clear_doc=lambda d: None, claimbook_generated_digests={}
        )
        self.events = SimpleNamespace(emit=lambda name, env, doc: self.purged.append(doc))
        self.builder = SimpleNamespace(read_doc=self.read.append)

    def connect(self, event, handler, priority=500):
        self.handlers[event] = handler


def _pages(monkeypatch, lines, known=("index",)):
    from claimbook.builder import sphinx_ext

    monkeypatch.setattr(sphinx_ext, "_markup_digest", lambda: "m")
    monkeypatch.setattr(sphinx_ext, "_generated_digest", lambda doc, markup: f"{doc} as written")
    app = _SphinxDouble(known)
    pages = sphinx_ext.PagesAsWritten(app, ["s/verdicts", "s/claims"], _Lines(lines))
    pages.connect()
    return app, pages


def test_the_pages_still_being_written_are_read_as_they_are_written_and_the_whole_runs_pages_last(monkeypatch):
    app, _ = _pages(monkeypatch, ["written s/claims", "written s/other", "written s/verdicts", "done"])
    outdated = app.handlers["env-get-outdated"](app, app.env, set(), set(), set())
    assert {"s/verdicts", "s/claims", "book/changes", "book/execution", "book/intro"} == set(outdated)
    docnames = ["book/execution", "book/intro", "index", "s/chapter", "s/claims", "s/verdicts"]
    app.handlers["env-before-read-docs"](app, app.env, docnames)
    assert docnames == ["index", "s/chapter"]  # Sphinx reads these at once
    written = app.handlers["env-updated"](app, app.env)
    # claims was written first; the pages made from the whole run (glue, run report) wait for "done"
    assert app.read == ["s/claims", "s/verdicts", "book/execution", "book/intro"] == app.purged
    assert sorted(written) == sorted(app.read)  # and they are written with the others
    assert app.env.claimbook_generated_digests["s/claims"] == "s/claims as written"


def test_nothing_is_written_before_the_run_says_it_is_done(monkeypatch):
    app, pages = _pages(monkeypatch, ["written s/claims", "written s/verdicts", "done"])
    docnames = ["index", "s/claims", "s/verdicts"]
    app.handlers["env-before-read-docs"](app, app.env, docnames)
    app.handlers["env-updated"](app, app.env)
    assert pages.done  # the exports the pages embed are written by then


def test_a_first_build_waits_for_the_whole_run_and_reads_in_sphinx_order(monkeypatch):
    app, pages = _pages(monkeypatch, ["written s/claims", "done"], known=())
    docnames = ["book/intro", "index", "s/claims", "s/verdicts"]
    app.handlers["env-before-read-docs"](app, app.env, docnames)
    assert pages.done and docnames == ["book/intro", "index", "s/claims", "s/verdicts"]  # Sphinx needs the root
    assert app.handlers["env-updated"](app, app.env) == [] and app.read == []


def test_a_run_that_ends_without_a_book_ends_the_build_before_it_writes(monkeypatch):
    from claimbook.builder import sphinx_ext

    class Left(Exception):
        pass

    def leave(status):
        raise Left(status)

    monkeypatch.setattr(sphinx_ext.os, "_exit", leave)
    app, _ = _pages(monkeypatch, ["written s/claims"])  # then the input closes: the run failed
    docnames = ["index", "s/claims", "s/verdicts"]
    app.handlers["env-before-read-docs"](app, app.env, docnames)
    with pytest.raises(Left):
        app.handlers["env-updated"](app, app.env)
    assert app.read == ["s/claims"]


def test_a_build_stopped_while_reading_leaves_the_next_build_reading_every_page(tmp_path, monkeypatch):
    from claimbook.builder import book

    monkeypatch.setattr(book, "STAGING_DIR", tmp_path)
    monkeypatch.setattr(book, "READING", tmp_path / ".reading")
    pickle = tmp_path / "_build" / ".doctrees" / "environment.pickle"
    monkeypatch.setattr(book, "ENVIRONMENT", pickle)
    pickle.parent.mkdir(parents=True)
    pickle.write_bytes(b"env")
    book._discard_interrupted_build()  # the last build read to its end
    assert pickle.exists()
    book.READING.touch()  # stopped while reading
    book._discard_interrupted_build()
    assert not pickle.exists() and not book.READING.exists()


def test_a_worker_collects_its_garbage_though_the_commands_process_does_not(monkeypatch):
    """claimbook.__main__ turns the collector off in the command's process; a notebook's worker turns it on."""
    import gc
    import multiprocessing

    monkeypatch.setattr(runner, "_execute", lambda job: (0.0, None if gc.isenabled() else "no collector", None))
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    gc.disable()
    try:
        worker = ctx.Process(target=runner._child, args=(None, send, os.getpid()))
        worker.start()
        send.close()
        assert receive.recv() == (0.0, None, None)
        worker.join()
    finally:
        gc.enable()


def test_the_runner_tells_the_book_what_it_writes_as_it_writes_it(project):
    script = (
        "import json\n"
        "from claimbook.builder import runner\n"
        "class Record(runner.Alongside):\n"
        "    def __init__(self): self.events = []\n"
        "    def changing(self): self.events.append(['changing'])\n"
        "    def summaries_running(self, outputs): self.events.append(['summaries', sorted(p.name for p in outputs)])\n"
        "    def written(self, output): self.events.append(['written', output.name])\n"
        "told = Record()\n"
        "runner.run(['reserves'], {'edition': '2024'}, alongside=told)\n"
        "runner.run(['reserves'], {})  # back to the defaults\n"
        "print(json.dumps(told.events))\n"
    )
    from conftest import project_env

    proc = subprocess.run(
        [sys.executable, "-P", "-c", script], cwd=project, env=project_env(project), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    events = json.loads(proc.stdout.splitlines()[-1])
    summaries = ["03_verdicts.ipynb", "05_claims.ipynb", "90_data_sources.ipynb", "95_reproducibility.ipynb"]
    announced = events.index(["summaries", summaries])
    assert events[:announced] == [["changing"], ["written", "10_reserves.ipynb"], ["changing"]]
    assert sorted(e[1] for e in events[announced + 1 :]) == summaries and {e[0] for e in events[announced + 1 :]} == {
        "written"
    }


def test_the_exports_stamp_counts_the_chapters_copies_and_not_the_summaries(tmp_path):
    from claimbook.builder import pipeline

    def copy(name, meta):
        path = tmp_path / name
        path.write_text(json.dumps({"cells": [], "metadata": {"claimbook": meta}}))
        return path

    assert pipeline._is_summary(copy("03_verdicts.ipynb", {"summary": True}))
    assert not pipeline._is_summary(copy("10_reserves.ipynb", {"summary": False}))
    damaged = tmp_path / "20_production.ipynb"
    damaged.write_text("{not json")
    assert not pipeline._is_summary(damaged)  # counted in: deriving the exports meets it and says so


def test_the_book_reads_along_only_when_every_summary_page_already_exists(tmp_path, monkeypatch):
    """Sphinx finds the pages when it starts reading: in a first build the summaries' copies do not exist
    yet, so jupyter-book waits for the whole run instead of reading along."""
    import io
    from types import SimpleNamespace

    from claimbook.builder import book

    monkeypatch.setattr(book, "ROOT", tmp_path)
    told = io.StringIO()
    monkeypatch.setattr(book, "_started", book._Early(["build"], SimpleNamespace(stdin=told)))
    there, missing = (
        tmp_path / "_build" / "executed" / "03_verdicts.ipynb",
        tmp_path / "_build" / "executed" / "05_claims.ipynb",
    )
    there.parent.mkdir(parents=True)
    there.write_text("{}")
    book.read_when_written([there, missing])
    assert book._started.waits_for is None and told.getvalue() == ""
    missing.write_text("{}")
    book.read_when_written([there, missing])
    book.written(missing)
    book.written(tmp_path / "_build" / "executed" / "10_reserves.ipynb")  # not a page it waits for
    assert told.getvalue().splitlines() == [
        '["_build/executed/03_verdicts", "_build/executed/05_claims"]',
        "written _build/executed/05_claims",
    ]


def test_the_published_book_links_the_files_sphinx_left_alone_and_copies_the_rest(tmp_path):
    import os
    import shutil

    from claimbook.builder import book

    built, published, fresh = tmp_path / "staging", tmp_path / "html", tmp_path / "html.new"
    built.mkdir()
    (built / "same.html").write_text("unchanged page")
    (built / "page.html").write_text("old page")
    book._copy_build(built, published, tmp_path / "nothing-yet")  # the first swap copies everything
    assert os.stat(published / "same.html").st_ino != os.stat(built / "same.html").st_ino
    (built / "page.html").write_text("new page!")  # Sphinx rewrites one page in place
    book._copy_build(built, fresh, published)
    assert os.stat(fresh / "same.html").st_ino == os.stat(published / "same.html").st_ino  # linked, not copied
    assert (fresh / "page.html").read_text() == "new page!"
    assert os.stat(fresh / "page.html").st_ino not in {
        os.stat(p).st_ino for p in (built / "page.html", published / "page.html")
    }
    with open(built / "same.html", "w") as f:  # a later build writing its staging file in place
        f.write("changed later")
    assert (fresh / "same.html").read_text() == "unchanged page"  # the published book never shares its inodes
    shutil.rmtree(published)


class _Bridge:
    """Sphinx's highlighter as KeptHighlights sees it: it counts what it colours, and warns as Sphinx does
    for a language it does not know."""

    dest = "html"
    formatter_args = {"style": "a-style"}

    def __init__(self):
        self.coloured: list[str] = []

    def highlight_block(self, source, lang, opts=None, force=False, location=None, **kwargs):
        from sphinx import highlighting

        self.coloured.append(source)
        if lang == "unknown":
            highlighting.logger.warning("Pygments lexer name %r is not known", lang)
        return f"<pre class={lang}>{source}</pre>"

    def get_stylesheet(self):
        return ".highlight {}"


def test_code_is_coloured_once_and_kept_for_the_next_build_but_not_when_it_warned(tmp_path):
    from claimbook.builder.sphinx_ext import KeptHighlights

    bridge = _Bridge()
    kept = KeptHighlights(bridge, tmp_path)
    assert kept.highlight_block("x = 1", "ipython3") == "<pre class=ipython3>x = 1</pre>"
    assert kept.highlight_block("x = 1", "ipython3") == "<pre class=ipython3>x = 1</pre>"
    kept.highlight_block("x = 1", "python")  # another language, another block
    kept.highlight_block("x = 1", "ipython3", linenos=True)  # other options, another block
    kept.highlight_block("?", "unknown")
    kept.highlight_block("?", "unknown")
    assert bridge.coloured == ["x = 1"] * 3 + ["?", "?"]  # the block that warned is coloured (and warns) again
    assert kept.get_stylesheet() == ".highlight {}"  # the rest is the bridge's

    kept.save(None, RuntimeError("the build failed"))
    assert not kept.path.exists()  # kept only after a build that succeeded
    kept.save(None, None)
    next_build = KeptHighlights(bridge := _Bridge(), tmp_path)
    assert next_build.highlight_block("x = 1", "ipython3", linenos=True) == "<pre class=ipython3>x = 1</pre>"
    next_build.highlight_block("x = 1", "python")
    next_build.highlight_block("?", "unknown")
    assert bridge.coloured == ["?"]

    other_style = _Bridge()
    other_style.formatter_args = {"style": "another-style"}
    KeptHighlights(other_style, tmp_path).highlight_block("x = 1", "python")
    assert other_style.coloured == ["x = 1"]  # a change of style starts afresh

    kept.path.write_text("{damaged")
    damaged = KeptHighlights(bridge := _Bridge(), tmp_path)
    damaged.highlight_block("x = 1", "python")
    assert bridge.coloured == ["x = 1"]


def test_at_most_so_many_blocks_are_kept_the_last_builds_first(tmp_path, monkeypatch):
    from claimbook.builder.sphinx_ext import KeptHighlights

    monkeypatch.setattr(KeptHighlights, "MAX_BLOCKS", 3)
    first = KeptHighlights(_Bridge(), tmp_path)
    for source in ("a", "b", "c"):
        first.highlight_block(source, "python")
    first.save(None, None)
    second = KeptHighlights(_Bridge(), tmp_path)
    for source in ("d", "a"):  # a new block, and one of the kept
        second.highlight_block(source, "python")
    second.save(None, None)
    third = KeptHighlights(bridge := _Bridge(), tmp_path)
    for source in ("a", "b", "c", "d"):
        third.highlight_block(source, "python")
    assert bridge.coloured == ["b"]  # the oldest block the last build did not use was dropped


def test_the_notebooks_cells_stay_out_of_the_users_ipython_history(tmp_path):
    """A kernel's shell records every cell in ~/.ipython's history database; the runner's engine does not."""
    script = """
from claimbook.builder.engine import _Sink, _shell
shell = _shell(_Sink())
counts = [shell.run_cell(source, store_history=True).execution_count for source in ("x = 1", "x + 1")]
assert counts == [1, 2], counts
"""
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython"), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "ipython").rglob("history.sqlite"))
