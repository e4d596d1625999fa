#!/usr/bin/env bash
# Set up everything civicbot needs on a fresh machine: a virtual environment with the package
# and its extras, and compiled translation catalogs. Idempotent; quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
EXTRAS=${CIVICBOT_EXTRAS:-all}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.civicbot-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[$EXTRAS]"
    touch "$stamp"
fi
.venv/bin/civicbot catalogs compile >/dev/null
