#!/usr/bin/env bash
# Type check and lint of every workspace and of scripts/, and formatting. Turbo's task summary goes
# to a file: its "Tasks: N successful, N total" reads like a test runner's closing line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOG="${HERALD_HOME:-$HOME/.herald}/log/turbo-checks.log"
mkdir -p "$(dirname "$LOG")"
if ! npx turbo run typecheck lint --output-logs=errors-only >"$LOG" 2>&1; then
  # The failing tasks' output, without turbo's closing totals.
  grep -vE '^ *(Tasks|Cached|Time):' "$LOG" >&2
  exit 1
fi
echo "[herald] turbo typecheck + lint: every workspace clean (log: $LOG)" >&2
npx tsc --noEmit -p scripts
npx eslint scripts
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
