#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster on loopback (Debian's `postgresql`), then stops it and
# deletes it. The command sees TAKESENSE_TEST_POSTGRES=postgres://takesense@127.0.0.1:PORT/takesense.
#
#   Scripts/with-postgres.sh swift test --skip-build --filter DailiesTests
#
# The server runs as the `postgres` system user (initdb refuses root), through runuser when run as root.
set -euo pipefail
port=${TAKESENSE_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "with-postgres: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 1; }
id postgres >/dev/null 2>&1 || { echo "with-postgres: no 'postgres' system user" >&2; exit 1; }
dir=$(mktemp -d /tmp/takesense-pg.XXXXXX)
chown postgres "$dir"
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
stop() {
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -q -c "CREATE ROLE takesense LOGIN CREATEDB" -c "CREATE DATABASE takesense OWNER takesense" >/dev/null
export TAKESENSE_TEST_POSTGRES="postgres://takesense@127.0.0.1:$port/takesense"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port ($dir)" >&2
"$@"
