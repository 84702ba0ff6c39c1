"""python -m claimbook: run chapters, build the book, list parameters, check the register and data."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from claimbook import NOTEBOOK_TIMEOUT, ROOT, ClaimbookError, relpath


def _given(args) -> tuple[dict, bool]:
    """Parameters from -f FILE then -p NAME=VALUE (later wins), all as text, converted by their declared type
    the same way wherever they come from."""
    from claimbook.core.params import parse_assignments, read_params_file, split_assignments

    values: dict = dict(read_params_file(Path(args.file))) if args.file else {}
    for chunk in args.param or []:
        values.update(parse_assignments(split_assignments(chunk)))
    return values, True


def _say(text: str, err: bool = False) -> None:
    from claimbook import say

    say(text, sys.stderr if err else sys.stdout)


def _quote_check_notice() -> None:
    """Say plainly when the articles are absent and the register's quotes could not be checked; in CI
    (CI=true) that is an error."""
    from claimbook.core import register

    why = register.quote_check_unavailable()
    if why is None:
        return
    if register.in_ci():
        raise register.RegisterError(
            f"the quote check could not run ({why}) and CI requires it; "
            f"put the articles there or set CLAIMBOOK_ARTICLES."
        )
    _say(
        f"claimbook: warning: the quote check could not run ({why}); quotes in seeds/claims.yaml are unchecked.",
        err=True,
    )


def cmd_run(args) -> int:
    from claimbook.builder import pipeline

    given, from_text = _given(args)
    sweep = _sweep(args.sweep) if args.sweep else None
    start = time.perf_counter()
    _quote_check_notice()
    index = pipeline.run(
        args.notebooks or None,
        given,
        then_build=args.build,
        from_text=from_text,
        jobs_limit=args.jobs,
        force=args.force,
        sweep=sweep,
        timeout=args.timeout,
    )
    if index is not None:
        _say_book(index)
    _say(f"claimbook: done in {time.perf_counter() - start:.1f} s")
    return 0


def _sweep(text: str) -> tuple[str, list[str] | None]:
    """`edition=2023,2024` -> ("edition", ["2023", "2024"]); a bare `edition` sweeps every allowed value."""
    from claimbook import shorten
    from claimbook.core.params import ParameterError

    name, sep, values = text.partition("=")
    items = [v.strip() for v in values.split(",")] if sep else None
    if items is not None and (not items or any(v == "" for v in items)):
        raise ParameterError(
            f"--sweep {shorten(text)} has an empty value; give NAME=V1,V2,... or NAME alone for every allowed value."
        )
    return name.strip(), items


def _say_book(index: Path) -> None:
    _say(f"claimbook: the book is at {index.relative_to(ROOT)} (open file://{index})")


def cmd_build(args) -> int:
    from claimbook.builder import pipeline

    start = time.perf_counter()
    _quote_check_notice()
    _say_book(pipeline.build(force=args.force, sweeps=not args.no_sweeps, timeout=args.timeout))
    _say(f"claimbook: done in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_pdf(args) -> int:
    from claimbook.builder import pipeline

    start = time.perf_counter()
    _quote_check_notice()
    path = pipeline.pdf(timeout=args.timeout)
    _say(f"claimbook: the PDF is at {path.relative_to(ROOT)} ({time.perf_counter() - start:.1f} s)")
    return 0


def cmd_params(args) -> int:
    from claimbook.core.notebooks import find
    from claimbook.core.params import notebook_parameters

    path = find(args.notebook)
    declared = notebook_parameters(path)
    defaults = {k: p.default for k, p in declared.items()}
    print(f"{path.relative_to(ROOT)}:")
    for p in declared.values():
        print(f"  {p.name} ({p.type}, default {p.default!r}): {p.help}")
        print(f"      allowed: {p.describe_allowed(defaults)}")
    return 0


def cmd_check(args) -> int:
    from claimbook.core import data, evidence, register
    from claimbook.core.notebooks import all_notebooks
    from claimbook.core.params import notebook_parameters, resolve

    problems = register.validate() + data.check_all()
    problems += evidence.validate() if not problems else []
    unchecked = register.quote_check_unavailable()
    if unchecked and register.in_ci():
        problems.append(
            f"the quote check could not run ({unchecked}) and CI requires it; put the articles there "
            f"or set CLAIMBOOK_ARTICLES."
        )
    for name, path in all_notebooks().items():
        try:
            declared = notebook_parameters(path)
            resolve(declared, {}, name)
        except ClaimbookError as exc:
            problems.append(f"{path.relative_to(ROOT)}: {exc}")
    for p in problems:
        print(f"  - {p}")
    if problems:
        print(f"claimbook: check found {len(problems)} problem(s).", file=sys.stderr)
        return 1
    n_claims = len(register.claims())
    quotes = (
        f"; the quote check could not run ({unchecked}), so the quotes are unchecked"
        if unchecked
        else "; every quote occurs in its article"
    )
    print(
        f"claimbook: check passed ({n_claims} claims, {len(data.dataset_names())} datasets, "
        f"{len(all_notebooks())} notebooks{quotes})."
    )
    return 0


def cmd_data(args) -> int:
    from claimbook.core import data

    if args.rehash:
        from claimbook.builder import workspace

        with workspace.session():  # not while a build reads the data
            for name in args.rehash:
                old, new = data.rehash(name)
                print(f"  {name}: sha256 {old[:12]}… -> {new[:12]}…")
        return 0
    for name in data.dataset_names():
        ds = data.describe(name)
        print(f"  {name:<36} {ds.meta['tier']:<9} {ds.meta['unit']}")
        print(f"      {ds.meta['title']}")
    return 0


def cmd_diff(args) -> int:
    from claimbook.builder import published

    pub = published.read_published()
    built = published.read_built()
    print(published.changes_text(pub, built))
    page = published.BUILT.parent / "what-changed.html"
    page.write_text(published.changes_page(pub, built), encoding="utf-8")
    print(f"claimbook: written {page.relative_to(ROOT)} (the book's page 'What changed' shows the same)")
    problems = published.gate(pub["verdicts"], built, published.read_corrections())
    for p in problems:
        print(f"  - {p}", file=sys.stderr)
    return 1 if problems else 0


def cmd_publish(args) -> int:
    from claimbook.builder import published

    path = published.publish()
    print(f"claimbook: the verdicts of this build are the published edition now ({path.relative_to(ROOT)}); commit it.")
    return 0


def cmd_new_chapter(args) -> int:
    from claimbook.builder import scaffold

    written = scaffold.new_chapter(args.name, args.number, args.title)
    for path in written:
        print(f"  {'listed in' if path.name == '_toc.yml' else 'written'} {path.relative_to(ROOT)}")
    print(
        f"claimbook: chapter {args.name} created. Next: its area, claims and evidence in seeds/ (CONTRIBUTING.md), "
        f"then `python -m claimbook check` and `make book`."
    )
    return 0


def _chapter_number(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 2:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a chapter number (one or two digits, as 70)")
    return int(text)


def _add_timeout(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"stop a notebook that runs longer than this (default: {NOTEBOOK_TIMEOUT:g})",
    )


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m claimbook", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute notebooks (all by default) with papermill")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="short name (reserves) or file name")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a parameter; repeat, or give several in one quoted string",
    )
    run.add_argument("-f", "--file", metavar="PARAMS.yaml", help="parameters from a YAML file of NAME: VALUE lines")
    run.add_argument("-j", "--jobs", type=int, default=None, help="notebooks at once (default: number of cores)")
    run.add_argument("--force", action="store_true", help="execute even when inputs are unchanged")
    run.add_argument(
        "--sweep",
        metavar="NAME[=V1,V2]",
        help="run the chapter once per value of NAME (every allowed value when none are given) "
        "into _build/sweeps/, leaving the chapter itself as it is",
    )
    run.add_argument("--build", action="store_true", help="then assemble the book")
    _add_timeout(run)
    run.set_defaults(func=cmd_run)

    build = sub.add_parser("build", help="run what is out of date, then assemble the book")
    build.add_argument("--force", action="store_true", help="execute every chapter again")
    build.add_argument(
        "--no-sweeps",
        action="store_true",
        help="skip the robustness sweeps (quicker; the verdicts page then shows no matrix)",
    )
    _add_timeout(build)
    build.set_defaults(func=cmd_build)

    pdf = sub.add_parser(
        "pdf",
        help="run what is out of date, then print the whole book to _build/pdf/claimbook.pdf "
        "(with Debian's Chromium, installed with apt when missing and running as root)",
    )
    _add_timeout(pdf)
    pdf.set_defaults(func=cmd_pdf)

    params = sub.add_parser("params", help="list a notebook's parameters")
    params.add_argument("notebook")
    params.set_defaults(func=cmd_params)

    check = sub.add_parser("check", help="validate the register, the data catalog and notebook parameters")
    check.set_defaults(func=cmd_check)

    data = sub.add_parser("data", help="list the datasets, or re-hash deliberately updated files")
    data.add_argument("--rehash", nargs="+", metavar="NAME", help="record the current sha256 of these datasets")
    data.set_defaults(func=cmd_data)

    diff_help = (
        "compare the last build's verdicts with the published edition (book/verdicts.published.json); "
        "exit 1 if a label changed without a correction in seeds/corrections.yaml"
    )
    diff = sub.add_parser("diff", help=diff_help, description=diff_help)
    diff.set_defaults(func=cmd_diff)

    publish = sub.add_parser(
        "publish",
        help="make the last build's verdicts the published edition, once every "
        "changed label has a correction in seeds/corrections.yaml",
    )
    publish.set_defaults(func=cmd_publish)

    new_help = (
        "write a new chapter from the templates (notebooks/NN_NAME.ipynb, claimbook/chapters/NAME.py, "
        "tests/test_NAME.py) and list it in _toc.yml"
    )
    new = sub.add_parser("new-chapter", help=new_help, description=new_help + "; see CONTRIBUTING.md")
    new.add_argument("name", metavar="NAME", help="the chapter's short name, as its claims name it (notebook: NAME)")
    new.add_argument(
        "--number",
        type=_chapter_number,
        default=None,
        metavar="NN",
        help="its place in the book (default: the next multiple of ten after the last chapter)",
    )
    new.add_argument("--title", default=None, help="the page's title (default: the name)")
    new.set_defaults(func=cmd_new_chapter)

    standby_help = (
        "say whether a standby (the next run or build, started ahead with its imports done) waits, or stop it"
    )
    standby = sub.add_parser("standby", help=standby_help, description=standby_help + "; see README.md")
    standby.add_argument("action", nargs="?", choices=("status", "stop"), default="status")
    standby.set_defaults(func=cmd_standby)
    return ap


def _seconds(text: str) -> float:
    from claimbook.core.params import FLOAT_TEXT

    if not FLOAT_TEXT.fullmatch(text.strip()) or not 0 < float(text) <= 86400:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds (more than 0, at most 86400)")
    return float(text)


def run(argv: list[str]) -> int:
    """One command, as `python -m claimbook ARGV` runs it, in this process or a standby's: its exit status,
    with its output flushed."""
    status = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream is closed
            pass
    return status if isinstance(status, int) else 0 if status is None else 1


def cmd_standby(args) -> int:
    from claimbook.builder import standby

    if args.action == "stop":
        pid = standby.stop()
        print("claimbook: no standby" if pid is None else f"claimbook: the standby (process {pid}) is stopped")
    else:
        print(f"claimbook: {standby.status()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ClaimbookError as exc:
        _say(f"claimbook: error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:  # the reader of a listing went away (`params reserves | head -1`)
        from claimbook import say

        say("", sys.stdout)  # points stdout at /dev/null, so the exit flushes nothing into the closed pipe
        return 0
    except OSError as exc:  # a read-only or full _build, a folder where a file belongs, ...
        _say(f"claimbook: error: {_os_error(exc)}", err=True)
        return 2


def _os_error(exc: OSError) -> str:
    import errno

    what = relpath(Path(exc.filename)) if exc.filename else "a file"
    if exc.errno == errno.ENOSPC:
        why = "the disk is full; free some space and try again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"permission denied; {what} and _build/ must be writable by you"
    else:
        why = f"{exc.strerror or type(exc).__name__}"
    return (
        f"cannot write or read {what} ({why}); nothing was published and the last good book in "
        f"_build/html is unchanged."
    )
