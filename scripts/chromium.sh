#!/usr/bin/env bash
# Debian's Chromium, which the console's browser tests drive with playwright-core (no browser is
# ever downloaded: `npx playwright install` is not used). Installs the `chromium` package with apt
# when the binary is missing. Usage: bash scripts/chromium.sh   (scripts/test.sh runs it)
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
log() { printf '[herald] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then exit 0; fi
command -v apt-get >/dev/null 2>&1 || {
  log "Chromium is missing at $CHROMIUM and this is not a Debian-family machine: install Chromium and set CHROMIUM_PATH."
  exit 1
}
[ "$(id -u)" = 0 ] || { log "installing Chromium needs root. Do it yourself: apt-get install -y chromium"; exit 1; }
log "installing Debian's chromium for the console's browser tests (apt-get, one time)"
# A machine whose package lists were never fetched has no candidate for it yet.
apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]' || apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
"$CHROMIUM" --version >&2
