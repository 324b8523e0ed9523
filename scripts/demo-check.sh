#!/usr/bin/env bash
# `npm run demo` against a system started the way `npm start` starts it, in a namespace, ports and
# run folder of its own, so it never meets the test runs or a developer's own `npm start`; the system
# is stopped and its broker objects and databases deleted afterwards. Fails if any demo step fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HERALD_HOME="${HERALD_HOME:-$HOME/.herald}"
OFFSET="${DEMO_PORT_OFFSET:-200}"
export HERALD_NAMESPACE="demo$(date +%s)."
export HERALD_PORT_OFFSET="$OFFSET"
export HERALD_RUN_DIR="$HERALD_HOME/run-demo-check"
export MAIL_OUTBOX_DIR="$HERALD_RUN_DIR/mail"
rm -rf "$HERALD_RUN_DIR" && mkdir -p "$MAIL_OUTBOX_DIR"

cleanup() {
  bash scripts/start.sh stop || true
  node --conditions=@herald/source --import tsx --input-type=module -e '
    const [ns, url] = process.argv.slice(1);
    const { deleteNamespace } = await import("@herald/testkit");
    const { MongoClient } = await import("mongodb");
    await deleteNamespace(ns);
    const client = await MongoClient.connect(url);
    const prefix = ns.replace(/[^a-zA-Z0-9]/g, "_");
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    for (const { name } of databases.filter((d) => d.name.startsWith(prefix)))
      await client.db(name).dropDatabase();
    await client.close();
  ' "$HERALD_NAMESPACE" "${MONGO_URL:-mongodb://127.0.0.1:27017}" ||
    echo "[demo] could not delete the demo's namespace $HERALD_NAMESPACE" >&2
}
trap cleanup EXIT

echo "[demo] starting a system as npm start does (namespace $HERALD_NAMESPACE, ports 30xx+$OFFSET)" >&2
bash scripts/start.sh >&2
API_URL="http://127.0.0.1:$((3000 + OFFSET))" NOTIFIER_URL="http://127.0.0.1:$((3001 + OFFSET))" \
  ACTIVITY_URL="http://127.0.0.1:$((3002 + OFFSET))" SCHEDULER_URL="http://127.0.0.1:$((3003 + OFFSET))" \
  npm run --silent demo
