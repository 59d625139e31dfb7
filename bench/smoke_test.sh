#!/usr/bin/env bash
# ctest's check that the benchmark still works (not a benchmark: a few round trips each): runs
# greet_load in every mode and with both engines against greet server (each model), the epoll
# yardstick, the libuv one when built and, where python3 is present, the tutorial's server, and
# expects every reply byte-exact.
#   smoke_test.sh GREET_LOAD EPOLL_SERVER GREET [LIBUV_SERVER]
set -euo pipefail
LOAD=$1
EPOLL=$2
GREET=$3
LIBUV=${4:-}
PYSERVER=$(cd "$(dirname "$0")" && pwd)/tutorial_server.py
WORK=$(mktemp -d "${TMPDIR:-/tmp}/greet-bench-smoke.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME COMMAND...: runs it, sets PORT to the port it prints ("N" or "port N"). Not in a
# subshell, so that PIDS keeps the server for cleanup.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PIDS+=($!)
    for _ in $(seq 100); do
        PORT=$(sed -nE 's/^(port )?([0-9]+)$/\2/p' "$WORK/$name.out" | head -n 1)
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "smoke_test.sh: $name did not start" >&2
    cat "$WORK/$name.err" >&2
    return 1
}

# check PORT GREETING MODES: every mode with both engines and with two event loops.
check() {
    local port=$1 greeting=$2 mode
    for mode in $3; do
        for engine in "--engine epoll" "--engine threads" "--engine epoll --threads 2"; do
            # shellcheck disable=SC2086 # engine holds two words on purpose
            "$LOAD" --port "$port" --greeting "$greeting" --mode "$mode" -c 4 --count 25 \
                --timeout 5 --kv $engine >"$WORK/load.out" ||
                { echo "FAILED: port $port, $mode, $engine:"; cat "$WORK/load.out"; exit 1; }
            echo "ok: port $port, $mode, $engine: $(cut -d' ' -f7-8 "$WORK/load.out")"
        done
    done
}

start greet "$GREET" server --bind 127.0.0.1 --port 0 -q --model events --workers 2
check "$PORT" 'hello world!\n' "line raw churn"
start greet-threads "$GREET" server --bind 127.0.0.1 --port 0 -q --model threads
check "$PORT" 'hello world!\n' "line raw churn"
if [ -n "$LIBUV" ]; then
    start libuv "$LIBUV" --port 0
    check "$PORT" 'hello world!\n' "line raw churn"
fi
start epoll "$EPOLL" --port 0
check "$PORT" 'hello world!\n' "line raw churn"
if command -v python3 >/dev/null; then
    start python python3 "$PYSERVER" 0
    check "$PORT" 'hello world!' "raw churn"
else
    echo "python3 not found: the tutorial server's check is skipped"
fi
