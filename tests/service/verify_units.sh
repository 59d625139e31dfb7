#!/usr/bin/env bash
# ctest Service.SystemdUnitsVerify: `systemd-analyze verify` on the greet.service and greet.socket
# that `cmake --install` ships, with ExecStart pointed at the program just built (verify checks
# that it exists). Fails on any complaint, not just on the exit code: systemd-analyze reports
# unknown keys and bad values as warnings and still exits 0. Exit 77 (skipped) where
# systemd-analyze is missing or cannot verify even a trivial unit here.
#   verify_units.sh BUILT_GREET_SERVICE SOURCE_GREET_SOCKET GREET_EXE
set -euo pipefail
service=$1 socket=$2 greet=$3

if ! command -v systemd-analyze >/dev/null; then
    echo "systemd-analyze not found (Debian package systemd): skipped"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '[Service]\nExecStart=/bin/true\n' >"$work/probe.service"
if ! systemd-analyze verify --man=no "$work/probe.service" >"$work/probe.log" 2>&1 ||
    [[ -s $work/probe.log ]]; then
    echo "systemd-analyze cannot verify units here: skipped"
    cat "$work/probe.log"
    exit 77
fi

sed -E "s#^ExecStart=[^ ]+#ExecStart=$greet#" "$service" >"$work/greet.service"
cp "$socket" "$work/greet.socket"
grep -q "^ExecStart=$greet server" "$work/greet.service"
rc=0
systemd-analyze verify --man=no "$work/greet.socket" "$work/greet.service" >"$work/log" 2>&1 || rc=$?
cat "$work/log"
if ((rc != 0)) || [[ -s $work/log ]]; then
    echo "systemd-analyze verify complained about the units (exit $rc)" >&2
    exit 1
fi
echo "greet.socket and greet.service verified"
