# Sourced by the entry scripts: checks what must be on the machine before anything else runs,
# and installs the npm dependencies of a fresh clone.
herald_prereqs() {
  local root="$1"
  if ! command -v node >/dev/null 2>&1; then
    echo "Herald needs Node.js >= 20.19 (node was not found on PATH)." >&2
    return 1
  fi
  local major minor
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if ((major < 20 || (major == 20 && minor < 19))); then
    echo "Herald needs Node.js >= 20.19; this is $(node --version)." >&2
    return 1
  fi
  command -v npm >/dev/null 2>&1 || { echo "Herald needs npm (it comes with Node.js)." >&2; return 1; }
  # A fresh clone (or a changed lockfile) gets its dependencies here, so one command is enough.
  if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    echo "[herald] installing npm dependencies (npm ci)" >&2
    (cd "$root" && npm ci --no-audit --no-fund) >&2
  fi
}
