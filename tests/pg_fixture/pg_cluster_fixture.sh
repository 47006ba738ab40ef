#!/usr/bin/env bash
# The CTest fixture `pg_cluster` (see pg_fixture.cmake): a throwaway PostgreSQL cluster for the
# tests of one ctest run.
#   pg_cluster_fixture.sh start DIR   start a fresh cluster; scripts/pg_cluster.sh writes its
#                                     URL to DIR/url
#   pg_cluster_fixture.sh stop DIR    stop it and delete its data
# With DIALTRACK_TEST_PG_URL set the tests use that server instead and both steps do nothing.
set -euo pipefail

cluster="$(cd "$(dirname "$0")/../.." && pwd)/scripts/pg_cluster.sh"
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

if [ -n "${DIALTRACK_TEST_PG_URL:-}" ]; then
  echo "pg_cluster: the tests use DIALTRACK_TEST_PG_URL; no cluster of our own"
  exit 0
fi

case "$cmd" in
  start)
    # A cluster left behind by an interrupted run would refuse a second start.
    "$cluster" stop "$dir"
    "$cluster" start "$dir"
    ;;
  stop) "$cluster" stop "$dir" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
