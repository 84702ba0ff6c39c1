"""claimbook: the shared, tested logic of the fact-check book.

The notebooks stay narratives; what they share lives here, in three wings that import only downward:
`core` (the register, the data catalog and loader, parameters, the verdict rules, the evidence, HTML),
`chapters` (one module per claim area, the figures, the page helpers) and `builder` (the runner, the
pipeline, the book, the exports, the PDF, the Sphinx extension); `cli` sits on top.
"""

import contextlib
import functools
import os
from pathlib import Path
from typing import Any

# The project root: the checkout this package sits in, or the folder CLAIMBOOK_ROOT names (read once, at
# import). Every project path (data/, seeds/, notebooks/, book/, _config.yml, _toc.yml, requirements.txt,
# _build/) is derived from it, so the tests can point the package at a copy of the project and damage that.
ROOT = Path(os.environ.get("CLAIMBOOK_ROOT") or Path(__file__).resolve().parent.parent).resolve()
BUILD_DIR = ROOT / "_build"  # everything generated (claimbook.builder.workspace owns it; core keeps a cache there)


class ClaimbookError(Exception):
    """A problem the user can fix; its message is one plain sentence, shown without a traceback."""

    exit_code = 2  # the command line's exit status (1 is kept for a notebook that fails)


MAX_ECHO = 80  # at most this many characters of a user's value are repeated in a message
NOTEBOOK_TIMEOUT = 300.0  # seconds a notebook may run before it is stopped (run, build and pdf take --timeout)


def shorten(value, limit: int = MAX_ECHO) -> str:
    """repr(value) for a message, bounded however long or deeply nested the value is."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring = r.maxother = r.maxlong = limit
    r.maxlevel, r.maxlist, r.maxdict, r.maxtuple, r.maxset = 2, 4, 4, 4, 4
    text = r.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DuplicateKeyError(Exception):
    def __init__(self, key, first: int, again: int):
        super().__init__(f"{key!r} at lines {first} and {again}")
        self.key, self.first, self.again = key, first, again


def _yaml_base(typed: bool):
    """The C loader (libyaml, about ten times faster) where PyYAML was built with it, else the Python one."""
    import yaml

    if typed:
        return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@functools.cache
def strict_loader(typed: bool = True):
    """A YAML loader that refuses a key given twice in one mapping (plain YAML keeps the last silently).

    typed=False reads every scalar as text (yaml.BaseLoader): 'no' stays the word no, '1_0' stays '1_0',
    so a value is converted by the one parser of its declared type, as on the command line. The parser is
    libyaml's where available; the check lives in the constructor, which both share.
    """
    import yaml

    base: Any = _yaml_base(typed)  # C or Python loader, chosen at run time: Any, so mypy accepts it as a base class

    class Loader(base):
        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict = {}
                for key_node, _ in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        continue
                    key = (key_node.tag, key_node.value)
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise DuplicateKeyError(key_node.value, seen[key], line)
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return Loader


# Parsed YAML by (path, its text, typed): each file is parsed once per process and version, however many
# times it is read (a dataset's sidecar is described dozens of times in a build). Keyed by the text itself,
# not by the file's mtime, so a file rewritten within the same clock tick is never served stale.
_YAML_CACHE: dict[tuple[str, str, bool], object] = {}
YAML_PARSES: dict[str, int] = {}  # path -> how many times it was parsed in this process (tests/test_speed.py)


def _parse_yaml(path: Path, text: str, typed: bool):
    """yaml.load with the strict loader, memoised; returns a deep copy the caller may change."""
    import copy

    import yaml

    key = (str(path), text, typed)
    if key not in _YAML_CACHE:
        data = yaml.load(text, Loader=strict_loader(typed))  # noqa: S506 - a safe (or base) loader
        YAML_PARSES[str(path)] = YAML_PARSES.get(str(path), 0) + 1
        stale = [k for k in _YAML_CACHE if k[0] == key[0] and k[2] == typed]
        for k in stale:  # keep one version per file
            del _YAML_CACHE[k]
        _YAML_CACHE[key] = data
    return copy.deepcopy(_YAML_CACHE[key])


def file_version(path) -> tuple[int, int, int] | None:
    """A file's version as this process's caches key it: (modification time in nanoseconds, size, inode);
    None when it cannot be read. Every write under _build/ is a rename, so a rewritten file has a new inode
    even within one clock tick."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def read_text(path: Path, error: type[ClaimbookError], what: str = "UTF-8 text") -> str:
    """A file's text; a missing, unreadable or non-UTF-8 file is raised as `error` in one sentence."""
    path = Path(path)
    if path.is_dir():
        raise error(f"{relpath(path)} is a folder, not a file; it must be {what}.")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{relpath(path)} is missing.") from None
    except UnicodeDecodeError as exc:
        raise error(f"{relpath(path)} is not UTF-8 text (byte {exc.start}); it must be {what}.") from None
    except OSError as exc:
        raise error(f"{relpath(path)} cannot be read ({exc.strerror}); it must be {what}.") from None


def keep(path: Path, content: bytes) -> None:
    """A cache file (under _build/cache) written whole: a partial file renamed into place, so another process
    never reads half of it. Where the folder takes no file (read-only, full) nothing is kept, which costs only
    time: the next process computes it again."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_bytes(content)
        os.replace(partial, path)


def relpath(path: Path) -> str:
    """A path as the user knows it: relative to the checkout when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_yaml_mapping(
    path: Path, error: type[ClaimbookError], what: str = "a mapping", empty_ok: bool = False, typed: bool = True
) -> dict:
    """A YAML file that must hold a mapping; any problem is raised as `error` in one sentence.

    A key given twice is an error; typed=False reads every value as text (see strict_loader)."""
    import yaml

    if not Path(path).exists():
        raise error(f"{relpath(path)} is missing.")
    text = read_text(path, error, what)
    try:
        data = _parse_yaml(Path(path), text, typed)
    except DuplicateKeyError as exc:
        raise error(
            f"{relpath(path)} gives the key {shorten(exc.key)} twice (lines {exc.first} and {exc.again}); "
            f"each key may appear once."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise error(f"{relpath(path)} is not valid YAML{where}; it must be {what}.") from None
    except RecursionError:
        raise error(f"{relpath(path)} is nested too deeply; it must be {what}.") from None
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise error(f"{relpath(path)} must be {what}.")
    return data


def say(text: str, stream=None) -> None:
    """Print one line of progress; a reader that went away (`... | head -1`) never stops the work: the
    stream is pointed at /dev/null and the build goes on to its end."""
    import os
    import sys

    stream = stream or sys.stdout
    try:
        print(text, file=stream, flush=True)
    except (BrokenPipeError, ValueError):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
