#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks.
#   scripts/pg_cluster.sh start DIR   initdb into DIR (as the postgres user when run as root),
#                                     start it on a free loopback port, print its URL
#   scripts/pg_cluster.sh stop DIR    stop it (the folder stays; remove it yourself)
#   scripts/pg_cluster.sh restart DIR stop and start again on the same port
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user in a
# folder it owns with mode 700.
set -euo pipefail

bin="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$bin/initdb" ] || bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "pg_cluster: PostgreSQL 15 server binaries not found" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|restart DIR" >&2; exit 2; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U dialtrack --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port="$(cat "$dir/port" 2>/dev/null || free_port)"
    as_owner sh -c "echo $port > '$dir/port'"
    # fsync stays on: the durability tests depend on it.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U dialtrack -d postgres -qAt \
      -c "SELECT 1 FROM pg_database WHERE datname = 'dialtrack'" | grep -q 1 \
      || as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U dialtrack dialtrack
    echo "postgresql://dialtrack@127.0.0.1:$port/dialtrack"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  restart)
    "$0" stop "$dir"
    "$0" start "$dir" >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
