#!/usr/bin/env bash
# The full test suite: prerequisites, real servers, type check, lint, deploy and contract drift, the
# demo against a system started as `npm start` starts it, API fuzzing, and every vitest run.
# Reuses RabbitMQ / the store when they already answer (env URLs or default ports), else starts them.
#
# The log is kept in ~/.herald/log/npm-test.log and read back at the end: its last line is
# `tests: N passed, N failed, N skipped` (every vitest test, plus one test per other check), and no
# line before it may have the shape of a test runner's closing line (scripts/log-shapes.ts).
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
mkdir -p "$HERALD_HOME/log"
LOG="$HERALD_HOME/log/npm-test.log"
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT

# One check, recorded for the summary (name, exit code, vitest report if any); a failed check does
# not stop the run, so one CI log shows every failure.
check() { # name report|- command...
  local name="$1" report="$2" rc=0
  shift 2
  "$@" || rc=$?
  printf '%s\t%s\t%s\n' "$name" "$rc" "$report" >>"$RESULTS/checks.tsv"
}

run_vitest() { # report vitest-args...
  local report="$1"
  shift
  npx vitest run --reporter=./scripts/vitest-reporter.ts --reporter=json \
    --outputFile.json="$report" "$@"
}

suite() {
  source scripts/prereqs.sh
  herald_prereqs "$ROOT"
  eval "$(bash scripts/servers.sh up)"
  bash scripts/jaeger.sh up
  bash scripts/chromium.sh

  echo "[herald] type check and lint" >&2
  check 'type check, lint, formatting' - bash scripts/static-checks.sh
  # Nothing below means anything on code that does not compile.
  [ "$(tail -1 "$RESULTS/checks.tsv" | cut -f2)" = 0 ] || return 0

  echo "[herald] Helm chart, manifests, compose file and RabbitMQ definitions" >&2
  check 'deploy files' - bash scripts/check-deploy.sh

  echo "[herald] AsyncAPI document is current and valid" >&2
  check 'AsyncAPI document' - npm run --silent asyncapi -- --check

  echo "[herald] RabbitMQ definitions are current with the contract topology" >&2
  check 'RabbitMQ definitions' - npm run --silent broker-definitions -- --check

  echo "[herald] docs/architecture.md's event map is current with the contracts and the sources" >&2
  check 'architecture event map' - npm run --silent architecture -- --check

  echo "[herald] npm run demo against a system started as npm start starts it" >&2
  check 'demo' - bash scripts/demo-check.sh

  echo "[herald] API fuzzing from its OpenAPI document (no 5xx, responses as documented)" >&2
  check 'API fuzzing' - env FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash scripts/fuzz-api.sh

  echo "[herald] unit, integration and end-to-end tests" >&2
  check 'vitest: unit, integration, end to end' "$RESULTS/main.json" \
    run_vitest "$RESULTS/main.json" --project unit --project integration "$@"
  echo "[herald] outage tests (run alone: they stop the broker)" >&2
  check 'vitest: outages' "$RESULTS/disruptive.json" \
    run_vitest "$RESULTS/disruptive.json" --project disruptive "$@"
  echo "[herald] fault and load suite (restarts the broker and the store)" >&2
  check 'vitest: faults and load' "$RESULTS/chaos.json" \
    run_vitest "$RESULTS/chaos.json" --project chaos "$@"
}

# The summary reads the whole log, so it runs once tee has written all of it.
set +e
suite "$@" 2>&1 | tee "$LOG"
status="${PIPESTATUS[0]}"
set -e
node --import tsx scripts/test-summary.ts "$RESULTS/checks.tsv" "$LOG" "$status" | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
