# The two commands a new user needs: `make book` and `make test` (each sets everything up first).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready
NB     ?=
P      ?=
# Not exported as themselves: exporting makes make expand a value such as $(shell ...); `run` passes their
# unexpanded text instead.
unexport NB P

.PHONY: book test pdf run check bench clean setup lab lock

book: $(READY)
	$(PY) -m claimbook build

# Every test, on both cores (pytest-xdist: a module, or a notebook, is one unit of work on one worker; the
# order is tests/conftest.py's). Three workers for two cores: a fifth of each worker's time is spent waiting
# (on a command it started, on Chromium, on a killed build's delay), which the third fills (127 s -> 110 s).
# The quick loop, without the built book, Chromium or the killed builds:
#   .venv/bin/python -m pytest -m "not book and not browser and not reliability"
test: $(READY)
	$(PY) -m pytest -n 3 --dist loadscope --no-loadscope-reorder

# The whole book as one PDF (_build/pdf/claimbook.pdf), printed by Debian's Chromium (apt-installed as root).
pdf: $(READY)
	$(PY) -m claimbook pdf

# Rerun chapters with other parameters, then rebuild: make run NB=reserves P="edition=2024 country=China"
# NB and P reach the command through the environment, unexpanded, so no value can break the shell line.
run: export CLAIMBOOK_NB := $(value NB)
run: export CLAIMBOOK_P := $(value P)
run: $(READY)
	$(PY) -m claimbook run $$CLAIMBOOK_NB $${CLAIMBOOK_P:+-p "$$CLAIMBOOK_P"} --build

# Benchmark against jupyter-book and papermill doing the same work (prints Markdown tables; about ten minutes
# a run); BENCHFLAGS passes options (make bench BENCHFLAGS="--runs 1").
BENCHFLAGS ?=
bench: $(READY)
	$(PY) benchmarks/bench.py $(BENCHFLAGS)

# Open the chapters in JupyterLab, on a kernel of this venv: edit a parameters cell, then Run All.
# JupyterLab comes from its own lock (requirements-lab.txt), installed on first use; LABFLAGS passes options
# (make lab LABFLAGS="--no-browser --port 8890").
LAB        := $(VENV)/.lab-ready
KERNEL     := claimbook
LABFLAGS   ?=
LABROOT     = $(if $(filter 0,$(shell id -u)),--allow-root)# Jupyter refuses root without it (this machine runs as root)
lab: $(LAB)
	$(PY) -m jupyterlab $(LABROOT) $(LABFLAGS) notebooks/

$(LAB): $(READY) requirements-lab.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-lab.txt
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "claimbook (project venv)"
	touch $(LAB)

check: $(READY)
	$(PY) -m claimbook check

setup: $(READY)

# (Re)install when the venv is missing or older than the lock or pyproject.toml. pip installs one package, uv
# (an exact release from PyPI, into the venv), which installs the lock in seconds where pip takes over a
# minute, then claimbook itself: editable (the venv imports it from this checkout, so notebooks, kernels and
# tests see every edit) and without dependencies (the lock has them all), built by the lock's setuptools. The
# machine still needs only Python, pip, git and make. --compile-bytecode writes the packages' .pyc files at
# install, as pip does and uv does not by default: without them, where PYTHONDONTWRITEBYTECODE is set (this
# machine), every command, kernel and Sphinx run compiles the whole stack again (about 3 s a process).
UV_VERSION := 0.13.8
$(READY): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(PY) -m uv pip install --quiet --python $(PY) --compile-bytecode -r requirements.txt
	$(PY) -m uv pip install --quiet --python $(PY) --build-constraints requirements.txt --no-deps -e .
	rm -f $(VENV)/lib/python*/site-packages/claimbook-checkout.pth  # how an older Makefile put the checkout on the path
	touch $(READY)

# Regenerate the lock requirements.txt from pyproject.toml (its dependencies and the test extra), for Linux and
# the oldest Python the project supports. uv keeps every version already in the lock unless a change in
# pyproject.toml forces it to move; to upgrade one package, add --upgrade-package NAME to this command.
lock: $(READY)
	$(PY) -m uv pip compile --quiet pyproject.toml --extra test --python-version 3.11 --python-platform linux -o requirements.txt

clean:
	if [ -x $(PY) ]; then $(PY) -m claimbook standby stop >/dev/null || true; fi  # its socket is in _build
	rm -rf _build .pytest_cache .ruff_cache build claimbook.egg-info
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
