#!/usr/bin/env bash
# Runs the whole system on this machine: RabbitMQ, the store, and every service, built.
#   npm start            start (or restart) everything, print where to look
#   npm start -- stop    stop the services (servers keep running; `npm run servers -- down` stops them)
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/prereqs.sh
RUN_DIR="${HERALD_HOME:-$HOME/.herald}/run"
mkdir -p "$RUN_DIR"

# name:port, in start order: consumers first so their queues exist before the API publishes.
SERVICES=(notifier:3001 api:3000)

stop_services() {
  for entry in "${SERVICES[@]}"; do
    local name="${entry%%:*}" pidfile="$RUN_DIR/$name.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      kill -TERM "$(cat "$pidfile")" && echo "[herald] stopping $name" >&2
      for _ in $(seq 1 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = stop ]; then stop_services; exit 0; fi

herald_prereqs "$ROOT"
eval "$(bash scripts/servers.sh up)"
echo "[herald] building" >&2
npx turbo run build --output-logs=errors-only >&2
stop_services

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  PORT="$port" nohup node "services/$name/dist/main.js" >"$RUN_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  ok=""
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "[herald] $name did not become ready; see $RUN_DIR/$name.log" >&2; tail -20 "$RUN_DIR/$name.log" >&2; exit 1; }
  echo "[herald] $name ready on :$port" >&2
done

mgmt="${RABBITMQ_MANAGEMENT_URL#*@}"
cat <<MSG

Herald is running.
  API                http://127.0.0.1:3000        (POST /auth/register)
  notifier           http://127.0.0.1:3001/readyz
  RabbitMQ           ${RABBITMQ_URL%%@*}@…  management UI http://${mgmt} (guest/guest)
  store              $MONGO_URL
  logs               $RUN_DIR/<service>.log
  dead letters       npm run dlq -- <service> list
Stop with: npm start -- stop
MSG
