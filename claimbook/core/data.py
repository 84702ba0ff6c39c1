"""The data catalog and the one loader through which notebooks read data.

Each `data/NAME.csv` has a sidecar `data/NAME.yaml` (format: data/README.md). `load(NAME)` parses the
CSV, validates columns, types, nullability, allowed values and the key with pandera, then checks the
file's sha256 against the sidecar, so a damaged or silently edited file never reaches a chapter.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from claimbook import BUILD_DIR, ROOT, ClaimbookError, keep, read_yaml_mapping, relpath, shorten

DATA_DIR = ROOT / "data"

# Sidecar fields every dataset must describe (the origin a reader follows to the publisher).
REQUIRED_FIELDS = (
    "title",
    "producer",
    "citation",
    "url",
    "edition",
    "published",
    "accessed",
    "licence",
    "unit",
    "tier",
    "key",
    "columns",
    "sha256",
)
COLUMN_TYPES = {"int": "Int64", "float": "float64", "str": "str", "bool": "boolean", "date": "datetime64[ns]"}
TIERS = ("primary", "secondary", "weak", "mixed", "derived")


class DataError(ClaimbookError):
    pass


@dataclass(frozen=True)
class Dataset:
    name: str
    meta: dict = field(repr=False)
    data_dir: Path = DATA_DIR

    @property
    def csv_path(self) -> Path:
        return self.data_dir / f"{self.name}.csv"

    @property
    def sidecar_path(self) -> Path:
        return self.data_dir / f"{self.name}.yaml"

    @property
    def columns(self) -> dict:
        return self.meta["columns"]

    @property
    def key(self) -> list[str]:
        return list(self.meta["key"])


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_layout(csv_path: Path, ds: Dataset) -> None:
    """The header row: each column once, and only the columns the sidecar describes (pandas would rename a
    repeated column and pandera then cannot say which); and every row with one field per column (given one
    more field in its first row, pandas would take the first column for the index and shift every value)."""
    import csv

    csv_rel = relpath(csv_path)
    try:
        with open(csv_path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            uneven = next(((reader.line_num, len(row)) for row in reader if row and len(row) != len(header)), None)
    except UnicodeDecodeError as exc:
        raise DataError(f"{csv_rel} is not UTF-8 text (byte {exc.start}); it must be a UTF-8 CSV file.") from None
    except csv.Error as exc:
        raise DataError(f"{csv_rel} cannot be read as CSV ({exc}).") from None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError(
                f"{csv_rel} has the column '{shorten(name)[1:-1]}' twice in its header; each column "
                f"appears once (columns: {', '.join(ds.columns)})."
            )
        seen.add(name)
    extra = [h for h in header if h not in ds.columns]
    if extra:
        raise DataError(
            f"{csv_rel} has a column {shorten(extra[0])} that its sidecar does not describe; "
            f"allowed columns: {', '.join(ds.columns)}."
        )
    if uneven:
        raise DataError(
            f"{csv_rel} has {uneven[1]} fields on line {uneven[0]} where its header has {len(header)}; each row "
            f"has one value per column (a value holding a comma is quoted)."
        )


INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _number_problem(text: str, kind: str) -> bool:
    """Whether a CSV cell is not a number of its column's type as the project reads numbers everywhere:
    ASCII digits, no '1_0', finite (no inf or nan), and not so small that it would be read as 0."""
    if kind == "int":
        return not INT_TEXT.fullmatch(text)
    if not FLOAT_TEXT.fullmatch(text):
        return True
    value = float(text)
    return value in (float("inf"), float("-inf")) or (value == 0 and bool(text.lower().split("e")[0].strip("+-0.")))


def dataset_names(data_dir: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (data_dir or DATA_DIR).glob("*.yaml"))


def describe(name: str, data_dir: Path | None = None) -> Dataset:
    """The catalog entry of one dataset, with its sidecar checked for completeness."""
    data_dir = data_dir or DATA_DIR
    sidecar = data_dir / f"{name}.yaml"
    if not sidecar.exists():
        known = ", ".join(dataset_names(data_dir)) or "none"
        raise DataError(
            f"There is no dataset {shorten(name)} ({relpath(sidecar)} is missing); known datasets: {known}."
        )
    meta = read_yaml_mapping(sidecar, DataError, "a mapping of catalog fields")
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        raise DataError(f"{relpath(sidecar)} lacks the catalog field(s) {', '.join(missing)}; see data/README.md.")
    if meta["tier"] not in TIERS:
        raise DataError(f"{relpath(sidecar)} has tier {shorten(meta['tier'])}; allowed: {', '.join(TIERS)}.")
    if not isinstance(meta["columns"], dict) or not isinstance(meta["key"], list):
        raise DataError(f"{relpath(sidecar)} must give 'columns' as a mapping and 'key' as a list; see data/README.md.")
    for col, spec in meta["columns"].items():
        if not isinstance(spec, dict) or spec.get("type") not in COLUMN_TYPES:
            raise DataError(
                f"{relpath(sidecar)} gives column '{col}' no valid type; allowed: {', '.join(COLUMN_TYPES)}."
            )
        if not spec.get("description"):
            raise DataError(f"{relpath(sidecar)} does not describe column '{col}'.")
    unknown_key = [k for k in meta["key"] if k not in meta["columns"]]
    if unknown_key:
        raise DataError(f"{relpath(sidecar)} names key column(s) {', '.join(unknown_key)} that it does not describe.")
    nullable_key = [k for k in meta["key"] if meta["columns"][k].get("nullable")]
    if nullable_key:
        raise DataError(f"{relpath(sidecar)} lets key column(s) {', '.join(nullable_key)} be empty; a key must not be.")
    return Dataset(name, meta, data_dir)


def _schema(ds: Dataset):
    import pandera.pandas as pa

    cols = {}
    for col, spec in ds.columns.items():
        checks = []
        if "allowed" in spec:
            checks.append(pa.Check.isin(spec["allowed"]))
        if "min" in spec:
            checks.append(pa.Check.ge(spec["min"]))
        if "max" in spec:
            checks.append(pa.Check.le(spec["max"]))
        cols[col] = pa.Column(
            COLUMN_TYPES[spec["type"]],
            checks=checks,
            nullable=bool(spec.get("nullable")),
            coerce=True,
        )
    return pa.DataFrameSchema(cols, strict=True, unique=ds.key, ordered=False)


def _problem(exc, csv_rel: str, ds: Dataset) -> str:
    """One sentence naming the file and the problem, from a pandera error."""
    import pandera.errors as pe

    reason = getattr(exc, "reason_code", None)
    fc = exc.failure_cases
    if isinstance(exc, pe.SchemaError) and reason == pe.SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME:
        return f"{csv_rel} lacks the column '{fc}' that its sidecar describes."
    if isinstance(exc, pe.SchemaError) and reason == pe.SchemaErrorReason.COLUMN_NOT_IN_SCHEMA:
        return f"{csv_rel} has a column '{fc}' that its sidecar does not describe."
    if isinstance(exc, pe.SchemaError) and reason == pe.SchemaErrorReason.DUPLICATES:
        rows = sorted({int(i) + 2 for i in fc["index"]})
        return f"{csv_rel} has a duplicate key ({', '.join(ds.key)}) in lines {', '.join(map(str, rows))}."
    records = fc.to_dict("records") if hasattr(fc, "to_dict") else []
    first = records[0] if records else {}
    column = first.get("column") or getattr(getattr(exc, "schema", None), "name", None) or "?"
    line = int(first["index"]) + 2 if first.get("index") is not None else "?"
    value = first.get("failure_case")
    spec = ds.columns.get(column, {})
    if reason == pe.SchemaErrorReason.SERIES_CONTAINS_NULLS:
        return f"{csv_rel} has an empty value in column '{column}' (line {line}), which may not be empty."
    if isinstance(exc, pe.SchemaErrors) or reason in (
        pe.SchemaErrorReason.DATATYPE_COERCION,
        pe.SchemaErrorReason.WRONG_DATATYPE,
    ):
        return f"{csv_rel} has {shorten(value)} in column '{column}' (line {line}), which is not of type {spec.get('type')}."
    allowed = spec.get("allowed")
    bounds = ", ".join(f"{k} {spec[k]}" for k in ("min", "max") if k in spec)
    rule = f"allowed: {', '.join(map(str, allowed))}" if allowed else bounds or "see its sidecar"
    return f"{csv_rel} has {shorten(value)} in column '{column}' (line {line}), outside what is allowed ({rule})."


def read_validated(ds: Dataset, csv_path: Path):
    """Parse and validate one CSV against its catalog entry; raises DataError with one sentence."""
    import pandas as pd
    import pandera.errors as pe

    csv_rel = relpath(csv_path)
    if not csv_path.exists():
        raise DataError(f"{csv_rel} is missing; restore it from git (git checkout -- {csv_rel}).")
    if not csv_path.is_file():
        raise DataError(f"{csv_rel} is not a file; it must be the dataset's CSV file (git checkout -- {csv_rel}).")
    _check_layout(csv_path, ds)
    try:
        df = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{csv_rel} cannot be read as CSV: {shorten(str(exc).strip().splitlines()[0], 120)[1:-1]}."
        ) from None
    except OSError as exc:
        raise DataError(f"{csv_rel} cannot be read ({exc.strerror}).") from None
    for col, spec in ds.columns.items():
        if spec["type"] in ("int", "float") and col in df:
            kind = spec["type"]
            bad = df[col].map(lambda v, kind=kind: _number_problem(str(v).strip(), kind), na_action="ignore")
            bad = bad.fillna(False).astype(bool)
            if bad.any():
                i = int(bad.idxmax())
                what = "a whole number in ASCII digits" if spec["type"] == "int" else "a finite number in ASCII digits"
                raise DataError(
                    f"{csv_rel} has {shorten(df.loc[i, col])} in column '{col}' (line {i + 2}), "
                    f"which is not of type {kind} ({what})."
                )
        if spec["type"] == "bool" and col in df:
            df[col] = df[col].map(lambda v: {"true": True, "false": False}.get(v, v), na_action="ignore")
        if spec["type"] == "date" and col in df:
            # pandera's date coercion does not say which value failed; find it here
            parsed = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
            bad = df[col].notna() & parsed.isna()
            if bad.any():
                i = int(bad.idxmax())
                raise DataError(
                    f"{csv_rel} has {shorten(df.loc[i, col])} in column '{col}' (line {i + 2}), "
                    f"which is not a date (YYYY-MM-DD)."
                )
    try:
        return _schema(ds).validate(df)
    except (pe.SchemaError, pe.SchemaErrors) as exc:
        raise DataError(_problem(exc, csv_rel, ds)) from None


# Datasets once validated, kept between processes: the build's plan, its check of the inputs and every
# kernel parse and validate the same files, and pandera alone takes half a second to import. A copy is
# named after everything validation reads (the CSV, its sidecar, this module, the pandas and pandera versions),
# so a changed or damaged file is validated afresh; an unreadable copy is ignored.
VALIDATED_DIR = BUILD_DIR / "cache" / "datasets"


def _validated(ds: Dataset):
    import pickle
    from importlib.metadata import version

    import pandas as pd

    kept = None
    try:
        key = hashlib.sha256(f"{pd.__version__} {version('pandera')}".encode())  # metadata: no import
        for path in (ds.csv_path, ds.sidecar_path, Path(__file__)):
            key.update(hashlib.sha256(path.read_bytes()).digest())
        kept = VALIDATED_DIR / f"{ds.name}-{key.hexdigest()[:20]}.pickle"
        return pickle.loads(kept.read_bytes())  # noqa: S301 - written by this function, under _build/
    except Exception:  # noqa: BLE001 - none kept yet, unreadable, or a file missing: validate (and say what is wrong)
        pass
    df = read_validated(ds, ds.csv_path)
    if kept is None:
        return df
    with contextlib.suppress(OSError):
        for old in VALIDATED_DIR.glob(f"{ds.name}-*.pickle"):  # one version per dataset
            old.unlink(missing_ok=True)
    keep(kept, pickle.dumps(df))
    return df


@cache
def _load_cached(name: str, data_dir: Path, stamp: tuple):
    ds = describe(name, data_dir)
    df = _validated(ds)
    digest = file_sha256(ds.csv_path)
    if digest != ds.meta["sha256"]:
        raise DataError(
            f"{relpath(ds.csv_path)} has changed since it was catalogued (sha256 {digest[:12]}…, catalog says "
            f"{str(ds.meta['sha256'])[:12]}…); if the change is deliberate, run "
            f"`python -m claimbook data --rehash {name}`."
        )
    df.attrs["dataset"] = name
    return df


def load(name: str, data_dir: Path | None = None):
    """The only way notebooks read data: a validated, checksum-verified DataFrame (a fresh copy).

    Parsed once per process and file version (the cache key holds the files' mtimes and sizes).
    """
    ds = describe(name, data_dir)
    path = ds.csv_path
    if not path.exists():
        read_validated(ds, path)  # raises the 'missing' message
    stamp = (path.stat().st_mtime_ns, path.stat().st_size, ds.sidecar_path.stat().st_mtime_ns)
    return _load_cached(name, ds.data_dir, stamp).copy()


def rehash(name: str, data_dir: Path | None = None) -> tuple[str, str]:
    """Record the current sha256 of a deliberately updated file in its sidecar, after validating it."""
    ds = describe(name, data_dir)
    read_validated(ds, ds.csv_path)
    new = file_sha256(ds.csv_path)
    old = str(ds.meta.get("sha256"))
    text = ds.sidecar_path.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^sha256:.*$", f"sha256: {new}", text)
    if n != 1:
        raise DataError(f"{relpath(ds.sidecar_path)} must have exactly one top-level 'sha256:' line.")
    ds.sidecar_path.write_text(text, encoding="utf-8")
    return old, new


def check_all() -> list[str]:
    """Every problem in the catalog and the data files, one sentence each (empty when all is well)."""
    problems = []
    for name in dataset_names():
        try:
            load(name)
        except DataError as exc:
            problems.append(str(exc))
    for csv in sorted(DATA_DIR.glob("*.csv")):
        if not (DATA_DIR / f"{csv.stem}.yaml").exists():
            problems.append(f"{relpath(csv)} has no sidecar {csv.stem}.yaml describing it.")
    return problems
