#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: formatting, the dependency rule,
# clang-tidy, unit, storage, integration (the real binary over loopback HTTP, on SQLite and on a
# throwaway PostgreSQL cluster) and browser tests, then the tests again under AddressSanitizer +
# UndefinedBehaviorSanitizer and under ThreadSanitizer, the libFuzzer targets for a bounded
# time, and the Debian package installed and started. Exits non-zero on the first failure.
#
# Compilation goes through ccache with one cache per machine (DIALTRACK_CACHE_DIR, default
# /var/cache/dialtrack as root, else ~/.cache/dialtrack), keyed on paths relative to the clone,
# so a fresh clone in another folder reuses what an earlier run compiled; clang-tidy results are
# cached there too (scripts/tidy_cached.py). Each preset builds only what its step runs: the
# sanitizer builds leave the benchmarks out, the fuzz build only the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

if [ "$(id -u)" -eq 0 ]; then
  default_cache=/var/cache/dialtrack
else
  default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/dialtrack"
fi
export DIALTRACK_CACHE_DIR="${DIALTRACK_CACHE_DIR:-$default_cache}"
export CCACHE_DIR="${CCACHE_DIR:-$DIALTRACK_CACHE_DIR/ccache}"
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
mkdir -p "$CCACHE_DIR"

started=$SECONDS
step_started=$SECONDS
step_name=""
timings=()
finish_step() {
  if [ -n "$step_name" ]; then
    timings+=("$(printf '%5ds  %s' $((SECONDS - step_started)) "$step_name")")
  fi
}
step() {
  finish_step
  step_name="$*"
  step_started=$SECONDS
  printf '\n==== %s\n' "$*"
}
report() {
  finish_step
  step_name=""
  printf '\n==== time per step\n'
  printf '%s\n' "${timings[@]}"
  printf '%5ds  in all\n' $((SECONDS - started))
}
trap report EXIT

step "setup"
scripts/setup.sh

step "format"
scripts/lint.sh format

step "configure (dev) and the dependency rule (includes and links, docs/architecture.md)"
mkdir -p build-dev/graph
cmake --preset dev --graphviz=build-dev/graph/deps.dot >/dev/null
scripts/check_deps.py build-dev/graph/deps.dot

step "build (dev: warnings as errors)"
cmake --build --preset dev -j"$jobs"

step "tests (dev)"
ctest --preset dev -j"$jobs"

step "clang-tidy"
scripts/lint.sh tidy build-dev

step "build (asan-ubsan)"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j"$jobs"

step "tests (asan-ubsan)"
ctest --preset asan-ubsan -j"$jobs"

# ThreadSanitizer, the libFuzzer targets for a bounded time each, and the Debian package
# installed, started through its unit's ExecStart and purged (see README "Developing").
step "build (tsan)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$jobs"

step "tests (tsan: unit, storage, integration; SQLite and PostgreSQL)"
# Reports go to files (TSAN_OPTIONS log_path), so a race in a server process that a test did
# not notice (say, at shutdown) still fails this step.
rm -rf build-tsan/tsan-reports && mkdir -p build-tsan/tsan-reports
ctest --preset tsan -j"$jobs"
if [ -n "$(ls -A build-tsan/tsan-reports)" ]; then
  cat build-tsan/tsan-reports/* >&2
  echo "ThreadSanitizer reports above" >&2
  exit 1
fi

step "build (fuzz: clang, libFuzzer + ASan + UBSan)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"

step "fuzz (${FUZZ_SECONDS:-30} s per target, $jobs at a time)"
FUZZ_JOBS="$jobs" scripts/fuzz.sh

step "package (release build, cpack, dpkg -i, ExecStart, /healthz, purge)"
scripts/package_test.sh

step "all tests passed"
ccache --show-stats 2>/dev/null | sed -n '/Hits/,/Misses/p' || true
