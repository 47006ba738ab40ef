#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks.
#   scripts/pg_cluster.sh start DIR    initdb and start a cluster on a free loopback port; print its URL
#   scripts/pg_cluster.sh stop DIR     stop it and delete its data
#   scripts/pg_cluster.sh restart DIR  stop and start it again on the same port, keeping the data
# DIR is this script's handle on the cluster (it holds `port`, `url` and the path of the data).
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user, with its
# data in a fresh folder under /tmp that it owns with mode 700 (the checkout may sit where the
# postgres user cannot reach).
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
mkdir -p "$dir"

start() {
  local data port
  if [ -f "$dir/datadir" ]; then
    data="$(cat "$dir/datadir")"
  else
    data="$(mktemp -d /tmp/dialtrack-pg.XXXXXX)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
    chmod 700 "$data"
    as_owner "$bin/initdb" -D "$data/data" -U dialtrack --auth=trust --no-sync -E UTF8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    echo "$data" >"$dir/datadir"
  fi
  port="$(cat "$dir/port" 2>/dev/null || free_port)"
  echo "$port" >"$dir/port"
  # fsync stays on: acknowledged writes must survive the restarts the tests make.
  as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$data' -c max_connections=300" \
    start >/dev/null || { cat "$data/server.log" >&2; exit 1; }
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U dialtrack -d postgres -qAt \
      -c "SELECT 1 FROM pg_database WHERE datname = 'dialtrack'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U dialtrack dialtrack
  fi
  echo "postgresql://dialtrack@127.0.0.1:$port/dialtrack" | tee "$dir/url"
}

stop() {
  [ -f "$dir/datadir" ] || return 0
  as_owner "$bin/pg_ctl" -D "$(cat "$dir/datadir")/data" -m fast -w stop >/dev/null || true
}

case "$cmd" in
  start) start ;;
  stop)
    stop
    if [ -f "$dir/datadir" ]; then rm -rf "$(cat "$dir/datadir")" "$dir/datadir" "$dir/port" "$dir/url"; fi
    ;;
  restart) stop; start >/dev/null ;;
  *) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
