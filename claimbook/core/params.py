"""Notebook parameters: read from the cell tagged `parameters`, validated before anything runs.

Each parameter is one typed, commented literal in that cell:

    edition: int = 2025  # USGS Mineral Commodity Summaries edition [choices: chapters.reserves.editions]
    tolerance_pct: float = 10.0  # how far a number may be from the record [range: 0..100]
    measure: str = "annual_average"  # inflation measure [one of: annual_average, december]

The comment is the help line. `[choices: MODULE.FUNCTION]` names a function in this package that returns
the allowed values from the data (it receives all parameters; parameters are checked in the order they
are declared, so declare `country` before an `edition` that depends on it); `[one of: ...]` lists them; `[range: LOW..HIGH]` bounds a number. papermill only warns on an
unknown name, never checks a type, and pastes names into code unescaped, hence every check here.
"""

from __future__ import annotations

import ast
import importlib
import io
import keyword
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from claimbook import ClaimbookError, read_yaml_mapping, shorten

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
TYPE_HINTS = {
    "int": "a whole number such as 2025",
    "float": "a number such as 10 or 2.5",
    "str": "text",
    "bool": "true or false",
}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
# The one way a number is read, from the command line, a parameters file or a `[one of: ...]` list: ASCII
# digits only (no Arabic-Indic or other Unicode digits, no '1_0', no hex), a float finite and not rounded to 0.
INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
CHOICES = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*\.[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


class ParameterError(ClaimbookError):
    pass


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any
    help: str
    choices: str | None = None  # MODULE.FUNCTION in this package
    one_of: tuple | None = None
    low: float | None = None
    high: float | None = None

    def allowed(self, values: dict) -> list | None:
        """The allowed values given the other parameters, or None when only type and range apply."""
        if self.one_of is not None:
            return list(self.one_of)
        if self.choices:
            module, func = self.choices.rsplit(".", 1)
            try:
                fn: Callable = getattr(importlib.import_module(f"claimbook.{module}"), func)
                return list(fn(values))
            except ClaimbookError:
                raise
            except Exception as exc:  # noqa: BLE001 - a broken [choices: ...] is the notebook's problem, said once
                raise ParameterError(
                    f"the allowed values of {self.name} come from claimbook.{self.choices}, which "
                    f"failed ({type(exc).__name__}); [choices: ...] must name a function of the "
                    f"package that returns the allowed values."
                ) from None
        return None

    def describe_allowed(self, values: dict) -> str:
        allowed = self.allowed(values)
        if allowed is not None:
            return ", ".join(map(str, allowed))
        if self.low is not None and self.high is not None:  # a [range: ...] sets both
            return f"{self.type} from {_num(self.low)} to {_num(self.high)}"
        return f"any {self.type} ({TYPE_HINTS[self.type]})"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def parameters_cell(nb) -> str:
    """The source of the cell tagged `parameters` ('' for a notebook that takes none)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell.source
    return ""


def _comments(source: str) -> dict[int, str]:
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


_TAG = re.compile(r"\[(choices|one of|range):\s*([^\]]*)\]")


def parse_parameters(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """The declared parameters of one parameters cell, in order."""
    try:
        tree = ast.parse(source)
        comments = _comments(source)
    except (SyntaxError, tokenize.TokenError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise ParameterError(
            f"{where}: the parameters cell is not valid Python{f' (line {line})' if line else ''}; "
            f"each line must be `name: type = value  # help`."
        ) from None
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value):
            raise ParameterError(f"{where}: line {node.lineno} is not of the form `name: type = value  # help`.")
        name = node.target.id
        type_name = ast.unparse(node.annotation)
        if type_name not in TYPES:
            raise ParameterError(f"{where}: {name} has type {type_name}; allowed: {', '.join(TYPES)}.")
        try:
            default = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ParameterError(
                f"{where}: the default of {name} is not a literal value; give a number, a quoted text, True or False."
            ) from None
        comment = comments.get(node.lineno, "")
        if not comment:
            raise ParameterError(f"{where}: {name} has no help comment.")
        fields: dict[str, Any] = {}
        for kind, body in _TAG.findall(comment):
            body = body.strip()
            if kind == "choices":
                if not CHOICES.fullmatch(body):
                    raise ParameterError(
                        f"{where}: {name} has [choices: {shorten(body)[1:-1]}]; it must name "
                        f"MODULE.FUNCTION of the package, as in [choices: chapters.reserves.editions]."
                    )
                fields["choices"] = body
            elif kind == "one of":
                try:
                    fields["one_of"] = tuple(_convert(type_name, v.strip(), name) for v in body.split(","))
                except ValueError:
                    raise ParameterError(
                        f"{where}: {name} has [one of: {shorten(body)[1:-1]}], which are not all "
                        f"{type_name} values; list values of its type, separated by commas."
                    ) from None
            else:
                low, sep, high = body.partition("..")
                try:
                    if not sep:
                        raise ValueError
                    fields["low"], fields["high"] = (
                        _convert("float", low.strip(), name),
                        _convert("float", high.strip(), name),
                    )
                    if fields["low"] > fields["high"]:
                        raise ValueError
                except ValueError:
                    raise ParameterError(
                        f"{where}: {name} has [range: {shorten(body)[1:-1]}]; it must be "
                        f"[range: LOW..HIGH] with two numbers, LOW at most HIGH."
                    ) from None
        help_text = _TAG.sub("", comment).strip()
        params[name] = Parameter(name, type_name, default, help_text, **fields)
        _check_type(params[name], default, " (its default)")
    return params


def read_notebook(path: Path):
    """A notebook file, or a ParameterError in one sentence when it is not a readable notebook."""
    from claimbook import read_text, relpath

    text = read_text(path, ParameterError, "a Jupyter notebook (JSON)")
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises JSON, validation and key errors alike
        kind = "is not valid JSON (truncated?)" if isinstance(exc, ValueError) else "is not a Jupyter notebook"
        raise ParameterError(
            f"{relpath(path)} {kind}; restore it from git (git checkout -- {relpath(path)})."
        ) from None


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    nb = read_notebook(path)
    return parse_parameters(parameters_cell(nb), where=path.name)


def _convert(type_name: str, text: str, name: str) -> Any:
    """A command-line string as a value of the declared type."""
    if type_name == "str":
        return text
    if type_name == "bool":
        low = text.lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        raise ValueError
    if type_name == "int":
        if not INT_TEXT.fullmatch(text) or len(text) > 30:
            raise ValueError
        return int(text)
    if not FLOAT_TEXT.fullmatch(text) or len(text) > 60:
        raise ValueError
    value = float(text)
    mantissa = text.lower().split("e")[0]
    if value in (float("inf"), float("-inf")) or (value == 0 and mantissa.strip("+-0.")):
        raise ValueError  # beyond a float's range: too large, or so small it would be read as 0
    return value


def convert(p: Parameter, text: str) -> Any:
    """A command-line string as a value of p's type, or a ParameterError naming the expected type."""
    if text.strip() == "":
        raise ParameterError(f"{p.name} is empty; give a value ({p.describe_allowed({})}).")
    try:
        return _convert(p.type, text.strip(), p.name)
    except ValueError:
        raise ParameterError(f"{p.name} must be {p.type} ({TYPE_HINTS[p.type]}), but {shorten(text)} is not.") from None


def _check_type(p: Parameter, value: Any, where: str = "") -> Any:
    """The value if it is of p's type (an int is accepted for a float), else a ParameterError."""
    expected = TYPES[p.type]
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if p.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ParameterError(
            f"{p.name}{where} must be {p.type} ({TYPE_HINTS[p.type]}), but got {shorten(value)} "
            f"({type(value).__name__})."
        )
    return value


def _takes(declared: dict[str, Parameter], notebook: str) -> str:
    if not declared:
        return f"{notebook} takes no parameters (it has no cell tagged `parameters`, or an empty one)"
    return f"its parameters are: {', '.join(declared)}"


def check_name(name: str, declared: dict[str, Parameter], notebook: str) -> None:
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name) or keyword.iskeyword(name):
        raise ParameterError(
            f"{shorten(name)} is not a valid parameter name (a plain identifier such as edition); "
            + (f"{notebook} takes: {', '.join(declared)}." if declared else _takes(declared, notebook) + ".")
        )
    if name not in declared:
        raise ParameterError(f"{notebook} has no parameter {shorten(name)}; {_takes(declared, notebook)}.")


def resolve(
    declared: dict[str, Parameter], given: dict[str, Any], notebook: str, from_text: bool = True
) -> dict[str, Any]:
    """Defaults overlaid with the given values, each checked; raises ParameterError with one sentence.

    `from_text` says the values are command-line strings to convert; YAML values arrive typed.
    """
    values: dict[str, Any] = {}
    for name, raw in given.items():
        check_name(name, declared, notebook)
        p = declared[name]
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            raise ParameterError(f"{name} is empty for {notebook}; give a value ({p.describe_allowed({})}).")
        if from_text and isinstance(raw, str):
            raw = convert(p, raw)
        values[name] = _check_type(p, raw)
    full = {name: values.get(name, p.default) for name, p in declared.items()}
    for name, p in declared.items():
        value = full[name]
        if p.low is not None and p.high is not None and not (p.low <= value <= p.high):
            raise ParameterError(
                f"{name}={shorten(value)} is out of range for {notebook}; allowed: {_num(p.low)} to {_num(p.high)}."
            )
        allowed = p.allowed(full)
        if allowed is not None and value not in allowed:
            raise ParameterError(
                f"{name}={shorten(value)} is not available for {notebook}"
                + _context(p, full)
                + f"; allowed: {', '.join(map(str, allowed))}."
            )
    return full


def _context(p: Parameter, full: dict) -> str:
    """The parameters declared before p, on which its allowed values may depend."""
    if not p.choices:
        return ""
    before = list(full)[: list(full).index(p.name)]
    others = [f"{k}={shorten(full[k])}" for k in before if isinstance(full[k], str)]
    return f" (with {', '.join(others)})" if others else ""


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`NAME=VALUE` strings from the command line as a dict; the value may be empty (rejected later)."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ParameterError(f"{shorten(item)} is not of the form NAME=VALUE (for example edition=2024).")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def split_assignments(chunk: str) -> list[str]:
    """One -p string split as a shell would (so quotes group words); an unclosed quote is one sentence."""
    import shlex

    try:
        return shlex.split(chunk)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise ParameterError(
            f"-p {shorten(chunk)} has an unclosed quote or a trailing backslash ({exc}); "
            f"quote each value whole, as in -p \"country='Cote d Ivoire'\"."
        ) from None


def read_params_file(path: Path) -> dict[str, str]:
    """A YAML file of NAME: VALUE lines, every value as text (converted like a -p value, by its declared
    type: 'no' is not read as False where text is expected, nor '1_0' as 10)."""
    from claimbook import relpath

    data = read_yaml_mapping(path, ParameterError, "a mapping of NAME: VALUE lines", empty_ok=True, typed=False)
    out = {}
    for k, v in data.items():
        if not isinstance(k, str):
            raise ParameterError(f"{relpath(path)} has a key that is not a name; give NAME: VALUE lines.")
        if isinstance(v, (dict, list)):
            raise ParameterError(f"{shorten(k)} in {relpath(path)} must be a single value, not a list or mapping.")
        out[k] = v
    return out


class NotebookParameterError(ParameterError):
    """A parameters cell edited by hand (in JupyterLab, say) to a value that is not allowed.

    IPython shows what `_render_traceback_` returns instead of a traceback, so the notebook stops at its
    top with the CLI's one sentence rather than a traceback from deep in a chapter module.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{ParameterError.__name__}: {self}"]


def check_parameters(notebook: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Check, inside a running chapter, the values its parameters cell (or papermill) set in `namespace`.

    The first code cell after the parameters cell calls `check_parameters("reserves", globals())`: the
    values are checked by `resolve` against the parameters the notebook declares, so a hand-edited value
    fails with the same sentence as `python -m claimbook run reserves -p NAME=VALUE`. Returns the values.
    """
    from claimbook.core.notebooks import find, short_name

    path = find(notebook)
    name = short_name(path)
    try:
        declared = notebook_parameters(path)
        missing = [p for p in declared if p not in namespace]
        if missing:
            raise ParameterError(
                f"the parameters cell of {name} does not set {', '.join(missing)}; "
                f"its parameters are: {', '.join(declared)}."
            )
        return resolve(declared, {p: namespace[p] for p in declared}, name, from_text=False)
    except ParameterError as exc:
        raise NotebookParameterError(str(exc)) from None
