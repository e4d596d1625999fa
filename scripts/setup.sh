#!/usr/bin/env bash
# Set up everything civicbot needs on a fresh machine: a virtual environment with the package
# and its extras, compiled translation catalogs and the answering's language data.
# Idempotent, in any order with scripts/test.sh; quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
EXTRAS=${CIVICBOT_EXTRAS:-all}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# The stamp names the extras installed for this pyproject.toml; asking for one it lacks (the
# test command's `test`) or changing pyproject.toml installs again.
stamp=.venv/.civicbot-installed
wanted="$(sha256sum pyproject.toml | cut -c1-16) $(tr ',' '\n' <<<"$EXTRAS" | sort -u | tr '\n' ' ')"
installed=$(cat "$stamp" 2>/dev/null || true)
missing=0
for extra in ${wanted#* }; do
    case " ${installed#* } " in *" $extra "*) ;; *) missing=1 ;; esac
done
if [ "${installed%% *}" != "${wanted%% *}" ] || [ "$missing" = 1 ]; then
    if [ "${installed%% *}" = "${wanted%% *}" ]; then  # same pyproject: keep what is there too
        EXTRAS="$EXTRAS,$(tr ' ' ',' <<<"${installed#* }")"
        EXTRAS=${EXTRAS%,}
        wanted="${wanted%% *} $(tr ',' '\n' <<<"$EXTRAS" | sort -u | tr '\n' ' ')"
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[$EXTRAS]"
    echo "$wanted" > "$stamp"
fi
.venv/bin/civicbot catalogs compile >/dev/null
.venv/bin/python -m bot.qa.textnorm >/dev/null
