#!/usr/bin/env bash
# Style checks that CI enforces: `lint.sh format` (clang-format, no changes allowed) and
# `lint.sh tidy BUILD_DIR` (clang-tidy with the repository's .clang-tidy over src/, cached per
# file by what it is made of).
set -euo pipefail
cd "$(dirname "$0")/.."

files() { git ls-files -co --exclude-standard -- "$@" | while read -r f; do [ -f "$f" ] && echo "$f"; done; }

case "${1:-}" in
  format)
    # shellcheck disable=SC2046
    clang-format --dry-run --Werror $(files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp')
    echo "lint: clang-format clean"
    ;;
  tidy)
    build_dir="${2:-build-dev}"
    # Each file is checked again only when it, a header it includes, .clang-tidy or clang-tidy
    # changed (scripts/tidy_cached.py).
    scripts/tidy_cached.py "$build_dir" "$(nproc)"
    echo "lint: clang-tidy clean"
    ;;
  *)
    echo "usage: $0 format | tidy [BUILD_DIR]" >&2
    exit 2
    ;;
esac
