#!/usr/bin/env bash
# The full test suite: prerequisites, real servers, type check, lint, contract drift, every test.
# Reuses RabbitMQ / the store when they already answer (env URLs or default ports), else starts them.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/prereqs.sh
herald_prereqs "$ROOT"

eval "$(bash scripts/servers.sh up)"
bash scripts/jaeger.sh up
bash scripts/chromium.sh

echo "[herald] type check and lint" >&2
npx turbo run typecheck lint --output-logs=errors-only
npx tsc --noEmit -p scripts
npx eslint scripts
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

echo "[herald] Helm chart, manifests, compose file and RabbitMQ definitions" >&2
bash scripts/check-deploy.sh

echo "[herald] AsyncAPI document is current and valid" >&2
npm run --silent asyncapi -- --check

# Before the vitest runs, so the log ends with their counts rather than schemathesis's own banner.
echo "[herald] API fuzzing from its OpenAPI document (no 5xx, responses as documented)" >&2
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash scripts/fuzz-api.sh

# Each run also writes a JSON report; the summary at the very end adds them up.
REPORTS="$(mktemp -d)"
trap 'rm -rf "$REPORTS"' EXIT
vitest_run() { # report-name vitest-args...
  local name="$1"
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/$name.json" "$@"
}
echo "[herald] unit, integration and end-to-end tests" >&2
vitest_run main --project unit --project integration "$@"
echo "[herald] outage tests (run alone: they stop the broker)" >&2
vitest_run disruptive --project disruptive "$@"
echo "[herald] fault and load suite (restarts the broker and the store)" >&2
vitest_run chaos --project chaos "$@"

node --import tsx scripts/test-summary.ts "$REPORTS/main.json" "$REPORTS/disruptive.json" "$REPORTS/chaos.json"
