#!/usr/bin/env bash
# Set everything up and run the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
CIVICBOT_EXTRAS=all,test scripts/setup.sh
bash scripts/services.sh
.venv/bin/ruff check .
.venv/bin/mypy  # the files and settings are in pyproject.toml
exec .venv/bin/python -m pytest "$@"
