#!/usr/bin/env bash
# Idempotently install a Synapse homeserver into its own virtual environment,
# for the end-to-end Matrix tests (see README.md in this folder).
#
#   CIVICBOT_SYNAPSE_VENV   venv location (default: <repo>/.synapse-venv)
#   CIVICBOT_SYNAPSE_SPEC   pip requirement (default: matrix-synapse>=1.163,<2)
#   PYTHON                  interpreter used to create the venv (default: python3)
#
# Exits 0 at once when a previous run completed for the same requirement.
# On success the last line of stdout is the venv's python.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${CIVICBOT_SYNAPSE_VENV:-$REPO/.synapse-venv}"
SPEC="${CIVICBOT_SYNAPSE_SPEC:-matrix-synapse>=1.163,<2}"
PY="${PYTHON:-python3}"
VPY="$VENV/bin/python"
MARK="$VENV/.civicbot-synapse-installed"

ready() {
    [ -x "$VPY" ] && [ -f "$MARK" ] && [ "$(cat "$MARK")" = "$SPEC" ]
}

if ready; then
    echo "$VPY"
    exit 0
fi

mkdir -p "$VENV"
# Only one installer at a time (parallel test processes / CI jobs).
exec 9>"$VENV/.install.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
    if ready; then
        echo "$VPY"
        exit 0
    fi
fi

if [ ! -x "$VPY" ]; then
    "$PY" -m venv "$VENV"
fi
# pip's own chatter is dropped; real errors still reach stderr.
"$VPY" -m pip install --quiet --disable-pip-version-check "$SPEC" 2>&1 \
    | grep -v -e "^WARNING: Location 'file:" >&2 || true

if ! "$VPY" -c 'import synapse.app.homeserver' >/dev/null 2>&1; then
    echo "install.sh: Synapse is still not importable from $VENV" >&2
    exit 1
fi
printf '%s' "$SPEC" >"$MARK"
echo "$VPY"
