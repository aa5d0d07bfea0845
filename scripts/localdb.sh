#!/usr/bin/env bash
# Project-local PostgreSQL cluster in .pgdata/ (git-ignored): data, log and the Unix socket live
# there, and the server listens on no TCP port, so several checkouts never collide.
#
# Only the cluster's owner may enter .pgdata/ and its socket folder, and even then the server asks
# for a password (scram-sha-256): a random one, generated into .pgdata/db-password (mode 0600),
# which the settings read when DATABASE_URL is not set. A cluster made by an earlier version of
# this script (trust authentication) is given a password on its next start.
#
#   scripts/localdb.sh start | stop | status
#
# initdb refuses to run as root, so under root the cluster belongs to the `postgres` OS user.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
base="$root/.pgdata"
data="$base/data"
sock="$base/run"
log="$base/postgres.log"
pwfile="$base/db-password"
db_user=portal
db_name=portal

# The cluster's own version when it was made by an older PostgreSQL still installed (a newer one
# cannot start it), else the newest installed.
bindir=""
if [ -f "$data/PG_VERSION" ] && [ -d "/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin" ]; then
  bindir="/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin"
fi
[ -n "$bindir" ] || bindir="$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)"
if [ -z "$bindir" ]; then
  echo "PostgreSQL server binaries not found: run scripts/system-deps.sh or install 'postgresql'." >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

grant_traverse() {
  # The postgres user must reach .pgdata; a checkout under /root is not reachable by default.
  # Grant only the execute (traverse) bit, through an ACL, on each folder above the checkout.
  local dir="$base"
  while [ "$dir" != / ]; do
    dir="$(dirname "$dir")"
    if ! runuser -u postgres -- test -x "$dir"; then
      setfacl -m u:postgres:x "$dir"
    fi
  done
}

ensure_password_file() {
  # Written by the cluster owner (initdb reads it); root reads it anyway.
  if ! as_owner test -s "$pwfile"; then
    as_owner bash -c 'umask 077; head -c 32 /dev/urandom | base64 | tr -d "/+=\n" > "$1"' _ "$pwfile"
  fi
  as_owner chmod 600 "$pwfile"
}

require_password() {
  # Clusters created with --auth=trust: set the password (still over trust), then demand it.
  local hba="$data/pg_hba.conf"
  if as_owner grep -qE '^[^#]*[[:space:]]trust([[:space:]]|$)' "$hba"; then
    printf "ALTER ROLE %s PASSWORD '%s';\n" "$db_user" "$PGPASSWORD" |
      "$bindir/psql" -h "$sock" -U "$db_user" -d postgres -v ON_ERROR_STOP=1 -q
    as_owner bash -c 'printf "%s\n" "# Unix socket only (no TCP port); every role needs its password." \
      "local all all scram-sha-256" > "$1"' _ "$hba"
    as_owner "$bindir/pg_ctl" -D "$data" reload >/dev/null
    echo "Local PostgreSQL now requires the password in .pgdata/db-password."
  fi
}

running() { as_owner "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; }

tuning() {
  # Sized from this machine's memory rather than PostgreSQL's defaults (128 MB shared buffers,
  # 4 MB work_mem): a cache that holds the report table and its indexes at a million rows, sorts
  # in memory, SSD costs, and no JIT, whose compile time exceeds a list page's whole budget.
  # Capped so that several checkouts' clusters on one machine still fit.
  local mem_mb
  mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  local shared=$((mem_mb / 8)); [ "$shared" -gt 1024 ] && shared=1024; [ "$shared" -lt 128 ] && shared=128
  local cache=$((mem_mb / 2))
  printf '%s ' \
    "-c shared_buffers=${shared}MB" "-c effective_cache_size=${cache}MB" \
    "-c work_mem=16MB" "-c maintenance_work_mem=256MB" "-c random_page_cost=1.1" \
    "-c effective_io_concurrency=200" "-c jit=off" "-c max_wal_size=2GB" \
    "-c checkpoint_completion_target=0.9"
}

start() {
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "The 'postgres' OS user is missing (install 'postgresql')." >&2; exit 1; }
    grant_traverse
    chown postgres: "$base"
  fi
  chmod 700 "$base"
  ensure_password_file
  PGPASSWORD="$(cat "$pwfile")"
  export PGPASSWORD
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "Creating the local PostgreSQL cluster in .pgdata/ ..."
    as_owner "$bindir/initdb" -D "$data" -U "$db_user" --auth=scram-sha-256 --pwfile="$pwfile" \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_owner mkdir -p "$sock"
  as_owner chmod 700 "$sock"
  if ! running; then
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c unix_socket_permissions=0700 $(tuning)" \
      start >/dev/null
  fi
  require_password
  if ! "$bindir/psql" -h "$sock" -U "$db_user" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
    "$bindir/createdb" -h "$sock" -U "$db_user" "$db_name"
  fi
  echo "Local PostgreSQL is up (socket in .pgdata/run, database '$db_name')."
}

stop() {
  if [ -f "$data/PG_VERSION" ] && running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "Local PostgreSQL stopped."
  else
    echo "Local PostgreSQL is not running."
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if [ -f "$data/PG_VERSION" ] && running; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
