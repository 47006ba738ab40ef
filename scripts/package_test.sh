#!/usr/bin/env bash
# Builds the release program (preset release, build/), packages it with cpack, installs the .deb
# on this machine with dpkg -i, starts the service the way systemd would (the unit's ExecStart
# line, as its User, in its WorkingDirectory, with its Environment), checks /healthz, a write and
# the database file under /var/lib/dialtrack, stops it with SIGTERM (exit 0), then removes and
# purges the package and checks that everything is gone.
# Needs root and no dialtrack package installed. With no systemd running (containers) the unit
# cannot be started by systemctl; its hardening is checked offline by systemd-analyze.
# SKIP_BUILD=1 packages the existing build/ as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
note() { echo "package_test: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "must run as root (dpkg -i)"
  exec sudo --preserve-env=SKIP_BUILD,DIALTRACK_LISTEN "$0" "$@"
fi
if dpkg-query -W -f='${Status}' dialtrack 2>/dev/null | grep -q "ok installed"; then
  fail "a dialtrack package is already installed; remove it first (dpkg --purge dialtrack)"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)"
fi
rm -f build/dialtrack_*.deb
(cd build && cpack -G DEB >/dev/null)
deb="$(ls build/dialtrack_*.deb)"
note "built $deb"
dpkg-deb -I "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/  \1:/p'
contents="$(dpkg-deb -c "$deb")"
for path in ./usr/bin/dialtrack ./usr/lib/systemd/system/dialtrack.service \
            ./etc/dialtrack/dialtrack.toml; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/dialtrack/dialtrack.toml ||
  fail "dialtrack.toml is not a conffile"
dpkg-deb -f "$deb" Depends | grep -q libsqlite3 || fail "Depends lacks the shared libraries"

server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if dpkg-query -W -f='${Status}' dialtrack 2>/dev/null | grep -q "installed"; then
    dpkg --purge dialtrack >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

dpkg -i "$deb"
unit=/usr/lib/systemd/system/dialtrack.service
[ -x /usr/bin/dialtrack ] || fail "/usr/bin/dialtrack missing after install"
[ -f "$unit" ] || fail "$unit missing after install"
getent passwd dialtrack >/dev/null || fail "no dialtrack user after install"
[ "$(stat -c %U /var/lib/dialtrack)" = dialtrack ] || fail "/var/lib/dialtrack not owned by dialtrack"
[ "$(stat -c '%G %a' /etc/dialtrack/dialtrack.toml)" = "dialtrack 640" ] ||
  fail "dialtrack.toml should be root:dialtrack 0640"
[ -L /etc/systemd/system/multi-user.target.wants/dialtrack.service ] ||
  fail "the unit is not enabled"
/usr/bin/dialtrack --version

# The unit as systemd reads it, and its exposure score (offline: no systemd runs here).
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
if systemd-analyze security --offline=true "$unit" >build/package-security.txt 2>&1; then
  note "$(grep -E 'Overall exposure level' build/package-security.txt)"
else
  note "systemd-analyze security --offline failed; see build/package-security.txt"
fi

# Start the service as systemd would: ExecStart as User= in WorkingDirectory= with Environment=.
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -1; }
exec_start="$(unit_value ExecStart)"
user="$(unit_value User)"
workdir="$(unit_value WorkingDirectory)"
[ -n "$exec_start" ] && [ -n "$user" ] && [ -n "$workdir" ] || fail "unit lacks ExecStart/User/WorkingDirectory"
env_args=()
while IFS= read -r assignment; do
  [ -n "$assignment" ] && env_args+=("$assignment")
done < <(sed -n 's/^Environment=//p' "$unit")
read -r -a command <<<"$exec_start"
note "starting: $exec_start (as $user in $workdir)"
out="$(mktemp)"
err="$(mktemp)"
# Port 0 (a free port) instead of the config's 8080, through the environment, which wins over
# the config file.
(cd "$workdir" && exec setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$workdir" "${env_args[@]}" \
  DIALTRACK_LISTEN="${DIALTRACK_LISTEN:-127.0.0.1:0}" "${command[@]}") >"$out" 2>"$err" &
server_pid=$!

address=""
for _ in $(seq 1 300); do
  address="$(sed -n 's/^listening on //p' "$out")"
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$err" >&2; fail "the service exited at start"; }
  sleep 0.1
done
[ -n "$address" ] || { cat "$err" >&2; fail "no 'listening on' line within 30 s"; }
note "listening on $address"

code="$(curl -s -o /dev/null -w '%{http_code}' "http://$address/healthz")"
[ "$code" = 200 ] || fail "/healthz answered $code"
created="$(curl -s -w '\n%{http_code}' -X POST "http://$address/tasks" \
  -d '{"name": "package test", "leads": [{"phone": "13800138000"}]}')"
[ "$(tail -1 <<<"$created")" = 201 ] || fail "POST /tasks: $created"
db=/var/lib/dialtrack/dialtrack.db
[ -f "$db" ] || fail "$db was not created"
[ "$(stat -c %U "$db")" = dialtrack ] || fail "$db is not owned by dialtrack"
note "/healthz 200, a task stored in $db"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { cat "$err" >&2; fail "the service exited $status on SIGTERM"; }
note "stopped by SIGTERM, exit 0"
rm -f "$out" "$err"

# Remove keeps the data, the config and the user; purge removes them.
dpkg -r dialtrack >/dev/null
[ ! -e /usr/bin/dialtrack ] || fail "/usr/bin/dialtrack left after remove"
[ ! -e "$unit" ] || fail "$unit left after remove"
[ -f "$db" ] || fail "remove deleted the database"
[ -f /etc/dialtrack/dialtrack.toml ] || fail "remove deleted the conffile"
dpkg --purge dialtrack >/dev/null
[ ! -e /var/lib/dialtrack ] || fail "/var/lib/dialtrack left after purge"
[ ! -e /etc/dialtrack ] || fail "/etc/dialtrack left after purge"
[ ! -e /etc/systemd/system/multi-user.target.wants/dialtrack.service ] ||
  fail "the unit's enable link left after purge"
! getent passwd dialtrack >/dev/null || fail "the dialtrack user left after purge"
note "remove kept data and config; purge removed package, data, config and user"
note "PASS"
