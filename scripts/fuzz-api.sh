#!/usr/bin/env bash
# Property-based fuzzing of the API from its own OpenAPI document (schemathesis, from PyPI):
# no request may get a 5xx, and every response must match the document.
#   npm run fuzz:api [-- extra schemathesis options]     (bounded: FUZZ_SECONDS, default 120)
# schemathesis's own report goes to a file; the log gets one line of ours, since its closing banner
# has the shape of pytest's and would make a CI log reader take the run for a pytest run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/prereqs.sh
herald_prereqs "$ROOT"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
VENV="$HERALD_HOME/venv-fuzz"
command -v python3 >/dev/null 2>&1 || { echo "[fuzz] python3 is needed for schemathesis" >&2; exit 1; }
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
# Pinned: the one-line summary below reads the report this version writes.
if [ "$("$VENV/bin/st" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  echo "[fuzz] installing schemathesis $SCHEMATHESIS_VERSION into $VENV (once)" >&2
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
eval "$(bash scripts/servers.sh up)"

PORT="${FUZZ_PORT:-3900}"
NS="fuzz$(date +%s)."
LOG="$HERALD_HOME/log/fuzz-api.log"
mkdir -p "$HERALD_HOME/log"
KEYS="$(node -e "const k=require('node:crypto').generateKeyPairSync('ed25519',{privateKeyEncoding:{format:'pem',type:'pkcs8'},publicKeyEncoding:{format:'pem',type:'spki'}});console.log(JSON.stringify(k))")"
export JWT_PRIVATE_KEY="$(node -e "console.log(JSON.parse(process.argv[1]).privateKey)" "$KEYS")"
export JWT_PUBLIC_KEY="$(node -e "console.log(JSON.parse(process.argv[1]).publicKey)" "$KEYS")"
export UNSUBSCRIBE_SECRET="$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))")"
export LINK_TOKEN_SECRET="$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))")"
PORT="$PORT" HOST=127.0.0.1 HERALD_NAMESPACE="$NS" MONGO_URL="${MONGO_URL%/}/${NS//./_}api" \
  RATE_LIMIT_MAX=1000000 LOG_LEVEL=warn \
  node --conditions=@herald/source --import tsx services/api/src/main.ts >"$LOG" 2>&1 &
API_PID=$!
# The run's queues and exchanges go with it: left behind, every CI run would add 7 quorum queues.
cleanup() {
  kill "$API_PID" 2>/dev/null || true
  wait "$API_PID" 2>/dev/null || true
  node --conditions=@herald/source --import tsx -e \
    "import('@herald/testkit').then((t) => t.deleteNamespace(process.argv[1]))" "$NS" ||
    echo "[fuzz] could not delete the broker namespace $NS" >&2
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
BASE="http://127.0.0.1:$PORT"

# A real user with a workspace and a task, so authorised routes are reachable at all.
TOKEN="$(curl -fsS -X POST "$BASE/auth/register" -H 'content-type: application/json' \
  -d '{"email":"fuzz@example.test","password":"fuzz fuzz fuzz","name":"Fuzz","handle":"fuzz"}' >/dev/null &&
  curl -fsS -X POST "$BASE/auth/login" -H 'content-type: application/json' \
    -d '{"email":"fuzz@example.test","password":"fuzz fuzz fuzz"}' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).accessToken))")"
curl -fsS -X POST "$BASE/workspaces" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \
  -d '{"name":"Fuzz Works"}' >/dev/null

REPORT="$HERALD_HOME/log/fuzz.txt"
echo "[fuzz] schemathesis against $BASE/openapi.json for ${FUZZ_SECONDS:-120} s" >&2
rc=0
"$VENV/bin/st" run "$BASE/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --max-time "${FUZZ_SECONDS:-120}" --workers 2 --request-timeout 10 \
  `# schemathesis 4.32's coverage phase crashes inside hypothesis on this document (AST cache);` \
  `# the examples phase has nothing to run (the document carries no examples) and reports skips` \
  --phases fuzzing,stateful "$@" >"$REPORT" 2>&1 || rc=$?
# "Test cases:" is followed by e.g. "920 generated, 918 passed, 2 failed"; "Scenarios:    102".
cases="$(grep -A1 '^Test cases:' "$REPORT" | tail -1 | sed 's/^ *//' || true)"
generated="$(grep -oE '^[0-9]+ generated' <<<"$cases" | grep -oE '^[0-9]+' || echo '?')"
failures="$(grep -oE '[0-9]+ failed' <<<"$cases" | grep -oE '^[0-9]+' || echo 0)"
scenarios="$(grep -m1 -oE '^ *Scenarios: *[0-9]+' "$REPORT" | grep -oE '[0-9]+$' || echo '?')"
result=ok
[ "$rc" -eq 0 ] || result="FAILING (exit $rc)"
echo "[fuzz] schemathesis: $generated cases, $failures failed, $scenarios stateful scenarios: $result (report: $REPORT)" >&2
if [ "$rc" -ne 0 ]; then
  echo "[fuzz] what schemathesis found (from its report):" >&2
  sed -n '/^=* *FAILURES/,/^=* *SUMMARY/p' "$REPORT" | grep -vE '^=+' | head -80 >&2
fi
exit "$rc"
