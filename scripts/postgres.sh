#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the two-node cluster tests on 127.0.0.1:${TL_PG_PORT:-55432}
# (role keycloak / keycloak, local trust auth, data in ${TL_PG_DATA:-/tmp/token-login-pg}).
# `scripts/postgres.sh stop` stops it. Installs Debian's postgresql when it is missing (as root). Idempotent: does nothing when it already runs.
set -euo pipefail
PORT=${TL_PG_PORT:-55432}
DATA=${TL_PG_DATA:-/tmp/token-login-pg}

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN=$(bin_dir)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL server binaries are missing: sudo apt-get install postgresql" >&2
    exit 1
  fi
  echo "Installing PostgreSQL (Debian package postgresql) for the cluster tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(bin_dir)
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-start}" = stop ]; then   # used by the fault test: the database goes away for a moment
  as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  exit 0
fi

if "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  exit 0
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -qtc "SELECT 1 FROM pg_roles WHERE rolname='keycloak'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE ROLE keycloak LOGIN PASSWORD 'keycloak' CREATEDB" >/dev/null
echo "PostgreSQL is running on 127.0.0.1:$PORT"
