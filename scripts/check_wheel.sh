#!/usr/bin/env bash
# Build the wheel and sdist, install the wheel into a fresh virtual environment OUTSIDE the source
# tree, and run the installed `advisor` from there: proves the bundled catalog ships in the wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
uv build --quiet --out-dir "$work/dist"
uv venv --quiet --python 3.11 "$work/venv" 2>/dev/null || uv venv --quiet "$work/venv"
VIRTUAL_ENV="$work/venv" uv pip install --quiet "$work"/dist/*.whl
cd "$work"
export ADVISOR_HOME="$work/home"
"$work/venv/bin/advisor" --version
"$work/venv/bin/advisor" catalog validate
"$work/venv/bin/advisor" recommend --deployment api --budget-usd-month 50 --format json --top 3 \
  > "$work/rec.json"
"$work/venv/bin/python" -c "import json,sys; d=json.load(open(sys.argv[1])); \
assert d['recommendations'], 'no recommendation'; print('wheel OK:', d['recommendations'][0]['name'])" "$work/rec.json"
ls "$work"/dist
