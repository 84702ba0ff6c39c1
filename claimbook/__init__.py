"""claimbook: the shared, tested logic of the fact-check book.

The notebooks stay narratives; what they share lives here: the claims register (`claims`), the data
catalog and loader (`data`), notebook parameters (`params`), the verdict scale and rules (`verdicts`),
the figure style (`figures`), the runner (`runner`) and the command line (`cli`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ClaimbookError(Exception):
    """A problem the user can fix; its message is one plain sentence, shown without a traceback."""


def relpath(path: Path) -> str:
    """A path as the user knows it: relative to the checkout when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_yaml_mapping(path: Path, error: type[ClaimbookError], what: str = "a mapping",
                      empty_ok: bool = False) -> dict:
    """A YAML file that must hold a mapping; any problem is raised as `error` in one sentence."""
    import yaml

    if not path.exists():
        raise error(f"{relpath(path)} is missing.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise error(f"{relpath(path)} is not valid YAML{where}; it must be {what}.") from None
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise error(f"{relpath(path)} must be {what}.")
    return data
