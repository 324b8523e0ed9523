#!/usr/bin/env bash
# Brings up the real servers Herald needs (RabbitMQ, a MongoDB-wire store) or reuses running ones.
# Order of preference per server: a URL in the environment / something already on the default port,
# then Docker Compose where a Docker engine answers, then a native server on this machine.
# Usage: scripts/servers.sh up|down|status|restart-store   (prints the URLs as shell exports on `up`)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
CACHE_BIN="$HERALD_HOME/bin"
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
RABBITMQ_MANAGEMENT_URL="${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}"
MONGO_URL="${MONGO_URL:-mongodb://127.0.0.1:27017}"
# FerretDB's backend when neither MongoDB nor a running store is found: postgresql (default) or sqlite.
FERRETDB_BACKEND="${FERRETDB_BACKEND:-postgresql}"
PG_PORT="${HERALD_PG_PORT:-5433}"
PG_CLUSTER="${HERALD_PG_CLUSTER:-herald}"

log() { printf '[servers] %s\n' "$*" >&2; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }

# host:port of a URL such as amqp://user:pass@host:port/vhost
host_port() {
  local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; rest="${rest%%\?*}"
  local host="${rest%%:*}" port="${rest##*:}"
  [ "$port" = "$rest" ] && port="$2"
  printf '%s %s\n' "${host:-127.0.0.1}" "$port"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port seconds what
  local i
  for ((i = 0; i < $3 * 2; i++)); do port_open "$1" "$2" && return 0; sleep 0.5; done
  return 1
}

docker_engine() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

need_root_for() {
  [ "$(id -u)" = 0 ] || die "$1 needs root. Do it yourself: $2"
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and this is not a Debian-family machine; install it or set the URL env var."
  need_root_for "installing $*" "apt-get install -y $*"
  log "installing $* with apt-get (one time)"
  if [ ! -f /var/lib/apt/periodic/herald-updated ]; then
    apt-get update -qq >&2 && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/herald-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# ---------------------------------------------------------------- RabbitMQ
rabbit_up() {
  read -r host port < <(host_port "$RABBITMQ_URL" 5672)
  if port_open "$host" "$port"; then log "RabbitMQ: reusing $host:$port"; return; fi
  if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
    die "RABBITMQ_URL points at $host:$port, which does not answer"
  fi
  if docker_engine; then
    log "RabbitMQ: starting with Docker Compose"
    docker compose -f "$ROOT/deploy/docker-compose.yml" up -d rabbitmq >&2
  else
    command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
    export PATH="$PATH:/usr/sbin"
    # A fixed node name avoids boot failures when the host name does not resolve.
    if ! grep -qs 'NODENAME=rabbit@localhost' /etc/rabbitmq/rabbitmq-env.conf; then
      need_root_for "configuring rabbitmq-server" "echo NODENAME=rabbit@localhost > /etc/rabbitmq/rabbitmq-env.conf"
      echo 'NODENAME=rabbit@localhost' >>/etc/rabbitmq/rabbitmq-env.conf
    fi
    rabbit_open_files
    rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
    log "RabbitMQ: starting native rabbitmq-server"
    rabbitmq-server -detached >&2 2>/dev/null || true
  fi
  # Right after -detached the node may not exist yet, so await_startup can fail: poll instead.
  wait_port "$host" "$port" 90 || die "RabbitMQ did not open $host:$port within 90 s (see /var/log/rabbitmq)"
  if command -v rabbitmq-diagnostics >/dev/null 2>&1; then
    local i
    for ((i = 0; i < 60; i++)); do rabbitmq-diagnostics -q check_running >/dev/null 2>&1 && break; sleep 1; done
  fi
  log "RabbitMQ: up on $host:$port"
}

# Debian's rabbitmq-server runs the node through `su rabbitmq`, whose pam_limits drops the open-file
# limit to 1024. Every quorum queue holds ~3 files open, so a few hundred queues (a parallel test run)
# use up the budget and the node stops accepting sockets: clients hang in the AMQP handshake.
# RabbitMQ asks for 65536; pam_limits may not raise the hard limit beyond ours, so soft = hard = ours.
rabbit_open_files() {
  local hard want conf=/etc/security/limits.d/rabbitmq-herald.conf
  hard="$(ulimit -Hn)"
  want=65536
  [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ] && want="$hard"
  if [ "$want" -le 1024 ]; then
    log "RabbitMQ: open-file limit is only $hard here; a long test run may exhaust the broker's sockets"
    return
  fi
  grep -qs "nofile $want\$" "$conf" && return
  need_root_for "raising rabbitmq's open-file limit" "printf 'rabbitmq soft nofile $want\nrabbitmq hard nofile $want\n' > $conf"
  printf 'rabbitmq soft nofile %s\nrabbitmq hard nofile %s\n' "$want" "$want" >"$conf"
}

rabbit_down() {
  if command -v rabbitmqctl >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmqctl ]; then
    PATH="$PATH:/usr/sbin" rabbitmqctl stop >/dev/null 2>&1 && log "RabbitMQ: stopped" || true
  fi
}

# ---------------------------------------------------------------- MongoDB-wire store
ferretdb_bin() {
  local bin="$CACHE_BIN/ferretdb-$FERRETDB_VERSION"
  if [ -x "$bin" ]; then printf '%s\n' "$bin"; return; fi
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] ||
    die "No MongoDB-wire store: no mongod on PATH, no MONGO_URL, and no Go toolchain to build FerretDB. Install Go (or mongod), or set MONGO_URL."
  export PATH="$PATH:/usr/local/go/bin"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (first run only, a few minutes)"
  local src_dir mod
  mod="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")" ||
    die "could not download the FerretDB module: $mod"
  src_dir="$(printf '%s' "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src_dir" ] || die "FerretDB module directory not found after download"
  local work="$HERALD_HOME/src/ferretdb-$FERRETDB_VERSION"
  rm -rf "$work" && mkdir -p "$work" "$CACHE_BIN"
  cp -r "$src_dir/." "$work" && chmod -R u+w "$work"
  # The module omits the version file that the binary embeds; without it the binary panics at start.
  echo "$FERRETDB_VERSION" >"$work/build/version/version.txt"
  (cd "$work" && CGO_ENABLED=0 go build -buildvcs=false -o "$bin.tmp" ./cmd/ferretdb) >&2 ||
    die "building FerretDB failed (see the Go output above)"
  mv "$bin.tmp" "$bin"
  rm -rf "$work"
  printf '%s\n' "$bin"
}

# ---------------------------------------------------------------- PostgreSQL (FerretDB's backend)
pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

# Each FerretDB holds up to this many PostgreSQL connections (FerretDB's default is 50). Not fewer:
# at 25, a FerretDB restarted under the chaos suite's load stopped answering for good, all 25 of
# its PostgreSQL connections held idle (measured: 32 minutes, until it was killed).
PG_POOL_PER_FERRETDB=100
# Room for two FerretDBs at their pool's limit and for the connections of one that was just
# killed, which PostgreSQL counts until it notices they are gone: at Debian's 100, a FerretDB
# restarted after a busy run was refused ("too many clients") and answered writes with InternalError.
PG_MAX_CONNECTIONS=400

# Debian's own cluster tools, a cluster of Herald's own: loopback only, trust auth on loopback (a
# development and test store), synchronous_commit off (a crash may lose the last few ms, never
# corrupt; production runs MongoDB).
pg_up() {
  { command -v pg_createcluster >/dev/null 2>&1 && [ -n "$(pg_version)" ]; } || apt_install postgresql
  local v
  v="$(pg_version)"
  port_open 127.0.0.1 "$PG_PORT" && return
  need_root_for "starting PostgreSQL" "pg_ctlcluster $v $PG_CLUSTER start"
  if [ ! -d "/etc/postgresql/$v/$PG_CLUSTER" ]; then
    log "store: creating PostgreSQL $v cluster '$PG_CLUSTER' on 127.0.0.1:$PG_PORT (one time)"
    pg_createcluster "$v" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-local=trust --auth-host=trust >&2
  fi
  # Written on every start, so a cluster made by an older version of this script gets it too.
  printf "listen_addresses = '127.0.0.1'\nsynchronous_commit = off\nmax_connections = %s\n" \
    "$PG_MAX_CONNECTIONS" >"/etc/postgresql/$v/$PG_CLUSTER/conf.d/herald.conf"
  log "store: starting PostgreSQL $v cluster '$PG_CLUSTER' on 127.0.0.1:$PG_PORT"
  pg_ctlcluster "$v" "$PG_CLUSTER" start >&2
  wait_port 127.0.0.1 "$PG_PORT" 60 || die "PostgreSQL did not open 127.0.0.1:$PG_PORT (see /var/log/postgresql)"
}

pg_down() {
  local v
  v="$(pg_version)"
  [ -n "$v" ] && [ -d "/etc/postgresql/$v/$PG_CLUSTER" ] || return 0
  pg_ctlcluster "$v" "$PG_CLUSTER" stop >/dev/null 2>&1 && log "PostgreSQL: stopped" || true
}

# One PostgreSQL database per FerretDB listener, with the companion-index trigger installed.
pg_database_for() { # ferretdb-port
  local db="ferretdb_$1" psql=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
    "${psql[@]}" -c "CREATE DATABASE $db" >&2
  "${psql[@]}" -d "$db" -f "$HERE/store/gin-companions.sql" >/dev/null 2>&1 ||
    "${psql[@]}" -d "$db" -f "$HERE/store/gin-companions.sql" >&2 ||
    die "could not install the companion-index trigger in PostgreSQL database $db"
  printf 'postgres://postgres@127.0.0.1:%s/%s?pool_max_conns=%s\n' "$PG_PORT" "$db" "$PG_POOL_PER_FERRETDB"
}

mongo_up() {
  read -r host port < <(host_port "$MONGO_URL" 27017)
  if port_open "$host" "$port"; then log "store: reusing $host:$port"; return; fi
  if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
    die "MONGO_URL points at $host:$port, which does not answer"
  fi
  mkdir -p "$HERALD_HOME/log"
  if docker_engine; then
    log "store: starting MongoDB with Docker Compose"
    docker compose -f "$ROOT/deploy/docker-compose.yml" up -d mongo >&2
  elif command -v mongod >/dev/null 2>&1; then
    log "store: starting mongod"
    mkdir -p "$HERALD_HOME/mongod"
    mongod --dbpath "$HERALD_HOME/mongod" --bind_ip 127.0.0.1 --port "$port" --fork \
      --logpath "$HERALD_HOME/log/mongod.log" >&2
  else
    local bin backend
    bin="$(ferretdb_bin)"
    case "$FERRETDB_BACKEND" in
      postgresql)
        pg_up
        local pg_url
        pg_url="$(pg_database_for "$port")"
        backend=(--handler=postgresql --postgresql-url="$pg_url")
        log "store: starting FerretDB (PostgreSQL backend, $pg_url, GIN companion indexes)"
        ;;
      sqlite)
        mkdir -p "$HERALD_HOME/ferretdb"
        backend=(--handler=sqlite --sqlite-url="file:$HERALD_HOME/ferretdb/")
        log "store: starting FerretDB (SQLite backend, data in $HERALD_HOME/ferretdb; every query scans)"
        ;;
      *) die "FERRETDB_BACKEND must be postgresql or sqlite, not '$FERRETDB_BACKEND'" ;;
    esac
    DO_NOT_TRACK=1 nohup "$bin" "${backend[@]}" \
      --listen-addr="127.0.0.1:$port" --state-dir=- --debug-addr=- --telemetry=disable \
      --log-level=warn >"$HERALD_HOME/log/ferretdb.log" 2>&1 </dev/null &
    echo $! >"$HERALD_HOME/ferretdb.pid"
    echo "ferretdb-$FERRETDB_BACKEND" >"$HERALD_HOME/store.kind"
  fi
  wait_port "$host" "$port" 60 || die "the store did not open $host:$port within 60 s (see $HERALD_HOME/log)"
  log "store: up on $host:$port"
}

mongo_down() {
  if [ -f "$HERALD_HOME/ferretdb.pid" ]; then
    kill "$(cat "$HERALD_HOME/ferretdb.pid")" 2>/dev/null && log "FerretDB: stopped" || true
    rm -f "$HERALD_HOME/ferretdb.pid"
  fi
  if [ "$(cat "$HERALD_HOME/store.kind" 2>/dev/null)" = ferretdb-postgresql ]; then pg_down; fi
  rm -f "$HERALD_HOME/store.kind"
  if command -v mongod >/dev/null 2>&1 && [ -d "$HERALD_HOME/mongod" ]; then
    mongod --dbpath "$HERALD_HOME/mongod" --shutdown >/dev/null 2>&1 || true
  fi
}

# A store outage for the chaos suite: only a store this script started can be taken away.
mongo_restart() {
  read -r host port < <(host_port "$MONGO_URL" 27017)
  if [ -f "$HERALD_HOME/ferretdb.pid" ]; then
    local pid
    pid="$(cat "$HERALD_HOME/ferretdb.pid")"
    kill -9 "$pid" 2>/dev/null || die "FerretDB (pid $pid in $HERALD_HOME/ferretdb.pid) is not running"
    rm -f "$HERALD_HOME/ferretdb.pid"
  elif docker_engine && docker compose -f "$ROOT/deploy/docker-compose.yml" ps -q mongo | grep -q .; then
    docker compose -f "$ROOT/deploy/docker-compose.yml" kill mongo >&2
  elif command -v mongod >/dev/null 2>&1 && [ -d "$HERALD_HOME/mongod" ]; then
    mongod --dbpath "$HERALD_HOME/mongod" --shutdown >&2
  else
    die "the store on $host:$port was not started by this script, so it cannot be restarted"
  fi
  local i
  for ((i = 0; i < 60; i++)); do port_open "$host" "$port" || break; sleep 0.5; done
  port_open "$host" "$port" && die "the store on $host:$port did not go away"
  sleep "${STORE_DOWN_SECONDS:-0}"
  # Back on the same data: the backend it was started with, whatever the default is now.
  local kind
  kind="$(cat "$HERALD_HOME/store.kind" 2>/dev/null || true)"
  [[ "$kind" == ferretdb-* ]] && FERRETDB_BACKEND="${kind#ferretdb-}"
  mongo_up
}

case "${1:-up}" in
  up)
    rabbit_up
    mongo_up
    printf 'export RABBITMQ_URL=%q\nexport RABBITMQ_MANAGEMENT_URL=%q\nexport MONGO_URL=%q\n' \
      "$RABBITMQ_URL" "$RABBITMQ_MANAGEMENT_URL" "$MONGO_URL"
    ;;
  down) rabbit_down; mongo_down ;;
  restart-store) mongo_restart ;;
  status)
    read -r h p < <(host_port "$RABBITMQ_URL" 5672); port_open "$h" "$p" && echo "rabbitmq: up ($h:$p)" || echo "rabbitmq: down"
    read -r h p < <(host_port "$MONGO_URL" 27017)
    kind="$(cat "$HERALD_HOME/store.kind" 2>/dev/null || echo 'not started by this script')"
    port_open "$h" "$p" && echo "store: up ($h:$p, $kind)" || echo "store: down"
    if [ "$kind" = ferretdb-postgresql ]; then
      port_open 127.0.0.1 "$PG_PORT" && echo "postgresql: up (127.0.0.1:$PG_PORT, cluster $PG_CLUSTER)" || echo "postgresql: down"
    fi
    ;;
  *) die "usage: $0 up|down|status|restart-store" ;;
esac
