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
SERVICES=(mailer:3004 notifier:3001 activity:3002 api:3000 scheduler:3003 console:3005)

stop_services() {
  for entry in "${SERVICES[@]}"; do
    local name="${entry%%:*}"
    local pidfile="$RUN_DIR/$name.pid"
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
bash scripts/jaeger.sh up
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}"
export PIPELINE_TARGETS="${PIPELINE_TARGETS:-mailer=http://127.0.0.1:3004,notifier=http://127.0.0.1:3001,activity=http://127.0.0.1:3002,api=http://127.0.0.1:3000}"

# Access-token keys: generated once per machine for local runs (production mounts them from Secrets).
KEYS="${HERALD_HOME:-$HOME/.herald}/keys"
if [ ! -f "$KEYS/jwt-private.pem" ]; then
  mkdir -p "$KEYS" && chmod 700 "$KEYS"
  node -e "const {generateKeyPairSync}=require('node:crypto');const fs=require('node:fs');const k=generateKeyPairSync('ed25519',{privateKeyEncoding:{format:'pem',type:'pkcs8'},publicKeyEncoding:{format:'pem',type:'spki'}});fs.writeFileSync(process.argv[1]+'/jwt-private.pem',k.privateKey,{mode:0o600});fs.writeFileSync(process.argv[1]+'/jwt-public.pem',k.publicKey)" "$KEYS"
fi
export JWT_PRIVATE_KEY="${JWT_PRIVATE_KEY:-$(cat "$KEYS/jwt-private.pem")}"
export JWT_PUBLIC_KEY="${JWT_PUBLIC_KEY:-$(cat "$KEYS/jwt-public.pem")}"
# The console's operator token: generated once, kept beside the keys, printed below.
if [ ! -f "$KEYS/console-token" ]; then
  node -e "require('node:fs').writeFileSync(process.argv[1], require('node:crypto').randomBytes(24).toString('base64url'), {mode: 0o600})" "$KEYS/console-token"
fi
export CONSOLE_TOKEN="${CONSOLE_TOKEN:-$(cat "$KEYS/console-token")}"
echo "[herald] building" >&2
npx turbo run build --output-logs=errors-only >&2
stop_services

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  PORT="$port" nohup node --import "./services/$name/dist/instrumentation.js" "services/$name/dist/main.js" >"$RUN_DIR/$name.log" 2>&1 &
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
  API            http://127.0.0.1:3000/docs          (interactive OpenAPI page)
  notifier       http://127.0.0.1:3001/notifications (bearer token from POST /auth/login)
  activity       http://127.0.0.1:3002/workspaces/<id>/activity
  scheduler      http://127.0.0.1:3003/status        pipeline health: /pipeline
  console        http://127.0.0.1:3005/              operator token: $CONSOLE_TOKEN
  mailer         e-mails written to ${MAIL_OUTBOX_DIR:-$HOME/.herald/mail}/*.eml (set SMTP_URL to send)
  metrics        http://127.0.0.1:<port>/metrics on every service
  traces         Jaeger query API http://127.0.0.1:16686/api/traces?service=api
  RabbitMQ       management UI http://${mgmt} (guest/guest)
  store          $MONGO_URL
  logs           $RUN_DIR/<service>.log
  dead letters   npm run dlq -- <service> list
Try the whole flow: npm run demo        Stop: npm start -- stop
MSG
