#!/usr/bin/env bash
# Build the Docker image and try it as a user would: the one line with nothing configured, a
# translated answer on SQLite, /healthz, a clean stop. Not part of the test suite: run it by
# hand (as root on a Debian machine); it prints one line per check and "docker smoke: ok".
#
# - No Docker engine: installs Debian's docker.io and starts dockerd.
# - The usual base image (python:3.11-slim) cannot be pulled: builds a base from Debian's
#   packages with debootstrap, from the machine's own apt sources, and builds on that.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=civicbot:smoke
PORT=${SMOKE_PORT:-19108}
say() { echo "docker smoke: $*"; }

if ! docker info >/dev/null 2>&1; then
    if ! command -v dockerd >/dev/null 2>&1; then
        say "installing docker.io"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    fi
    say "starting dockerd"
    (dockerd >/tmp/civicbot-dockerd.log 2>&1 &)
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { say "dockerd did not start (see /tmp/civicbot-dockerd.log)"; exit 1; }
fi

base=python:3.11-slim
if ! docker image inspect "$base" >/dev/null 2>&1 && ! docker pull -q "$base" >/dev/null 2>&1; then
    base=civicbot-base:bookworm
    if ! docker image inspect "$base" >/dev/null 2>&1; then
        say "no $base to pull: building a Debian base with debootstrap"
        command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
        mirror=$(grep -h -m1 -oE '^URIs: *[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
        [ -n "$mirror" ] || mirror=$(grep -h -m1 -oE '^deb +[^ ]+/debian ' /etc/apt/sources.list | awk '{print $2}')
        root=$(mktemp -d)
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
            bookworm "$root" "$mirror" >/tmp/civicbot-debootstrap.log 2>&1
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
        # This machine's certificate authorities (a TLS-inspecting proxy's among them) for
        # pip inside the build; pip reads PIP_CERT rather than the system's store.
        cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
        tar -C "$root" -c . | docker import \
            --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' - "$base" >/dev/null
        rm -rf "$root"
    fi
fi
say "building on $base"
docker build -q --network host --build-arg "BASE=$base" -t "$IMAGE" . >/dev/null

user=$(docker run --rm --entrypoint id "$IMAGE" -u)
[ "$user" != 0 ] || { say "the image runs as root"; exit 1; }
if docker run --rm --entrypoint sh "$IMAGE" -c 'command -v pip || python -c "import pip"' >/dev/null 2>&1; then
    say "the image has pip"; exit 1
fi
say "runs as uid $user, without pip"

line=$(docker run --rm "$IMAGE" 2>&1 </dev/null)
case "$line" in "civicbot: no chat platform configured"*) say "nothing configured: '$line'" ;; *) say "not one helpful line: '$line'"; exit 1 ;; esac

answer=$(echo /help | docker run --rm -i "$IMAGE" chat --lang sl 2>/dev/null | head -n 1)
case "$answer" in *"Vprašajte"*) say "Slovenian answer: '$answer'" ;; *) say "not Slovenian: '$answer'"; exit 1 ;; esac

volume=civicbot-smoke-data
docker volume rm -f "$volume" >/dev/null
container=$(docker run -d -i --network host -v "$volume:/data" \
    -e "CIVICBOT_OPS_LISTEN=127.0.0.1:$PORT" "$IMAGE" run)
trap 'docker rm -f "$container" >/dev/null 2>&1; docker volume rm -f "$volume" >/dev/null 2>&1' EXIT
for _ in $(seq 30); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
health=$(curl -fsS "http://127.0.0.1:$PORT/healthz")
say "/healthz: $health"
started=$(date +%s.%N)
docker stop -t 10 "$container" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
took=$(echo "$(date +%s.%N) - $started" | bc)
[ "$code" = 0 ] || { say "stopped with exit code $code"; exit 1; }
say "stopped cleanly in ${took} s (exit code 0)"
mode=$(docker run --rm -v "$volume:/data" --entrypoint stat "$IMAGE" -c '%a' /data/civicbot.db)
[ "$mode" = 600 ] || { say "the database file is mode $mode, not 600"; exit 1; }
say "database file mode $mode"
say "ok"
