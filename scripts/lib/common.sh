# Shared set-up steps for scripts/start and scripts/test: each step is idempotent and quick when
# there is nothing to do, installs what is missing from Debian or npm, and says what it did.
set -euo pipefail

PG_STARTED_HERE=0
REDIS_STARTED_HERE=0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="12.4.2"

log() { printf '\033[1;34m[cabinet]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cabinet]\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

APT_UPDATED=0
apt_install() {
  is_root || die "missing $* and not root: install it with your package manager (Debian: apt-get install $*)"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  command -v corepack >/dev/null 2>&1 && corepack disable pnpm >/dev/null 2>&1 || true
  log "installing pnpm $PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null
}

# Installs node_modules when the lock file changed since the last install.
ensure_node_modules() {
  ensure_pnpm
  local stamp="$ROOT/node_modules/.cabinet-lock-hash" want
  want="$(sha256sum "$ROOT/pnpm-lock.yaml" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "installing dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && CI=true pnpm install --frozen-lockfile --reporter=silent)
  echo "$want" >"$stamp"
}

# Regenerates the Prisma client when the schema changed (the client is build output, not committed).
ensure_prisma_client() {
  local stamp="$ROOT/packages/db/src/generated/.schema-hash" want
  want="$(cat "$ROOT/prisma/schema.prisma" "$ROOT/pnpm-lock.yaml" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "generating the Prisma client"
  local output
  output="$(cd "$ROOT" && DATABASE_URL="${DATABASE_URL:-postgresql://unused@127.0.0.1/unused}" pnpm exec prisma generate 2>&1)" \
    || { printf '%s\n' "$output" >&2; die "prisma generate failed"; }
  echo "$want" >"$stamp"
}

# Where Debian puts each Postgres version (overridable for the scripts' own tests).
PG_LIB_DIR="${PG_LIB_DIR:-/usr/lib/postgresql}"
# Where Postgres data goes when the postgres user cannot enter the checkout (see ensure_postgres).
PG_OUTSIDE_DIR="${PG_OUTSIDE_DIR:-/var/lib/cabinet}"

# The bin directory of the newest Postgres *server*. Debian's postgresql-client also creates
# /usr/lib/postgresql/N/bin (psql, pg_dump), so look for initdb, not for the directory.
pg_bin_dir() {
  local initdb
  initdb="$(ls -d "$PG_LIB_DIR"/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$initdb" ]; then
    apt_install postgresql postgresql-contrib
    initdb="$(ls -d "$PG_LIB_DIR"/*/bin/initdb | sort -V | tail -n 1)"
  fi
  dirname "$initdb"
}

# Runs a Postgres binary as the postgres user when we are root (Postgres refuses to run as root).
as_pg_user() {
  if is_root; then
    local quoted
    printf -v quoted '%q ' "$@"
    su postgres -s /bin/sh -c "$quoted"
  else
    "$@"
  fi
}

pg_reachable() { # url
  node -e '
    const net = require("node:net"); const u = new URL(process.argv[1]);
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.setTimeout(1500); s.on("connect", () => { s.end(); process.exit(0) });
    s.on("error", () => process.exit(1)); s.on("timeout", () => process.exit(1));' "$1"
}

# ensure_postgres DIR PORT -> starts (if needed) a private Postgres in DIR on 127.0.0.1:PORT.
ensure_postgres() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin_dir)"
  mkdir -p "$dir"
  # Postgres runs as another user from another directory: it needs the absolute, physical path.
  dir="$(cd "$dir" && pwd -P)"
  # As root, Postgres runs as the postgres user, who cannot enter a checkout under a private home
  # (/root is 0700 on Debian): keep the data where it can, and leave a link at the usual place.
  if is_root && [ ! -f "$dir/PG_VERSION" ] && ! as_pg_user test -x "$dir"; then
    local outside
    outside="$PG_OUTSIDE_DIR/$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
    log "the postgres user cannot enter $dir: keeping its data in $outside"
    rmdir "$dir" 2>/dev/null || die "the postgres user cannot enter $dir, and it is not empty: move the checkout"
    mkdir -p "$outside"
    ln -s "$outside" "$dir"
    dir="$outside"
  fi
  is_root && chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "initialising Postgres in $dir"
    as_pg_user "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg_user "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then return; fi
  PG_STARTED_HERE=1
  log "starting Postgres on 127.0.0.1:$port"
  as_pg_user "$bin/pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${PG_FSYNC:-on}" start >/dev/null \
    || die "Postgres failed to start: see $dir/postgres.log"
}

stop_postgres() { # DIR
  local dir="$1" bin
  bin="$(pg_bin_dir)"
  # The physical path: DIR may be a link to a place the postgres user can enter (see ensure_postgres).
  dir="$(cd "$dir" 2>/dev/null && pwd -P)" || return 0
  [ -f "$dir/postmaster.pid" ] && as_pg_user "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# create_database URL: creates the database named in URL when it does not exist.
create_database() {
  local url="$1" name admin
  name="$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)))' "$url")"
  admin="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$url")"
  if [ "$(psql "$admin" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    log "creating database $name"
    psql "$admin" -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

ensure_psql() { command -v psql >/dev/null 2>&1 || apt_install postgresql-client; }

redis_reachable() { # url
  node -e '
    const net = require("node:net"); const u = new URL(process.argv[1]);
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    s.setTimeout(1500); s.on("connect", () => { s.end(); process.exit(0) });
    s.on("error", () => process.exit(1)); s.on("timeout", () => process.exit(1));' "$1"
}

# ensure_redis DIR PORT -> a private Redis as BullMQ needs it in production: noeviction and AOF.
ensure_redis() {
  local dir="$1" port="$2"
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if redis_reachable "redis://127.0.0.1:$port"; then return; fi
  REDIS_STARTED_HERE=1
  log "starting Redis on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --maxmemory-policy noeviction --appendonly yes --save "" >/dev/null
  for _ in $(seq 1 50); do redis_reachable "redis://127.0.0.1:$port" && return; sleep 0.1; done
  die "Redis failed to start: see $dir/redis.log"
}

stop_redis() { # DIR
  local dir="$1"
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium fonts-liberation
}

migrate() { # URL
  log "applying migrations"
  local output
  output="$(cd "$ROOT" && DATABASE_URL="$1" pnpm exec prisma migrate deploy 2>&1)" || { printf '%s\n' "$output" >&2; die "migrations failed"; }
}
