#!/usr/bin/env bash
# HTTP load on dialtrack with wrk, beside a ceiling measured in the same run: a bare Beast
# server (bench/http/ping_server.cpp) with the service's I/O threads. Phases: ping (the bare
# server), GET /healthz, ingestion (POST /outbound_call_records, batches of 50), completion
# checks (GET /check_task_completion/{id}), follow-up pages of 50 records
# (GET /task_followup_records/{id}?page_size=50), ping again; every phase is printed as
# requests/s and as a ratio to the mean of the two ping phases. The server's resident memory is
# sampled from /proc. Builds nothing: runs build/dialtrack, or the program in $DIALTRACK_BIN,
# and build-dev/bench/ping_server, or $PING_SERVER_BIN, on a fresh SQLite file in a temporary
# directory (or, with --db postgresql, on a throwaway PostgreSQL 15 cluster started by
# scripts/pg_cluster.sh), and prints a summary table.
#
#   bench/run_http.sh [--db sqlite|postgresql] [--duration 30s] [--threads 2]
#                     [--connections 32] [--tasks 4] [--leads 50000] [--per-task] [--keep]
#                     [--no-ingest] [--profile PHASE] [--events]
# --per-task: each ingestion request carries one task's records (a dialer's callback for one
# job group) instead of records spread over every task. --no-ingest: the GET phases only (on
# tasks without records). --profile PHASE: `perf record -g` on the server during that phase
# (healthz, ingest, check or followup), kept in the work directory (implies --keep).
# --events: during ingestion, bench/http/events_latency.py measures how long after a push is
# acknowledged its task.progress arrives on GET /events (one push every 1.2 s to a task of its own).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
python=/usr/bin/python3  # Debian's, whatever python3 comes first on PATH

duration=30s
threads=2
connections=32
tasks=4
leads=50000
keep=0
backend=sqlite
mix=mixed
ingest=1
profile=""
events=0

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --threads) threads=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --leads) leads=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --per-task) mix=per-task; shift ;;
    --no-ingest) ingest=0; shift ;;
    --profile) profile=$2; keep=1; shift 2 ;;
    --events) events=1; shift ;;
    --db) backend=$2; shift 2 ;;
    --db=*) backend=${1#*=}; shift ;;
    -h | --help) usage 0 ;;
    *) echo "run_http.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done

case "$backend" in
  sqlite | postgresql) ;;
  *) echo "run_http.sh: --db is sqlite or postgresql, not '$backend'" >&2; exit 2 ;;
esac

bin=${DIALTRACK_BIN:-$repo/build/dialtrack}
if [[ ! -x $bin ]]; then
  echo "run_http.sh: no program at $bin; build it (cmake --preset release &&" \
    "cmake --build --preset release) or set DIALTRACK_BIN" >&2
  exit 1
fi
ping_bin=${PING_SERVER_BIN:-$repo/build-dev/bench/ping_server}
if [[ ! -x $ping_bin ]]; then
  echo "run_http.sh: no ping server at $ping_bin; build it (cmake --preset dev &&" \
    "cmake --build --preset dev --target ping_server) or set PING_SERVER_BIN" >&2
  exit 1
fi
if [[ -n $profile ]]; then command -v perf >/dev/null || { echo "run_http.sh: perf is not installed" >&2; exit 1; }; fi
command -v wrk >/dev/null || { echo "run_http.sh: wrk is not installed" >&2; exit 1; }
[[ -x $python ]] || { echo "run_http.sh: $python is missing" >&2; exit 1; }

work=$(mktemp -d /tmp/dialtrack-http-bench.XXXXXX)
server_pid=""
sampler_pid=""
ping_pid=""

cleanup() {
  if [[ -n $sampler_pid ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [[ -n $ping_pid ]]; then kill -TERM "$ping_pid" 2>/dev/null || true; wait "$ping_pid" 2>/dev/null || true; fi
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $backend == postgresql && -f $work/pg/url ]]; then
    "$repo/scripts/pg_cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  fi
  if [[ $keep == 1 ]]; then
    echo "kept $work (database, server log, wrk output)" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

log() { echo "[run_http] $*" >&2; }

# --- the database, then the service; wait for its readiness line ----------------------------
if [[ $backend == postgresql ]]; then
  db=$("$repo/scripts/pg_cluster.sh" start "$work/pg" | tail -n1)
  goal_records=20000 goal_checks=15000
else
  db=$work/bench.db
  goal_records=50000 goal_checks=30000
fi
wait_listening() {  # wait_listening PID STDOUT LOG -> the port of its "listening on" line
  local line
  for _ in $(seq 1 200); do
    if ! kill -0 "$1" 2>/dev/null; then
      echo "run_http.sh: $(basename "$2") exited during start; its log:" >&2
      cat "$3" >&2
      return 1
    fi
    if line=$(grep -m1 '^listening on ' "$2" 2>/dev/null); then
      echo "${line##*:}"
      return 0
    fi
    sleep 0.05
  done
  echo "run_http.sh: no 'listening on' line after 10 s in $2" >&2
  return 1
}
"$bin" serve --listen 127.0.0.1:0 --db "$db" >"$work/stdout" 2>"$work/server.log" &
server_pid=$!
port=$(wait_listening "$server_pid" "$work/stdout" "$work/server.log")
base="http://127.0.0.1:$port"
log "dialtrack pid $server_pid on $base, database $db"
"$ping_bin" --listen 127.0.0.1:0 >"$work/ping.stdout" 2>"$work/ping.log" &
ping_pid=$!
ping_port=$(wait_listening "$ping_pid" "$work/ping.stdout" "$work/ping.log")
ping_base="http://127.0.0.1:$ping_port"
log "ping server pid $ping_pid on $ping_base ($(cat "$work/ping.log"))"

# --- resident memory, sampled every 0.5 s and tagged with the current phase ----------------
echo setup >"$work/phase"
(
  while kill -0 "$server_pid" 2>/dev/null; do
    phase=$(<"$work/phase")
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null) || break
    echo "$phase $rss" >>"$work/rss.samples"
    sleep 0.5
  done
) &
sampler_pid=$!

status_kib() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$server_pid/status"; }
# CPU time (user + system, in clock ticks) the server has used so far. Fields after the
# command name, which is in parentheses: utime and stime are the 12th and 13th.
server_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
ticks_per_s=$(getconf CLK_TCK)

# --- tasks with leads 138%08d, 0 <= i < leads ------------------------------------------------
task_ids=()
for t in $(seq 1 "$tasks"); do
  "$python" -c '
import json, sys
n = int(sys.argv[2])
json.dump({"name": sys.argv[1], "leads": [{"phone": "138%08d" % i} for i in range(n)]}, sys.stdout)
' "bench task $t" "$leads" >"$work/task.json"
  code=$(curl -sS -o "$work/task.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/task.json" "$base/tasks")
  if [[ $code != 201 ]]; then
    echo "run_http.sh: POST /tasks answered $code: $(head -c 500 "$work/task.out")" >&2
    exit 1
  fi
  task_ids+=("$("$python" -c 'import json, sys; print(json.load(sys.stdin)["data"]["task_id"])' \
    <"$work/task.out")")
done
task_csv=$(IFS=,; echo "${task_ids[*]}")
log "created tasks $task_csv with $leads leads each"

# --- load -------------------------------------------------------------------------------------
result_field() {  # result_field FILE KEY -> the value of KEY in the RESULT line
  grep '^RESULT ' "$1" | tr ' ' '\n' | awk -F= -v key="$2" '$1 == key {print $2}'
}

run_wrk() {  # run_wrk PHASE PID URL SCRIPT ARGS...  (PID: the server measured)
  local phase=$1 pid=$2 url=$3 script=$4
  shift 4
  echo "$phase" >"$work/phase"
  # Reset VmHWM so it reports this phase's peak (Linux: write 5 to clear_refs).
  echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || true
  log "$phase: wrk -t$threads -c$connections -d$duration --latency ($(basename "$script") on $url)"
  local ticks_before started perf_pid=""
  if [[ $profile == "$phase" ]]; then
    perf record -g -F 999 -o "$work/perf_$phase.data" -p "$pid" 2>"$work/perf_$phase.log" &
    perf_pid=$!
  fi
  ticks_before=$(server_ticks "$pid")
  started=$(date +%s.%N)
  # wrk's own CPU time (user + system seconds) through bash's `time`.
  local TIMEFORMAT='%U %S'
  { time wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency -s "$script" \
    "$url" -- "$@" >"$work/wrk_$phase.txt" 2>&1; } 2>"$work/wrk_cpu_$phase" ||
    { cat "$work/wrk_$phase.txt" >&2; exit 1; }
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    log "perf data in $work/perf_$phase.data (perf report -i ... --no-children)"
  fi
  grep -q '^RESULT ' "$work/wrk_$phase.txt" || { cat "$work/wrk_$phase.txt" >&2; exit 1; }
  status_kib VmHWM >"$work/hwm_$phase"
  # Cores busy on average during the phase: the server's and wrk's.
  awk -v t0="$ticks_before" -v t1="$(server_ticks "$pid")" -v hz="$ticks_per_s" -v s0="$started" \
    -v s1="$(date +%s.%N)" -v wrk="$(awk '{print $1 + $2}' "$work/wrk_cpu_$phase")" \
    'BEGIN {printf "%.2f / %.2f", (t1 - t0) / hz / (s1 - s0), wrk / (s1 - s0)}' >"$work/cores_$phase"
  echo idle >"$work/phase"
}

status_kib VmHWM >"$work/hwm_setup"
get=$here/http/get.lua
check_paths=() followup_paths=()
for id in "${task_ids[@]}"; do
  check_paths+=("/check_task_completion/$id")
  followup_paths+=("/task_followup_records/$id?page_size=50")
done
run_wrk ping "$ping_pid" "$ping_base" "$get" ping /healthz
run_wrk healthz "$server_pid" "$base" "$get" healthz /healthz
stored=0
if [[ $ingest == 0 ]]; then
  echo "RESULT kind=ingest seconds=0 requests=0 requests_per_s=0 records_per_s=0 accepted=0" \
    "rejected=0 non200=0 socket_errors=0 p50_ms=0 p99_ms=0 max_ms=0" >"$work/wrk_ingest.txt"
  echo 0 >"$work/hwm_ingest"
  echo "- / -" >"$work/cores_ingest"
else
  events_pid=""
  if [[ $events == 1 ]]; then
    "$python" "$here/http/events_latency.py" "$base" \
      --seconds "$(awk -v d="${duration%s}" 'BEGIN {print (d > 10) ? d - 6 : d}')" \
      >"$work/events_latency.txt" 2>&1 &
    events_pid=$!
  fi
  run_wrk ingest "$server_pid" "$base" "$here/http/ingest.lua" "$task_csv" "$leads" "run$$" "$mix"
  if [[ -n $events_pid ]]; then
    wait "$events_pid" || { cat "$work/events_latency.txt" >&2; exit 1; }
  fi
  sleep 1  # let in-flight batches finish before counting what is stored
  for id in "${task_ids[@]}"; do
    n=$(curl -sS "$base/task_followup_records/$id?page_size=1" |
      "$python" -c 'import json, sys; print(json.load(sys.stdin)["data"]["total_records"])')
    stored=$((stored + n))
  done
fi
run_wrk check "$server_pid" "$base" "$get" check "${check_paths[@]}"
run_wrk followup "$server_pid" "$base" "$get" followup "${followup_paths[@]}"
run_wrk ping2 "$ping_pid" "$ping_base" "$get" ping /healthz
rss_after_kib=$(status_kib VmRSS)

kill -TERM "$ping_pid"
wait "$ping_pid" 2>/dev/null || true
ping_pid=""
kill -TERM "$server_pid"
server_exit=0
wait "$server_pid" || server_exit=$?
server_pid=""
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

# --- summary ----------------------------------------------------------------------------------
peak_sample_kib() { awk -v p="$1" '$1 == p && $2 > max {max = $2} END {print max + 0}' \
  "$work/rss.samples"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
verdict() { awk -v v="$1" -v op="$2" -v goal="$3" 'BEGIN {
  ok = (op == ">=") ? (v >= goal) : (v < goal); print ok ? "ok" : "MISSED" }'; }

ing=$work/wrk_ingest.txt
chk=$work/wrk_check.txt
records_per_s=$(result_field "$ing" records_per_s)
checks_per_s=$(result_field "$chk" requests_per_s)
check_p99=$(result_field "$chk" p99_ms)
peak_mib=$(mib "$(awk 'BEGIN {m = 0} {if ($1 + 0 > m) m = $1 + 0} END {print m}' \
  "$work/hwm_ingest" "$work/hwm_check")")

echo
echo "dialtrack HTTP load: $(nproc) cores, wrk -t$threads -c$connections -d$duration per phase," \
  "$tasks tasks x $leads leads, $mix batches, $backend ($(basename "$bin"): $bin)"
ping_mean=$(awk -v a="$(result_field "$work/wrk_ping.txt" requests_per_s)" \
  -v b="$(result_field "$work/wrk_ping2.txt" requests_per_s)" 'BEGIN {printf "%.1f", (a + b) / 2}')
ratio() { awk -v v="$1" -v p="$ping_mean" 'BEGIN {printf "%.3f", (p > 0) ? v / p : 0}'; }
echo "ceiling: ping server ($ping_bin), mean of the first and last phase = $ping_mean requests/s"
# CPU per request (the server's CPU time over its requests) moves much less than requests/s when
# other work shares the machine: it is the column to compare across runs on a busy machine.
printf '%-10s %12s %8s %10s %18s %16s %12s\n' "phase" "requests/s" "/ ping" "goal" "p50 / p99 (ms)" \
  "cores srv / wrk" "srv CPU us/req"
for phase in ping healthz ingest check followup ping2; do
  f=$work/wrk_$phase.txt
  rps=$(result_field "$f" requests_per_s)
  case $phase in
    healthz) goal=">= 0.8" ;;
    check) goal=">= 0.6" ;;
    followup) goal=">= 0.35" ;;
    *) goal="" ;;
  esac
  printf '%-10s %12s %8s %10s %18s %16s %12s\n' "$phase" "$rps" "$(ratio "$rps")" "$goal" \
    "$(result_field "$f" p50_ms) / $(result_field "$f" p99_ms)" "$(cat "$work/cores_$phase")" \
    "$(awk -v c="$(cut -d' ' -f1 "$work/cores_$phase")" -v r="$rps" \
      'BEGIN {printf (r > 0 && c != "-") ? sprintf("%.1f", c * 1e6 / r) : "-"}')"
done
printf 'RATIOS healthz=%s check=%s followup=%s ingest_requests=%s ping=%s\n' \
  "$(ratio "$(result_field "$work/wrk_healthz.txt" requests_per_s)")" \
  "$(ratio "$(result_field "$work/wrk_check.txt" requests_per_s)")" \
  "$(ratio "$(result_field "$work/wrk_followup.txt" requests_per_s)")" \
  "$(ratio "$(result_field "$work/wrk_ingest.txt" requests_per_s)")" "$ping_mean"
echo
printf '%-42s %22s %12s %7s\n' "measure" "measured" "goal" ""
printf '%-42s %22s %12s %7s\n' "ingestion records/s (requests/s x 50)" "$records_per_s" ">= $goal_records" \
  "$(verdict "$records_per_s" ">=" "$goal_records")"
printf '%-42s %22s\n' "ingestion requests/s" "$(result_field "$ing" requests_per_s)"
printf '%-42s %22s\n' "ingestion latency p50 / p99 / max (ms)" \
  "$(result_field "$ing" p50_ms) / $(result_field "$ing" p99_ms) / $(result_field "$ing" max_ms)"
printf '%-42s %22s\n' "records accepted (answers) / stored" \
  "$(result_field "$ing" accepted) / $stored"
printf '%-42s %22s\n' "records rejected, non-200, socket errors" \
  "$(result_field "$ing" rejected), $(result_field "$ing" non200), $(result_field "$ing" socket_errors)"
printf '%-42s %22s %12s %7s\n' "checks/s (32 keep-alive connections)" "$checks_per_s" ">= $goal_checks" \
  "$(verdict "$checks_per_s" ">=" "$goal_checks")"
printf '%-42s %22s %12s %7s\n' "check latency p99 (ms)" "$check_p99" "< 10" \
  "$(verdict "$check_p99" "<" 10)"
printf '%-42s %22s\n' "check latency p50 / max (ms)" \
  "$(result_field "$chk" p50_ms) / $(result_field "$chk" max_ms)"
printf '%-42s %22s\n' "cores busy ingest: server / wrk (of $(nproc))" "$(cat "$work/cores_ingest")"
printf '%-42s %22s\n' "cores busy check: server / wrk (of $(nproc))" "$(cat "$work/cores_check")"
printf '%-42s %22s\n' "check errors (status >= 400, socket)" \
  "$(result_field "$chk" status_errors), $(result_field "$chk" socket_errors)"
printf '%-42s %22s %12s %7s\n' "peak RSS during load (VmHWM, MiB)" "$peak_mib" "< 100" \
  "$(verdict "$peak_mib" "<" 100)"
printf '%-42s %22s\n' "  ingest / check phase peak (VmHWM, MiB)" \
  "$(mib "$(cat "$work/hwm_ingest")") / $(mib "$(cat "$work/hwm_check")")"
printf '%-42s %22s\n' "  sampled max VmRSS ingest / check (MiB)" \
  "$(mib "$(peak_sample_kib ingest)") / $(mib "$(peak_sample_kib check)")"
printf '%-42s %22s\n' "peak RSS creating the tasks (VmHWM, MiB)" "$(mib "$(cat "$work/hwm_setup")")"
printf '%-42s %22s\n' "RSS after load (MiB)" "$(mib "$rss_after_kib")"
if [[ $backend == sqlite ]]; then
  printf '%-42s %22s\n' "database + WAL size after load (MiB)" \
    "$(mib "$(du -ck "$work"/bench.db* 2>/dev/null | tail -n1 | cut -f1)")"
fi
printf '%-42s %22s\n' "server exit status after SIGTERM" "$server_exit"
if [[ $events == 1 && $ingest == 1 ]]; then
  ev=$work/events_latency.txt
  printf '%-42s %22s\n' "/events delivery after ack p50 / p99 / max (ms)" \
    "$(result_field "$ev" p50_ms) / $(result_field "$ev" p99_ms) / $(result_field "$ev" max_ms)"
  printf '%-42s %22s\n' "/events samples / missed" \
    "$(result_field "$ev" samples) / $(result_field "$ev" misses)"
fi
