#!/usr/bin/env bash
# The fault and load suite alone: brings the servers up (or reuses them), then breaks things on
# purpose while comments flow, and prints what was expected, found, doubled and dead-lettered.
# Loopback only; stops by itself. CHAOS_RATE sets comments per second (default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/prereqs.sh
herald_prereqs "$ROOT"
eval "$(bash scripts/servers.sh up)"
npx vitest run --project chaos "$@"
