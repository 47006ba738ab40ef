#!/usr/bin/env bash
# Exports of a large task over HTTP (SPEC §7): seeds one task with N leads (name, two attrs)
# and N call records (one per lead, with an extra field) through `dialtrack import-leads` and
# `dialtrack import-records` on a fresh SQLite file, then, for each of records.csv,
# records.xlsx, leads.csv and leads.xlsx, starts the server afresh, downloads the export with
# curl and prints the time, the bytes, the rows and the server's peak resident memory (VmHWM
# from /proc, which covers the whole life of the process: the start-up alone is printed first).
# Builds nothing: runs build/dialtrack, or the program in $DIALTRACK_BIN.
#
#   bench/run_export.sh [--rows 1000000] [--keep] [--reuse DIR]
# --reuse DIR: the directory a --keep run left (its bench.db): no seeding.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
bin=${DIALTRACK_BIN:-$repo/build/dialtrack}
rows=1000000
keep=0
reuse=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --reuse) reuse=$2; keep=1; shift 2 ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_export.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "run_export.sh: no program at $bin (set DIALTRACK_BIN)" >&2; exit 2; }

if [[ -n $reuse ]]; then work=$reuse; else work=$(mktemp -d /tmp/dialtrack-export-bench.XXXXXX); fi
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ $keep -eq 0 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
db=$work/bench.db
port=$((20000 + RANDOM % 20000))

start_server() {
  "$bin" serve --db "$db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
hwm_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }

if [[ -z $reuse ]]; then
echo "seeding $rows leads and $rows records in $db" >&2
start_server
curl -sf -X POST "http://127.0.0.1:$port/tasks" -H 'Content-Type: application/json' \
  -d '{"name":"export bench","leads":[{"phone":"13000000000"}]}' >/dev/null
stop_server
awk -v n="$rows" 'BEGIN {
  print "phone,name,city,segment"
  for (i = 1; i <= n; i++) printf "%.0f,客户 %d,杭州,s%d\n", 13100000000 + i, i, i % 7
}' >"$work/leads.csv"
awk -v n="$rows" 'BEGIN {
  print "call_id,task_id,phone,call_status,started_at,ended_at,duration,hangup_cause"
  for (i = 1; i <= n; i++) {
    s = 1772352000 + i
    printf "c-%d,1,%.0f,%s,%d,%d,%d,client\n", i, 13100000000 + i, (i % 3 ? "NoAnswer" : "SucceededFinish"), s, s + 30, 30
  }
}' >"$work/records.csv"
"$bin" import-leads 1 "$work/leads.csv" --db "$db" >&2
"$bin" import-records "$work/records.csv" --db "$db" >&2
rm -f "$work/leads.csv" "$work/records.csv"
fi

printf '%-14s %10s %12s %10s %14s %14s\n' export seconds bytes rows "start MiB" "peak MiB"
for file in records.csv records.xlsx leads.csv leads.xlsx; do
  start_server
  base=$(hwm_mib)
  out=$work/out.$file
  t0=$(date +%s.%N)
  curl -sf "http://127.0.0.1:$port/tasks/1/$file" -o "$out"
  t1=$(date +%s.%N)
  peak=$(hwm_mib)
  bytes=$(stat -c %s "$out")
  if [[ $file == *.csv ]]; then
    lines=$(($(wc -l <"$out") - 1))
  else
    # The last row of the first sheet, from its <dimension ref="A1:X1000001"/> (one sheet
    # holds up to 1,048,575 rows besides its header).
    last=$({ unzip -p "$out" xl/worksheets/sheet1.xml || true; } | head -c 2000 | sed -n 's/.*<dimension ref="[A-Z]*1:[A-Z]*\([0-9]*\)".*/\1/p')
    lines=$((last - 1))
  fi
  printf '%-14s %10.1f %12s %10s %14s %14s\n' "$file" "$(echo "$t1 - $t0" | bc)" "$bytes" "$lines" "$base" "$peak"
  rm -f "$out"
  stop_server
done
