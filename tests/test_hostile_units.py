"""Issue #19, the cases checked in this process: numbers parsed one way, escaping and safe file names, the
time limit, a read-only or full _build, the lock and the journal, and links in the PDF."""

from __future__ import annotations

import errno
import html
import os
import shutil
import time

import nbformat
import pytest
from conftest import tree_digest

from claimbook import ClaimbookError, cli, shorten
from claimbook.builder import runner, workspace
from claimbook.core.params import Parameter, ParameterError, convert, resolve

# -- numbers parse one way everywhere --------------------------------------------------------------------------

INT = Parameter("edition", "int", 2025, "edition")
FLOAT = Parameter("pct", "float", 10.0, "a share")
TEXT = Parameter("country", "str", "Russia", "a country")


@pytest.mark.parametrize(
    "p, text, value",
    [
        (INT, "2024", 2024),
        (INT, "+7", 7),
        (INT, "-3", -3),
        (FLOAT, "2.5", 2.5),
        (FLOAT, "1e3", 1000.0),
        (FLOAT, "10", 10.0),
        (FLOAT, ".5", 0.5),
        (FLOAT, "0", 0.0),
        (FLOAT, "0.000", 0.0),
        (TEXT, "no", "no"),
    ],
)
def test_numbers_in_ascii_digits_are_read(p, text, value):
    assert convert(p, text) == value


@pytest.mark.parametrize(
    "p, text",
    [
        (INT, "٢٠٢٤"),
        (INT, "２０２４"),
        (INT, "1_0"),
        (INT, "0x10"),
        (INT, "2024.0"),
        (INT, "9" * 5000),
        (FLOAT, "1_0"),
        (FLOAT, "1e-400"),
        (FLOAT, "1e400"),
        (FLOAT, "inf"),
        (FLOAT, "nan"),
        (FLOAT, "١٫٥"),
        (FLOAT, "0x1p3"),
        (FLOAT, "1e"),
    ],
)
def test_other_numbers_are_refused_in_one_bounded_sentence(p, text):
    with pytest.raises(ParameterError) as err:
        convert(p, text)
    assert f"{p.name} must be {p.type}" in str(err.value) and len(str(err.value)) < 300


def test_a_notebook_without_parameters_says_so():
    with pytest.raises(ParameterError, match="summary takes no parameters"):
        resolve({}, {"x": "1"}, "summary")


def test_messages_cap_the_values_they_echo():
    assert len(shorten("x" * 100_000)) <= 80
    bomb: list = ["x"]
    for _ in range(30):
        bomb = [bomb] * 9
    start = time.monotonic()
    assert len(shorten(bomb)) <= 80 and time.monotonic() - start < 1


# -- escaping and file names ------------------------------------------------------------------------------------

MARKUP = "<img src=x onerror=alert(1)>`{download}`/etc/passwd`` ``"


def test_a_parameter_value_in_the_banner_is_shown_literally():
    from markdown_it import MarkdownIt

    job = runner.Job(
        "reserves", runner.ROOT / "notebooks" / "10_reserves.ipynb", {"country": MARKUP}, {"country": "Russia"}
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Reserves")])
    runner._finish(job, nb)
    banner = next(c for c in nb.cells if "claimbook-banner" in c.metadata.get("tags", []))
    rendered = MarkdownIt("commonmark").render(banner.source)
    assert "<img" not in rendered and "{download}" not in rendered.replace("<code>", "").split("</code>")[-1]
    assert html.escape(shorten(MARKUP), quote=False) in html.unescape(rendered).replace("&", "&amp;") or shorten(
        MARKUP
    ) in html.unescape(rendered)


def test_a_chapter_and_its_swept_copy_with_the_same_inputs_finish_to_the_same_bytes():
    """The plan executes a chapter and a swept copy with the same inputs once and copies the result, in
    whichever order it met them; so nothing of the copy's own place may be written into it (a build with the
    chapter at a swept value was not reproducible while papermill's output path stayed in the metadata)."""
    params = {"edition": 2023}
    path = runner.ROOT / "notebooks" / "10_reserves.ipynb"
    chapter = runner.Job("reserves", path, params, {"edition": 2025})
    swept = runner.Job("reserves", path, params, {"edition": 2025}, sweep="edition")
    assert chapter.output != swept.output

    def executed():  # as papermill leaves it (the cell's id fixed: a new cell draws a random one)
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Reserves", id="heading")])

    finished = []
    for job in (chapter, swept):
        nb = executed()
        nb.metadata["papermill"] = {"output_path": str(job.output), "input_path": str(path), "duration": 1.5}
        runner._finish(job, nb)
        finished.append(nbformat.writes(nb))
    assert finished[0] == finished[1]
    assert "10_reserves" in finished[0]  # the notebook it came from stays named
    other = runner.Job("reserves", path, {"edition": 2024}, {"edition": 2025}, sweep="edition")
    nb = executed()
    runner._finish(other, nb)
    assert nbformat.writes(nb) != finished[0]  # other parameters: other bytes


@pytest.mark.parametrize("value", ["../../../../tmp/x", "a/b", "..", "United States", MARKUP, "é", "x" * 500])
def test_sweep_file_names_are_safe_slugs_under_build(value):
    name = runner.slug(value)
    assert "/" not in name and name not in (".", "..") and len(name) <= 60
    assert runner.slug(value) == name and runner.slug(value + "!") != name  # stable, and distinct
    job = runner.Job(
        "reserves",
        runner.ROOT / "notebooks" / "10_reserves.ipynb",
        {"country": value},
        {"country": "Russia"},
        sweep="country",
    )
    assert workspace.BUILD_DIR.resolve() in job.output.resolve().parents


def test_ordinary_values_keep_their_names():
    assert [runner.slug(v) for v in (2024, 25.0, "Russia")] == ["2024", "25.0", "Russia"]


def test_nothing_is_written_outside_build(tmp_path):
    with pytest.raises(workspace.RunError, match="must lie under"):
        workspace.inside_build(workspace.BUILD_DIR / ".." / "notebooks" / "x.ipynb")
    with pytest.raises(workspace.RunError, match="must lie under"):
        workspace.inside_build(tmp_path / "x")


def test_json_ld_in_a_page_escapes_every_angle_bracket():
    import json

    from claimbook.builder.sphinx_ext import json_ld

    text = json_ld([{"claimReviewed": "</script><!-- <img src=x onerror=alert(1)> & more"}])
    body = text.removeprefix('<script type="application/ld+json">').removesuffix("</script>\n")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)[0]["claimReviewed"].startswith("</script><!--")


def test_the_pdf_page_links_to_no_local_file(tmp_path):
    from claimbook.builder import pdf

    built = tmp_path / "singlehtml"
    (built / "_downloads" / "abc").mkdir(parents=True)
    (built / "_downloads" / "abc" / "verdicts.json").write_text("[]")
    page = built / "book" / "intro.html"
    page.parent.mkdir()
    page.write_text(
        '<html><body><section id="document-_build/executed/10_reserves"><p id="res-01">x</p></section>'
        '<a class="reference download" href="_downloads/abc/verdicts.json">verdicts.json</a>'
        '<a href="10_reserves.html#res-01">RES-01</a><a href="_sources/x.ipynb.txt">source</a>'
        '<a href="https://pubs.usgs.gov/x.pdf">USGS</a><a href="#res-01">here</a></body></html>'
    )
    out = pdf.print_page(built, page).read_text()
    hrefs = [h for h in __import__("re").findall(r'href="([^"]*)"', out)]
    assert hrefs == ["#res-01", "https://pubs.usgs.gov/x.pdf", "#res-01"], hrefs
    assert "verdicts.json</a>" in out  # the text stays


# -- a failing or stuck notebook, a read-only or full _build -----------------------------------------------------


@pytest.fixture
def sandbox_runner(tmp_path, monkeypatch):
    """The real runner on notebooks of a temporary folder, writing into a temporary _build."""
    nbdir, build = tmp_path / "notebooks", tmp_path / "_build"
    nbdir.mkdir()

    def notebook(name: str, body: str):
        nb = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell("x: int = 1  # a number [range: 0..10]", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body),
            ]
        )
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, nbdir / name)

    monkeypatch.setattr("claimbook.core.notebooks.NOTEBOOK_DIR", nbdir)
    for name, value in (
        ("EXECUTED_DIR", build / "executed"),
        ("FAILED_DIR", build / "failed"),
        ("TMP_DIR", build / "tmp"),
        ("SWEEP_DIR", build / "sweeps"),
        ("BUILD_DIR", build),
    ):
        monkeypatch.setattr(workspace, name, value)
    monkeypatch.setattr(runner, "check_inputs", lambda: None)
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    return notebook, build


def test_a_stuck_notebook_is_stopped_at_the_time_limit_in_one_sentence(sandbox_runner):
    notebook, build = sandbox_runner
    notebook("70_stuck.ipynb", "import time\nif x > 1:\n    time.sleep(3600)")
    runner.run(["stuck"], {"x": "1"})
    good = build / "executed" / "70_stuck.ipynb"
    before = tree_digest(good)
    start = time.monotonic()
    with pytest.raises(runner.NotebookFailed) as err:
        runner.run(["stuck"], {"x": "2"}, timeout=2)
    assert time.monotonic() - start < 60
    assert "notebooks/70_stuck.ipynb did not finish within 2 s, the time limit per notebook" in str(err.value)
    assert err.value.exit_code == 1 and str(err.value).count(".") <= 2
    assert tree_digest(good) == before
    assert not list((build / "tmp").glob("*.ipynb"))


@pytest.mark.parametrize("command", ["run", "build", "pdf"])
def test_every_command_that_executes_takes_one_time_limit_in_seconds(command, capsys):
    from claimbook import NOTEBOOK_TIMEOUT

    assert cli.parser().parse_args([command, "--timeout", "90"]).timeout == 90.0
    for bad in ("0", "soon", "86401"):
        with pytest.raises(SystemExit) as err:
            cli.parser().parse_args([command, "--timeout", bad])
        assert err.value.code == 2
        assert "is not a number of seconds (more than 0, at most 86400)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.parser().parse_args([command, "--help"])
    assert f"(default: {NOTEBOOK_TIMEOUT:g})" in " ".join(capsys.readouterr().out.split())


def test_a_failing_notebook_exits_with_status_1_and_undoes_the_others(sandbox_runner, capsys):
    notebook, build = sandbox_runner
    notebook("71_good.ipynb", "y = x")
    notebook("72_bad.ipynb", "if x > 1:\n    raise ValueError('x is too large')")
    runner.run(None, {})
    before = tree_digest(build / "executed")
    with pytest.raises(runner.NotebookFailed) as err:
        runner.run(None, {"x": "2"}, force=True)  # the good one succeeds with x=2, the bad one fails
    assert err.value.exit_code == 1 and "ValueError: x is too large" in str(err.value)
    assert tree_digest(build / "executed") == before, "a failed command publishes nothing of what it did"
    assert not (build / "journal").exists()


def test_a_second_command_while_one_runs_says_so_in_one_sentence(sandbox_runner):
    _, build = sandbox_runner
    with workspace.session():
        pid = os.fork()
        if pid == 0:  # another process, as a second `make book` would be
            workspace._SESSION = None
            try:
                with workspace.session():
                    os._exit(0)
            except workspace.BusyError as exc:
                os._exit(3 if "another claimbook build, run or pdf is running" in str(exc) else 4)
            os._exit(5)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3
    with workspace.session():  # released
        pass


def test_a_command_killed_midway_is_undone_by_the_next(sandbox_runner):
    _, build = sandbox_runner
    target = build / "executed" / "a.ipynb"
    target.parent.mkdir(parents=True)
    target.write_text("old")
    pid = os.fork()
    if pid == 0:  # replace two files, then die without any clean-up (as with SIGKILL)
        with workspace.session():
            workspace.write_whole(b"new", target)
            workspace.write_whole(b"brand new", build / "executed" / "b.ipynb")
            os._exit(0)
    os.waitpid(pid, 0)
    assert target.read_text() == "new" and (build / "journal").exists()
    with workspace.session():
        pass
    assert target.read_text() == "old" and not (build / "executed" / "b.ipynb").exists()
    assert not (build / "journal").exists()


def test_a_read_only_build_folder_ends_in_one_sentence(sandbox_runner, monkeypatch, capsys):
    _, build = sandbox_runner
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(build)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.setattr(cli, "_quote_check_notice", lambda: None)
    assert cli.main(["run", "x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "permission denied" in err[0] and "must be writable" in err[0]


def test_a_full_disk_while_swapping_in_the_book_leaves_the_last_good_book(sandbox_runner, monkeypatch):
    from claimbook.builder import book

    _, build = sandbox_runner
    monkeypatch.setattr(book, "BUILD_DIR", build)
    monkeypatch.setattr(book, "HTML_DIR", build / "html")
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("the last good book")
    before = tree_digest(build / "html")
    built = build / "jb" / "_build" / "html"
    built.mkdir(parents=True)
    for i in range(5):
        (built / f"{i}.html").write_text(str(i))
    (built / "index.html").write_text("new")

    def full(src, dst, **kwargs):
        os.makedirs(dst)
        shutil.copy2(os.path.join(src, "0.html"), dst)
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copytree", full)
    with pytest.raises(OSError) as err, workspace.session():
        book._swap_in(built, "digest")
    assert "disk is full" in cli._os_error(err.value)
    assert tree_digest(build / "html") == before and not (build / "html.new").exists()


def test_a_full_disk_while_writing_a_file_leaves_no_temporary_file(sandbox_runner, monkeypatch):
    from pathlib import Path

    _, build = sandbox_runner
    target = build / "verdicts.json"
    build.mkdir(parents=True, exist_ok=True)
    target.write_text("old")

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError), workspace.session():
        workspace.write_whole(b"new", target)
    monkeypatch.undo()
    assert target.read_text() == "old" and sorted(p.name for p in build.iterdir()) == [".lock", "verdicts.json"]


def test_every_claimbook_error_is_one_sentence_with_its_status(capsys, monkeypatch):
    def fail(args):
        raise runner.NotebookFailed("notebooks/x.ipynb failed in cell 3: ValueError: no.")

    monkeypatch.setattr(cli, "cmd_check", fail)
    assert cli.main(["check"]) == 1
    assert capsys.readouterr().err == "claimbook: error: notebooks/x.ipynb failed in cell 3: ValueError: no.\n"
    assert ClaimbookError.exit_code == 2
