#!/usr/bin/env bash
# Install and start what scripts/record_bluesky_cassettes.py needs, on Debian, as root:
# @atproto/dev-env (npm), PostgreSQL and Redis. Prints the environment to export.
# Measured on a shared 2-core machine: npm install 2 min (475 packages, a native
# better-sqlite3 build), then the network starts in 13-26 s.
#
#   eval "$(bash scripts/bluesky_devenv_setup.sh)"
#   python scripts/record_bluesky_cassettes.py
set -euo pipefail
DIR="${BLUESKY_DEVENV_DIR:-/tmp/bsky-devenv}"
PGPORT="${BLUESKY_PG_PORT:-5433}"
REDISPORT="${BLUESKY_REDIS_PORT:-6390}"
export DEBIAN_FRONTEND=noninteractive
{
  # Only what is missing: a machine with NodeSource's nodejs (which bundles npm) cannot
  # install Debian's npm package next to it.
  need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v npm >/dev/null || need+=(nodejs npm)
  if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need[@]}"
  fi
  mkdir -p "$DIR"
  [ -d "$DIR/node_modules/@atproto/dev-env" ] \
    || (cd "$DIR" && npm install --no-audit --no-fund @atproto/dev-env@0.3.215)
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  if [ ! -d "$DIR/pg" ]; then
    install -d -o postgres "$DIR/pg"
    su postgres -s /bin/sh -c "$PGBIN/initdb -D $DIR/pg/data -A trust -U pg"
  fi
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR/pg/data -l $DIR/pg/log -w \
    -o '-p $PGPORT -k $DIR/pg -c listen_addresses=127.0.0.1' start" || true
  redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 \
    || redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --daemonize yes
} >&2
echo "export DB_POSTGRES_URL=postgresql://pg@127.0.0.1:$PGPORT/postgres"
echo "export REDIS_HOST=127.0.0.1:$REDISPORT"
echo "export NODE_PATH=$DIR/node_modules"
