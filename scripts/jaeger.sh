#!/usr/bin/env bash
# Jaeger v2 (all-in-one: in-memory storage, OTLP gRPC 4317 / HTTP 4318, query API 16686).
#   scripts/jaeger.sh up      reuse one that answers on 16686, else build (once, cached) and start it
#   scripts/jaeger.sh down
# Built from the Go module proxy through scripts/tools/jaeger (a tool module pinning v1.76.0, the
# release whose cmd/jaeger is Jaeger v2): plain `go install` of a tag fails on the replace directives.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
VERSION=v1.76.0
BIN="$HERALD_HOME/bin/jaeger-$VERSION"
log() { printf '[jaeger] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build() {
  [ -x "$BIN" ] && return
  command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || { log "ERROR: Go is needed to build Jaeger (not found on PATH)"; exit 1; }
  log "building Jaeger $VERSION from the Go module proxy (first run only; several minutes)"
  mkdir -p "$HERALD_HOME/bin"
  (cd "$HERE/tools/jaeger" && GOFLAGS=-mod=mod nice -n 10 go build -o "$BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger) >&2
  mv "$BIN.tmp" "$BIN"
}

case "${1:-up}" in
  up)
    if port_open 16686 && port_open 4318; then log "reusing the Jaeger on :16686"; exit 0; fi
    build
    mkdir -p "$HERALD_HOME/log"
    nohup "$BIN" >"$HERALD_HOME/log/jaeger.log" 2>&1 &
    echo $! >"$HERALD_HOME/jaeger.pid"
    for _ in $(seq 1 120); do port_open 16686 && port_open 4318 && break; sleep 0.5; done
    port_open 4318 || { log "ERROR: Jaeger did not start; see $HERALD_HOME/log/jaeger.log"; exit 1; }
    log "up: OTLP http://127.0.0.1:4318, query http://127.0.0.1:16686"
    ;;
  down)
    [ -f "$HERALD_HOME/jaeger.pid" ] && kill "$(cat "$HERALD_HOME/jaeger.pid")" 2>/dev/null || true
    rm -f "$HERALD_HOME/jaeger.pid"
    ;;
  *) log "usage: $0 up|down"; exit 2 ;;
esac
