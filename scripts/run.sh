#!/usr/bin/env bash
# Installs what is missing, builds the release program at build/dialtrack, and runs the service
# on SQLite. Extra arguments go to `dialtrack serve` (for example --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
exec build/dialtrack serve "$@"
