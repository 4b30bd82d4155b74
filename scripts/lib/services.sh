# Resolves DATABASE_URL and REDIS_URL for a run: the given ones when they answer, otherwise private
# instances under a data folder. Sets STARTED_PG / STARTED_REDIS so the caller can stop what it started.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STARTED_PG=""
STARTED_REDIS=""

# use_services DATA_DIR PG_PORT REDIS_PORT DB_NAME [respect_env: 1|0]
use_services() {
  local data="$1" pg_port="$2" redis_port="$3" db_name="$4" respect_env="${5:-1}"
  ensure_psql
  if [ "$respect_env" = 1 ] && [ -n "${DATABASE_URL:-}" ] && pg_reachable "$DATABASE_URL"; then
    log "using Postgres at DATABASE_URL"
  else
    ensure_postgres "$data/pg" "$pg_port"
    # Stop on exit only what this run started; an instance someone left running stays running.
    if [ "$PG_STARTED_HERE" = 1 ]; then STARTED_PG="$data/pg"; fi
    DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/$db_name"
  fi
  create_database "$DATABASE_URL"
  if [ "$respect_env" = 1 ] && [ -n "${REDIS_URL:-}" ] && redis_reachable "$REDIS_URL"; then
    log "using Redis at REDIS_URL"
  else
    ensure_redis "$data/redis" "$redis_port"
    if [ "$REDIS_STARTED_HERE" = 1 ]; then STARTED_REDIS="$data/redis"; fi
    REDIS_URL="redis://127.0.0.1:$redis_port"
  fi
  export DATABASE_URL REDIS_URL
}

stop_started_services() {
  [ -n "$STARTED_REDIS" ] && stop_redis "$STARTED_REDIS"
  [ -n "$STARTED_PG" ] && stop_postgres "$STARTED_PG"
  return 0
}

# wait_for_url URL SECONDS PID: polls until URL answers 200, failing early if PID died.
wait_for_url() {
  local url="$1" seconds="$2" pid="${3:-}"
  for _ in $(seq 1 $((seconds * 10))); do
    if node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# Builds the console when its sources or the contracts changed since the last build.
ensure_console_build() {
  local stamp="$ROOT/apps/web/dist/.source-hash" want
  want="$(cd "$ROOT" && find apps/web/src apps/web/index.html apps/web/vite.config.ts packages/contracts/src pnpm-lock.yaml -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "building the console"
  (cd "$ROOT" && pnpm --filter @cabinet/web build >/dev/null) || die "console build failed: run pnpm --filter @cabinet/web build"
  echo "$want" >"$stamp"
}

# Bundles the API and the worker to apps/{api,worker}/dist/main.mjs for plain `node` (esbuild takes
# well under a second, so it always runs: a bundle never lags its sources).
ensure_server_build() {
  log "bundling the API and the worker"
  (cd "$ROOT" && pnpm exec tsx scripts/build-server.ts >/dev/null) || die "server build failed: run pnpm build:server"
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() {
  ! node -e '
    const s = require("node:net").connect({ host: "127.0.0.1", port: Number(process.argv[1]) });
    s.on("connect", () => { s.end(); process.exit(0) }); s.on("error", () => process.exit(1));' "$1"
}
