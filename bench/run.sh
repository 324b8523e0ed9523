#!/usr/bin/env bash
# `npm run bench [-- --only consumer,publisher] [--scale 0.1] [--rounds 3] [--write]`
# Brings up (or reuses) RabbitMQ and the store, plus what the selected benchmarks need besides:
# a throw-away Redis for the BullMQ comparison and the RabbitMQ PerfTest jars (cached), then runs
# bench/src/main.ts from source.
set -euo pipefail
export DO_NOT_TRACK=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
PERFTEST_VERSION="${PERFTEST_VERSION:-2.22.1}"
export PERFTEST_DIR="${PERFTEST_DIR:-$HERALD_HOME/perftest}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6390}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

source scripts/prereqs.sh
herald_prereqs "$ROOT"

# Which benchmarks run decides which prerequisites are needed (same parsing as main.ts).
ONLY=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --only) ONLY="${args[$((i + 1))]:-}" ;;
    --only=*) ONLY="${args[$i]#--only=}" ;;
    --help | -h | --list) exec node --conditions=@herald/source --import tsx bench/src/main.ts "$@" ;;
  esac
done
wants() { [ -z "$ONLY" ] || [[ ",${ONLY// /}," == *",$1,"* ]]; }

eval "$(bash scripts/servers.sh up)"

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and this is not a Debian-family machine: install it"
  [ "$(id -u)" = 0 ] || die "$1 is missing; install it with: sudo apt-get install -y $1"
  log "installing $1 with apt-get (one time)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2 ||
    { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2; }
}

redis_up() {
  local rest="${REDIS_URL#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"
  local host="${rest%%:*}" port="${rest##*:}"
  [ "$port" = "$rest" ] && port=6379
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then log "Redis: reusing $host:$port"; return; fi
  [ "$host" = 127.0.0.1 ] || [ "$host" = localhost ] || die "REDIS_URL points at $host:$port, which does not answer"
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$HERALD_HOME/log" "$HERALD_HOME/redis"
  log "Redis: starting redis-server on 127.0.0.1:$port (no persistence)"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
    --dir "$HERALD_HOME/redis" --logfile "$HERALD_HOME/log/redis-bench.log" \
    --pidfile "$HERALD_HOME/redis/redis-$port.pid" >&2
  local i
  for ((i = 0; i < 40; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { log "Redis: up on 127.0.0.1:$port"; return; }
    sleep 0.25
  done
  die "redis-server did not open 127.0.0.1:$port (see $HERALD_HOME/log/redis-bench.log)"
}

perftest_up() {
  if compgen -G "$PERFTEST_DIR/perf-test-$PERFTEST_VERSION.jar" >/dev/null; then
    log "PerfTest: reusing $PERFTEST_DIR"
  else
    command -v mvn >/dev/null 2>&1 || apt_install maven
    log "PerfTest: fetching com.rabbitmq:perf-test:$PERFTEST_VERSION and its dependencies (one time)"
    rm -rf "$PERFTEST_DIR.tmp"
    mvn -q -B -f bench/perftest/pom.xml -Dperftest.version="$PERFTEST_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PERFTEST_DIR.tmp" >&2 ||
      die "could not fetch RabbitMQ PerfTest with Maven (see above)"
    rm -rf "$PERFTEST_DIR" && mv "$PERFTEST_DIR.tmp" "$PERFTEST_DIR"
  fi
  command -v java >/dev/null 2>&1 || apt_install default-jre-headless
}

# The BullMQ comparisons (bullmq, and the seed design in api and e2e) need Redis.
{ wants bullmq || wants api || wants e2e; } && redis_up
wants perftest && perftest_up

exec node --conditions=@herald/source --import tsx bench/src/main.ts "$@"
