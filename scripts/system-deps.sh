#!/usr/bin/env bash
# Installs the system programs the test suite drives for real (Debian packages), when they are missing.
# Runs before `npm test` (the `pretest` script), so a fresh machine needs nothing but the README's commands.
# Each entry: <command that must exist> <Debian package that provides it>.
set -euo pipefail

required=(
  "redis-server redis-server"
  "chromium chromium"
)

missing=()
for entry in "${required[@]}"; do
  read -r command package <<<"$entry"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${missing[*]} (Debian packages the tests need)" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: apt-get not found; install these yourself: ${missing[*]}" >&2
  exit 1
fi
run=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then run=(sudo -n); else
    echo "system-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
for entry in "${required[@]}"; do
  read -r command package <<<"$entry"
  command -v "$command" >/dev/null 2>&1 || { echo "system-deps: $package installed but $command is still missing" >&2; exit 1; }
done
