#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: formatting and clang-tidy, unit,
# storage, integration (the real binary over loopback HTTP, on SQLite and on a throwaway
# PostgreSQL cluster) and browser tests, then the tests again under AddressSanitizer +
# UndefinedBehaviorSanitizer and under ThreadSanitizer, the libFuzzer targets for a bounded
# time, and the Debian package installed and started. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

step() { printf '\n==== %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "format"
scripts/lint.sh format

step "build (dev: warnings as errors)"
cmake --preset dev >/dev/null
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

step "fuzz (${FUZZ_SECONDS:-30} s per target)"
scripts/fuzz.sh

step "package (release build, cpack, dpkg -i, ExecStart, /healthz, purge)"
scripts/package_test.sh

step "all tests passed"
