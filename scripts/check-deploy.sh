#!/usr/bin/env bash
# Checks everything under deploy/ without a cluster or a Docker engine: lints and renders the Helm
# chart (default values and deploy/helm/values-keda-ingress.yaml), validates the rendered
# manifests against the Kubernetes JSON schemas, proves the values schema rejects
# deploy/helm/values-bad.yaml, checks the RabbitMQ definitions, and validates the compose file
# against the Compose Specification.
# Tools are cached in ~/.herald: helm (built with `go install`) in bin/, kubernetes-validate (PyPI)
# in venv/. Usage: scripts/check-deploy.sh   (npm run check:deploy)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
CACHE_BIN="$HERALD_HOME/bin"
VENV="$HERALD_HOME/venv"
HELM_VERSION="${HELM_VERSION:-v3.21.4}"
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
KUBE_VERSION="${KUBE_VERSION:-1.35.0}"
COMPOSE_GO_MODULE="${COMPOSE_GO_MODULE:-github.com/compose-spec/compose-go/v2@v2.9.0}"
CHART="$ROOT/deploy/helm/herald"
VALUES_KEDA="$ROOT/deploy/helm/values-keda-ingress.yaml"
VALUES_BAD="$ROOT/deploy/helm/values-bad.yaml"
# Another process may already be building helm into this directory (see INFRA.md).
SHARED_HELM_BUILD="${SHARED_HELM_BUILD:-/tmp/gobin-helm}"

log() { printf '[check-deploy] %s\n' "$*" >&2; }
die() { printf '[check-deploy] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return; fi
  return 1
}

ensure_helm() {
  HELM="${HELM:-$CACHE_BIN/helm}"
  if [ -x "$HELM" ] && "$HELM" version >/dev/null 2>&1; then return; fi
  HELM="$CACHE_BIN/helm"
  mkdir -p "$CACHE_BIN"
  if [ -x "$SHARED_HELM_BUILD/helm" ] && grep -qs 'rc=0' /tmp/helm-build.log; then
    log "helm: copying the finished build from $SHARED_HELM_BUILD"
    cp "$SHARED_HELM_BUILD/helm" "$HELM.tmp.$$" && mv "$HELM.tmp.$$" "$HELM"
    return
  fi
  local go
  go="$(find_go)" || die "helm is not in $CACHE_BIN and Go is not installed to build it.
  Install Go >= 1.24 (https://go.dev/dl/) and run this again, or put a helm ${HELM_VERSION} binary at $CACHE_BIN/helm (or set HELM=/path/to/helm)."
  log "helm: building ${HELM_VERSION} with go install into $CACHE_BIN (one time, a few minutes)"
  GOBIN="$CACHE_BIN" GOFLAGS=-buildvcs=false nice -n 10 "$go" install "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2 \
    || die "go install helm.sh/helm/v3/cmd/helm@${HELM_VERSION} failed (see above)"
}

ensure_kubernetes_validate() {
  KUBERNETES_VALIDATE="$VENV/bin/kubernetes-validate"
  if [ -x "$KUBERNETES_VALIDATE" ] && "$KUBERNETES_VALIDATE" --version >/dev/null 2>&1; then return; fi
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for kubernetes-validate (PyPI) and is not installed.
  Install Python >= 3.9 with its venv module (Debian: apt-get install -y python3 python3-venv) and run this again."
  python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 has no working venv module.
  Install it (Debian: apt-get install -y python3-venv) and run this again."
  log "kubernetes-validate: installing ${KUBERNETES_VALIDATE_VERSION} into $VENV (one time)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}" >&2 \
    || die "pip install kubernetes-validate==${KUBERNETES_VALIDATE_VERSION} failed (see above)"
}

# ---------------------------------------------------------------- checks
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Renders the chart with the given extra helm arguments into $WORK/<name>.yaml.
render() { # name helm-args...
  local name="$1"; shift
  "$HELM" template herald "$CHART" --namespace herald --kube-version "$KUBE_VERSION" "$@" >"$WORK/$name.yaml" \
    || die "helm template ($name) failed"
  log "helm template ($name): $(grep -c '^kind:' "$WORK/$name.yaml") objects ($(grep '^kind:' "$WORK/$name.yaml" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $3; sep=", "}'))"
}

# Errors fail; a missing schema is only tolerated for KEDA's kinds (CRDs that are not built in).
validate() { # name
  local name="$1" out rc=0
  out="$("$KUBERNETES_VALIDATE" --strict -k "$KUBE_VERSION" --quiet "$WORK/$name.yaml" 2>&1)" || rc=$?
  local errors unknown keda
  errors="$(grep -E '^(ERROR|FATAL)' <<<"$out" || true)"
  unknown="$(grep -E '^WARN' <<<"$out" | grep -v 'api version keda.sh/' || true)"
  keda="$(grep -cE '^WARN.*api version keda.sh/' <<<"$out" || true)"
  if [ -n "$errors" ] || [ -n "$unknown" ] || [ "$rc" -ne 0 ]; then
    printf '%s\n' "$out" >&2
    die "kubernetes-validate --strict -k $KUBE_VERSION ($name) failed"
  fi
  local note=''
  [ "$keda" -gt 0 ] && note=" ($keda KEDA objects: CRDs, no built-in schema, not checked)"
  log "kubernetes-validate --strict -k $KUBE_VERSION ($name): valid$note"
}

# helm's own closing line ("1 chart(s) linted, 0 chart(s) failed") stays out of the log unless it failed.
lint() { # what helm-lint-args...
  local what="$1" out
  shift
  out="$("$HELM" lint "$CHART" --strict --kube-version "$KUBE_VERSION" "$@" 2>&1)" ||
    { printf '%s\n' "$out" >&2; die "helm lint failed ($what)"; }
  local notes
  notes="$(grep -E '^\[(INFO|WARNING)\]' <<<"$out" | sed 's/^\[\(.*\)\] /\1: /' | paste -sd ';' || true)"
  log "helm lint ($what): clean${notes:+ ($notes)}"
}

check_chart() {
  lint 'default values'
  lint 'values-keda-ingress.yaml' -f "$VALUES_KEDA"

  render default
  render keda-ingress -f "$VALUES_KEDA"
  grep -q '^kind: ScaledObject' "$WORK/keda-ingress.yaml" || die "values-keda-ingress.yaml rendered no ScaledObject"
  grep -q '^kind: Ingress' "$WORK/keda-ingress.yaml" || die "values-keda-ingress.yaml rendered no Ingress"
  # The mailer scales on the busiest of its queues: the main one and each lane of the contract.
  for queue in mailer mailer.critical mailer.digest; do
    grep -q "queueName: \"$queue\"" "$WORK/keda-ingress.yaml" || die "no KEDA trigger on the $queue queue"
  done
  # The services' Ingress routes the public API only: no catch-all, nothing kept for the cluster.
  "$VENV/bin/python" -c 'import sys, yaml; paths = [p["path"] for o in yaml.safe_load_all(open(sys.argv[1])) if o and o["kind"] == "Ingress" and not o["metadata"]["name"].endswith("-console") for r in o["spec"]["rules"] for p in r["http"]["paths"]]; bad = [p for p in paths if p in ("/", "/metrics", "/heartbeat", "/healthz", "/readyz")]; assert paths and not bad, f"the Ingress routes {bad}"' "$WORK/keda-ingress.yaml" \
    || die "the Ingress must route only the public API paths"
  # Behind the Ingress the API believes its one hop for client addresses; without it, none.
  grep -q 'TRUST_PROXY: "1"' "$WORK/keda-ingress.yaml" || die "the API behind the Ingress got no TRUST_PROXY"
  grep -q 'TRUST_PROXY' "$WORK/default.yaml" && die "the API trusts a proxy without an Ingress"
  # The console: one replica, and an Ingress only when its own ingress is enabled.
  grep -A1 '^kind: Ingress' "$WORK/default.yaml" | grep -q 'herald-console' && die "the console got an Ingress without services.console.ingress.enabled"
  grep -A3 '^kind: Ingress' "$WORK/keda-ingress.yaml" | grep -q 'name: herald-console$' || die "values-keda-ingress.yaml rendered no console Ingress"
  "$VENV/bin/python" -c 'import sys, yaml; d = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o and o["kind"] == "Deployment" and o["metadata"]["name"].endswith("-console")]; assert len(d) == 1 and d[0]["spec"]["replicas"] == 1, "the console must be one Deployment with one replica"' "$WORK/default.yaml" \
    || die "the console is not one Deployment with one replica"
  log "console: one replica; its Ingress only with services.console.ingress.enabled"
  validate default
  validate keda-ingress

  local out
  if out="$("$HELM" template herald "$CHART" --kube-version "$KUBE_VERSION" -f "$VALUES_BAD" 2>&1)"; then
    die "helm template accepted deploy/helm/values-bad.yaml: values.schema.json must reject it"
  fi
  grep -q "values don't meet the specifications of the schema" <<<"$out" || {
    printf '%s\n' "$out" >&2
    die "values-bad.yaml failed, but not on the values schema"
  }
  log "values-bad.yaml: rejected by values.schema.json, as it must be ($(grep -c "at '" <<<"$out") findings)"
  if "$HELM" lint "$CHART" --kube-version "$KUBE_VERSION" -f "$VALUES_BAD" >/dev/null 2>&1; then
    die "helm lint accepted deploy/helm/values-bad.yaml"
  fi
  log "values-bad.yaml: helm lint fails too"
}

check_definitions() {
  "$VENV/bin/python" - "$ROOT/deploy/rabbitmq/definitions.json" <<'EOF' || die "deploy/rabbitmq/definitions.json is invalid"
import json, re, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
users = {u["name"] for u in d["users"]}
perms = {p["user"]: p for p in d["permissions"]}
assert users == set(perms), f"users without permissions or permissions without users: {users ^ set(perms)}"
for p in d["permissions"]:
    assert p["vhost"] == "herald", p
    for kind in ("configure", "write", "read"):
        re.compile(p[kind])
# Nobody but the producers may publish to the domain exchanges.
producers = {"identity": {"api"}, "workspaces": {"api"}, "tasks": {"api"}, "schedule": {"scheduler"},
             "system": {"scheduler"}, "digests": {"activity"}, "notifications": {"notifier"}}
for exchange, allowed in producers.items():
    writers = {u for u, p in perms.items() if re.search(p["write"], exchange)}
    assert writers == allowed, f"{exchange}: writable by {sorted(writers)}, expected {sorted(allowed)}"
EOF
  log "deploy/rabbitmq/definitions.json: parses; only the producing service may write each domain exchange"
}

# The compose file against the Compose Specification schema (shipped in the compose-go module).
check_compose() {
  local go dir
  go="$(find_go)" || die "Go is needed to fetch the Compose Specification schema (module ${COMPOSE_GO_MODULE}).
  Install Go >= 1.24 (https://go.dev/dl/) and run this again."
  dir="$(cd "$WORK" && GOFLAGS=-mod=mod "$go" mod download -json "$COMPOSE_GO_MODULE" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')" \
    || die "go mod download $COMPOSE_GO_MODULE failed"
  "$VENV/bin/python" - "$dir/schema/compose-spec.json" "$ROOT/deploy/docker-compose.yml" <<'EOF' || die "deploy/docker-compose.yml is invalid"
import json, sys, jsonschema, yaml
schema = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as f:
    c = yaml.safe_load(f)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(c))
for e in errors:
    print(f"  {'/'.join(map(str, e.path)) or '(top)'}: {e.message}", file=sys.stderr)
assert not errors, f"{len(errors)} Compose Specification errors"
services = c["services"]
# scripts/servers.sh starts rabbitmq and mongo by name.
for name in ("rabbitmq", "mongo", "jaeger", "mailpit", "api", "notifier", "activity", "mailer", "scheduler", "console"):
    assert name in services, f"service {name} missing"
for name in ("api", "notifier", "activity", "mailer", "scheduler", "console"):
    build = services[name]["build"]
    assert build["dockerfile"] == "deploy/docker/Dockerfile" and build["args"]["SERVICE"] == name, name
EOF
  log "deploy/docker-compose.yml: valid Compose Specification; every service present and built from deploy/docker/Dockerfile"
}

ensure_helm
ensure_kubernetes_validate
log "using $("$HELM" version --short 2>/dev/null || echo helm) and kubernetes-validate $("$KUBERNETES_VALIDATE" --version)"
check_chart
check_definitions
check_compose
log "OK: chart lints, renders and validates against Kubernetes $KUBE_VERSION; bad values rejected"
