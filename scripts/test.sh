#!/usr/bin/env bash
# The whole test suite, as the README and CI run it, on a fresh machine with Python 3.11+.
# 1. lint (ruff), types (mypy --strict), layers (import-linter), dead code (vulture) 2. every test,
# Qt ones offscreen (`pytest -m "not slow" -n auto` is the quick local run: no kill loops or fuzzers,
# spread over the cores by pytest-xdist; this script runs everything, serially)
# 3. the core tests again in an environment where PySide6 is not installed at all.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# One BLAS thread, as the program itself runs (advisor/cli/client.py STARTUP_ENV_DEFAULTS): small matrices only.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

uv sync --locked --group dev --quiet
uv run --locked --no-sync ruff check .
uv run --locked --no-sync mypy
uv run --locked --no-sync lint-imports --no-cache
uv run --locked --no-sync vulture  # dead code; settings and reviewed exceptions in pyproject.toml
uv run --locked --no-sync pytest -q

echo "== core tests without PySide6 =="
export UV_PROJECT_ENVIRONMENT=.venv-core
uv sync --locked --group dev --quiet \
  --no-install-package pyside6-essentials --no-install-package shiboken6
uv run --locked --no-sync python -c \
  "import importlib.util, sys; sys.exit('PySide6 is installed' if importlib.util.find_spec('PySide6') else 0)"
uv run --locked --no-sync pytest -q -p no:pytest-qt --ignore=tests/ui -W ignore::pytest.PytestConfigWarning

echo "== wheel installed outside the tree =="
unset UV_PROJECT_ENVIRONMENT
bash scripts/check_wheel.sh
