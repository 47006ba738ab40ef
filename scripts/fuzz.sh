#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time (FUZZ_SECONDS, default 30) and fails
# on any crash, leak, timeout or sanitizer report. Build them first:
#   cmake --preset fuzz && cmake --build --preset fuzz
# FUZZ_JOBS (default 1) targets run at a time, one core each.
# Usage: scripts/fuzz.sh [TARGET...]   (TARGET: task_create record_batch check_request phone
# timestamp ...; default: every fuzz/corpus/* that has a built *_fuzzer). Prints exec/s and the
# coverage reached (cov: edges, ft: features) per target.
# New inputs go to build-fuzz/corpus/NAME (kept between runs, not committed); the committed seeds
# in fuzz/corpus/NAME are only read. A failing input is saved as build-fuzz/artifacts/NAME-*.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

parallel="${FUZZ_JOBS:-1}"

# One target for `seconds`; leaves its summary line in $build/fuzz-NAME.summary and, when it
# found something, $build/fuzz-NAME.failed.
fuzz_one() {
  local name="$1"
  local bin="$build/fuzz/${name}_fuzzer"
  local work="$build/corpus/$name"
  mkdir -p "$work" "$build/artifacts"
  rm -f "$build/fuzz-$name.failed"
  local args=(-max_total_time="$seconds" -detect_leaks=1 -timeout=10 -rss_limit_mb=2048
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-")
  case "$name" in
    task_create | record_batch | check_request) args+=(-dict=fuzz/dict/json.dict) ;;
    *) [ -f "fuzz/dict/$name.dict" ] && args+=(-dict="fuzz/dict/$name.dict") ;;
  esac
  local log="$build/fuzz-$name.log"
  echo "fuzz: $name for ${seconds}s"
  local status=0
  "$bin" "${args[@]}" "$work" "fuzz/corpus/$name" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ] ||
     grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$log"; then
    echo "fuzz: $name FAILED (exit $status); log $log:" >&2
    grep -E -A30 'ERROR:|runtime error:|deadly signal|Test unit written' "$log" | head -60 >&2
    touch "$build/fuzz-$name.failed"
  fi
  # The last status line ("#N DONE cov: X ft: Y corp: ...") and libFuzzer's final stats.
  local done_line runs per_sec cov ft corp
  done_line="$(grep -E '^#[0-9]+' "$log" | tail -1)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  per_sec="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
  corp="$(sed -n 's/.* corp: \([0-9/a-zA-Z]*\).*/\1/p' <<<"$done_line")"
  printf '%-14s runs %-10s exec/s %-8s cov: %-6s ft: %-6s corp: %s\n' \
    "$name" "${runs:-?}" "${per_sec:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    >"$build/fuzz-$name.summary"
}

for name in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/${name}_fuzzer" ]; then
    echo "fuzz: $build/fuzz/${name}_fuzzer is not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
    exit 2
  fi
done
# FUZZ_JOBS targets at a time (each libFuzzer process uses one core).
for name in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
    wait -n || true
  done
  fuzz_one "$name" &
done
wait

summary=()
failed=0
for name in "${targets[@]}"; do
  summary+=("$(cat "$build/fuzz-$name.summary" 2>/dev/null || echo "$name: no summary")")
  [ -f "$build/fuzz-$name.failed" ] && failed=1
done

echo
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding"
