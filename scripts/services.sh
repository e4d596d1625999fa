#!/usr/bin/env bash
# External parts the end-to-end tests run against, installed and started when missing:
# PostgreSQL (for the PostgreSQL backend), the Telegram Bot API emulator (npm), Synapse (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f tests/telegram_emulator/package.json ] && [ ! -d tests/telegram_emulator/node_modules ]; then
    (cd tests/telegram_emulator && npm ci --silent --no-audit --no-fund >/dev/null 2>&1 \
        || npm install --silent --no-audit --no-fund >/dev/null)
fi
if [ -x tests/matrix_homeserver/install.sh ]; then
    tests/matrix_homeserver/install.sh
fi
# PostgreSQL: start the local cluster if it is installed and not answering.
if command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start \
            >/dev/null 2>&1 || echo "services: could not start PostgreSQL" >&2
    fi
fi
