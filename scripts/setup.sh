#!/usr/bin/env bash
# Installs the Debian 12 packages dialtrack needs to build, run and test.
# Idempotent: packages already present are skipped. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates curl ccache
  clang clang-format clang-tidy libclang-rt-14-dev
  # libraries (Boost: only the 1.81-named packages; the unversioned ones are 1.74)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev wrk
  postgresql-15 postgresql-client-15
  # browser tests of the dashboard (driven by playwright-core from npm, no browser download),
  # and a Chinese font for readable screenshots
  chromium fonts-wqy-zenhei
)
# The dashboard is built with Node.js and npm; Debian's (older) ones only when none is on PATH.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
