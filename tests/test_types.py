"""mypy over the package, with the settings of pyproject.toml ([tool.mypy]): no error.

The cache is the checkout's .mypy_cache (ignored by git): a few seconds once warm; the first run, which reads
the typed libraries (numpy, matplotlib, IPython...), takes about half a minute."""

import os
import subprocess
import sys

from claimbook import ROOT


def test_mypy_reports_no_error():
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    assert proc.returncode == 0, f"mypy found errors:\n{proc.stdout}{proc.stderr}"
    assert "Success: no issues found" in proc.stdout, proc.stdout + proc.stderr
