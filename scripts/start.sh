#!/usr/bin/env bash
# Runs the whole system on this machine: RabbitMQ, the store, and every service, built.
#   npm start            start (or restart) everything, print where to look
#   npm start -- stop    stop the services (servers keep running; `npm run servers -- down` stops them)
# A second system can run beside the first (CI's demo does): HERALD_NAMESPACE prefixes its broker
# objects and databases, HERALD_PORT_OFFSET moves its ports, HERALD_RUN_DIR keeps its pids and logs.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/prereqs.sh
RUN_DIR="${HERALD_RUN_DIR:-${HERALD_HOME:-$HOME/.herald}/run}"
mkdir -p "$RUN_DIR"
OFFSET="${HERALD_PORT_OFFSET:-0}"
NAMESPACE="${HERALD_NAMESPACE:-}"
port_of() { # service
  case "$1" in api) echo $((3000 + OFFSET)) ;; notifier) echo $((3001 + OFFSET)) ;;
    activity) echo $((3002 + OFFSET)) ;; scheduler) echo $((3003 + OFFSET)) ;; mailer) echo $((3004 + OFFSET)) ;;
    console) echo $((3005 + OFFSET)) ;; esac
}

# name:port, in start order: consumers first so their queues exist before the API publishes.
SERVICES=()
for name in mailer notifier activity api scheduler console; do SERVICES+=("$name:$(port_of "$name")"); done

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
export PIPELINE_TARGETS="${PIPELINE_TARGETS:-mailer=http://127.0.0.1:$(port_of mailer),notifier=http://127.0.0.1:$(port_of notifier),activity=http://127.0.0.1:$(port_of activity),api=http://127.0.0.1:$(port_of api)}"
export SERVICE_URLS="${SERVICE_URLS:-$PIPELINE_TARGETS,scheduler=http://127.0.0.1:$(port_of scheduler)}"
export MAIL_OUTBOX_DIR="${MAIL_OUTBOX_DIR:-${HERALD_HOME:-$HOME/.herald}/mail}"
# Each service appends herald_<service> to a URL without a database; a namespaced system gets its own.
db_url_for() { # service
  local base="${MONGO_URL%%\?*}" query=""
  [[ "$MONGO_URL" == *\?* ]] && query="?${MONGO_URL#*\?}"
  if [ -z "$NAMESPACE" ] || [[ "${base#*://}" == */?* ]]; then echo "$MONGO_URL"; return; fi
  echo "${base%/}/${NAMESPACE//[^a-zA-Z0-9]/_}herald_$1$query"
}

# Access-token keys: generated once per machine for local runs (production mounts them from Secrets).
KEYS="${HERALD_HOME:-$HOME/.herald}/keys"
if [ ! -f "$KEYS/jwt-private.pem" ]; then
  mkdir -p "$KEYS" && chmod 700 "$KEYS"
  node -e "const {generateKeyPairSync}=require('node:crypto');const fs=require('node:fs');const k=generateKeyPairSync('ed25519',{privateKeyEncoding:{format:'pem',type:'pkcs8'},publicKeyEncoding:{format:'pem',type:'spki'}});fs.writeFileSync(process.argv[1]+'/jwt-private.pem',k.privateKey,{mode:0o600});fs.writeFileSync(process.argv[1]+'/jwt-public.pem',k.publicKey)" "$KEYS"
fi
export JWT_PRIVATE_KEY="${JWT_PRIVATE_KEY:-$(cat "$KEYS/jwt-private.pem")}"
export JWT_PUBLIC_KEY="${JWT_PUBLIC_KEY:-$(cat "$KEYS/jwt-public.pem")}"
# Signs one-click unsubscribe links (the mailer writes them, the api checks them): generated once.
if [ ! -f "$KEYS/unsubscribe-secret" ]; then
  node -e "require('node:fs').writeFileSync(process.argv[1], require('node:crypto').randomBytes(32).toString('base64url'), {mode: 0o600})" "$KEYS/unsubscribe-secret"
fi
export UNSUBSCRIBE_SECRET="${UNSUBSCRIBE_SECRET:-$(cat "$KEYS/unsubscribe-secret")}"
# Derives the tokens of verification and password-reset links (api and mailer): generated once.
if [ ! -f "$KEYS/link-token-secret" ]; then
  node -e "require('node:fs').writeFileSync(process.argv[1], require('node:crypto').randomBytes(32).toString('base64url'), {mode: 0o600})" "$KEYS/link-token-secret"
fi
export LINK_TOKEN_SECRET="${LINK_TOKEN_SECRET:-$(cat "$KEYS/link-token-secret")}"
# The api's public URL: base of invite links (api) and unsubscribe links (mailer).
export PUBLIC_URL="${PUBLIC_URL:-http://localhost:$(port_of api)}"
# The console's operator token: generated once, kept beside the keys, printed below.
if [ ! -f "$KEYS/console-token" ]; then
  node -e "require('node:fs').writeFileSync(process.argv[1], require('node:crypto').randomBytes(24).toString('base64url'), {mode: 0o600})" "$KEYS/console-token"
fi
export CONSOLE_TOKEN="${CONSOLE_TOKEN:-$(cat "$KEYS/console-token")}"
echo "[herald] building (log: $RUN_DIR/build.log)" >&2
npx turbo run build --output-logs=errors-only >"$RUN_DIR/build.log" 2>&1 || { cat "$RUN_DIR/build.log" >&2; exit 1; }
stop_services

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  PORT="$port" MONGO_URL="$(db_url_for "$name")" nohup node --import "./services/$name/dist/instrumentation.js" "services/$name/dist/main.js" >"$RUN_DIR/$name.log" 2>&1 &
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
if [ -n "${SMTP_URL:-}" ]; then
  # The password never reaches a terminal or a CI log.
  mail="e-mails sent over SMTP to $(node -e 'const u=new URL(process.argv[1]);if(u.password)u.password="****";console.log(u.href)' "$SMTP_URL")"
else
  mail="e-mails written to $MAIL_OUTBOX_DIR/*.eml (set SMTP_URL to send them over SMTP)"
fi
cat <<MSG

Herald is running${NAMESPACE:+ (namespace $NAMESPACE)}.
  API            http://127.0.0.1:$(port_of api)/docs          (interactive OpenAPI page)
  notifier       http://127.0.0.1:$(port_of notifier)/notifications (bearer token from POST /auth/login)
  activity       http://127.0.0.1:$(port_of activity)/workspaces/<id>/activity
  scheduler      http://127.0.0.1:$(port_of scheduler)/status        pipeline health: /pipeline
  console        http://127.0.0.1:$(port_of console)/              operator token: $CONSOLE_TOKEN
  mailer         $mail
  metrics        http://127.0.0.1:<port>/metrics on every service
  traces         Jaeger query API http://127.0.0.1:16686/api/traces?service=api
  RabbitMQ       management UI http://${mgmt} (guest/guest)
  store          $MONGO_URL
  logs           $RUN_DIR/<service>.log
  dead letters   npm run dlq -- <service> list
Try the whole flow: npm run demo        Stop: npm start -- stop
MSG
