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
  libsqlite3-dev sqlite3 libpq-dev libssl-dev libphonenumber-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libxlsxwriter-dev  # XLSX exports (src/export)
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev wrk unzip
  postgresql-15 postgresql-client-15
  # browser tests of the dashboard (driven by playwright-core from npm, no browser download),
  # and a Chinese font for readable screenshots
  chromium fonts-wqy-zenhei
)
# The dashboard is built with Node.js and npm; Debian's (older) ones only when none is on PATH.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${packages[@]}"; do
  if ! installed "$p"; then
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

# libphonenumber-dev depends on the unversioned libboost-thread-dev, that is Boost 1.74, which
# conflicts with the 1.81 packages above. Debian builds libphonenumber with pthreads, not Boost
# (and its headers pick pthreads too), so a local empty package that provides
# libboost-thread-dev stands in for it; installed first, so apt never reaches for 1.74.
shim=dialtrack-boost-thread-shim
if ! installed libphonenumber-dev && ! installed libboost-thread-dev && ! installed "$shim"; then
  shim_dir=$(mktemp -d)
  chmod 755 "$shim_dir" # apt reads the .deb as its own unprivileged user
  mkdir -p "$shim_dir/pkg/DEBIAN"
  printf '%s\n' \
    "Package: $shim" \
    "Version: 1.81.0-1" \
    "Architecture: all" \
    "Maintainer: dialtrack <root@localhost>" \
    "Depends: libboost1.81-dev" \
    "Provides: libboost-thread-dev" \
    "Description: Boost 1.81 standing in for libboost-thread-dev" \
    " Lets libphonenumber-dev install beside Boost 1.81 (dialtrack scripts/setup.sh)." \
    >"$shim_dir/pkg/DEBIAN/control"
  dpkg-deb --root-owner-group --build "$shim_dir/pkg" "$shim_dir/$shim.deb" >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "$shim_dir/$shim.deb"
  rm -rf "$shim_dir"
fi

$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
