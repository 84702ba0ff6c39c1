"""Notebook parameters: read from the cell tagged `parameters`, validated before anything runs.

Each parameter is one typed, commented literal in that cell:

    edition: int = 2025  # USGS Mineral Commodity Summaries edition [choices: reserves.editions]
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

from . import ClaimbookError, read_yaml_mapping

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
TYPE_HINTS = {
    "int": "a whole number such as 2025",
    "float": "a number such as 10 or 2.5",
    "str": "text",
    "bool": "true or false",
}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
            fn: Callable = getattr(importlib.import_module(f"claimbook.{module}"), func)
            return list(fn(values))
        return None

    def describe_allowed(self, values: dict) -> str:
        allowed = self.allowed(values)
        if allowed is not None:
            return ", ".join(map(str, allowed))
        if self.low is not None:
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
    tree = ast.parse(source)
    comments = _comments(source)
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value):
            raise ParameterError(
                f"{where}: line {node.lineno} is not of the form `name: type = value  # help`."
            )
        name = node.target.id
        type_name = ast.unparse(node.annotation)
        if type_name not in TYPES:
            raise ParameterError(f"{where}: {name} has type {type_name}; allowed: {', '.join(TYPES)}.")
        default = ast.literal_eval(node.value)
        comment = comments.get(node.lineno, "")
        if not comment:
            raise ParameterError(f"{where}: {name} has no help comment.")
        fields: dict[str, Any] = {}
        for kind, body in _TAG.findall(comment):
            body = body.strip()
            if kind == "choices":
                fields["choices"] = body
            elif kind == "one of":
                fields["one_of"] = tuple(_convert(type_name, v.strip(), name) for v in body.split(","))
            else:
                low, high = body.split("..")
                fields["low"], fields["high"] = float(low), float(high)
        help_text = _TAG.sub("", comment).strip()
        params[name] = Parameter(name, type_name, default, help_text, **fields)
        _check_type(params[name], default, " (its default)")
    return params


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    nb = nbformat.read(path, as_version=4)
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
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError
        return int(text)
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError
    return value


def convert(p: Parameter, text: str) -> Any:
    """A command-line string as a value of p's type, or a ParameterError naming the expected type."""
    if text.strip() == "":
        raise ParameterError(f"{p.name} is empty; give a value ({p.describe_allowed({})}).")
    try:
        return _convert(p.type, text.strip(), p.name)
    except ValueError:
        raise ParameterError(f"{p.name} must be {p.type} ({TYPE_HINTS[p.type]}), but {text!r} is not.") from None


def _check_type(p: Parameter, value: Any, where: str = "") -> Any:
    """The value if it is of p's type (an int is accepted for a float), else a ParameterError."""
    expected = TYPES[p.type]
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if p.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ParameterError(
            f"{p.name}{where} must be {p.type} ({TYPE_HINTS[p.type]}), but got {value!r} "
            f"({type(value).__name__})."
        )
    return value


def check_name(name: str, declared: dict[str, Parameter], notebook: str) -> None:
    if not IDENTIFIER.fullmatch(name) or keyword.iskeyword(name):
        raise ParameterError(
            f"{name!r} is not a valid parameter name (a plain identifier such as edition); "
            f"{notebook} takes: {', '.join(declared)}."
        )
    if name not in declared:
        raise ParameterError(f"{notebook} has no parameter {name!r}; its parameters are: {', '.join(declared)}.")


def resolve(declared: dict[str, Parameter], given: dict[str, Any], notebook: str,
            from_text: bool = True) -> dict[str, Any]:
    """Defaults overlaid with the given values, each checked; raises ParameterError with one sentence.

    `from_text` says the values are command-line strings to convert; YAML values arrive typed.
    """
    values: dict[str, Any] = {}
    for name, raw in given.items():
        check_name(name, declared, notebook)
        p = declared[name]
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            raise ParameterError(
                f"{name} is empty for {notebook}; give a value ({p.describe_allowed({})})."
            )
        if from_text and isinstance(raw, str):
            raw = convert(p, raw)
        values[name] = _check_type(p, raw)
    full = {name: values.get(name, p.default) for name, p in declared.items()}
    for name, p in declared.items():
        value = full[name]
        if p.low is not None and not (p.low <= value <= p.high):
            raise ParameterError(
                f"{name}={value} is out of range for {notebook}; allowed: {_num(p.low)} to {_num(p.high)}."
            )
        allowed = p.allowed(full)
        if allowed is not None and value not in allowed:
            raise ParameterError(
                f"{name}={value!r} is not available for {notebook}"
                + _context(p, full) + f"; allowed: {', '.join(map(str, allowed))}."
            )
    return full


def _context(p: Parameter, full: dict) -> str:
    """The parameters declared before p, on which its allowed values may depend."""
    if not p.choices:
        return ""
    before = list(full)[: list(full).index(p.name)]
    others = [f"{k}={full[k]!r}" for k in before if isinstance(full[k], str)]
    return f" (with {', '.join(others)})" if others else ""


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`NAME=VALUE` strings from the command line as a dict; the value may be empty (rejected later)."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ParameterError(f"{item!r} is not of the form NAME=VALUE (for example edition=2024).")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def read_params_file(path: Path) -> dict[str, Any]:
    data = read_yaml_mapping(path, ParameterError, "a mapping of NAME: VALUE lines", empty_ok=True)
    return {str(k): v for k, v in data.items()}


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
    from .notebooks import find, short_name

    path = find(notebook)
    name = short_name(path)
    try:
        declared = notebook_parameters(path)
        missing = [p for p in declared if p not in namespace]
        if missing:
            raise ParameterError(f"the parameters cell of {name} does not set {', '.join(missing)}; "
                                 f"its parameters are: {', '.join(declared)}.")
        return resolve(declared, {p: namespace[p] for p in declared}, name, from_text=False)
    except ParameterError as exc:
        raise NotebookParameterError(str(exc)) from None
