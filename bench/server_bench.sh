#!/usr/bin/env bash
# Benchmarks `greet server` against two yardsticks speaking the same protocol, side by side in
# one run: bench/epoll_server (single-threaded epoll, the near-limit baseline) and the tutorial's
# Python server (bench/tutorial_server.py, raw mode only, its sleep(1) removed). Linux only: it
# reads the servers' memory from /proc and the load generator uses epoll.
#
#   bench/server_bench.sh [--runs N] [--duration S] [--levels "1 100 200 1000"] [--big N]
#                         [--servers "greet epoll python"] [--skip-build] [--bin DIR] [--out FILE]
#
# Builds the release preset, then for every scenario starts a fresh server (so its peak memory
# belongs to that scenario) on a free loopback port, runs bench/greet_load against it, stops it
# (only the PIDs this script started), and prints Markdown tables of medians over the runs, with
# greet's ratios to the epoll baseline and to the Python server. Raw results go to --out as TSV.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
DURATION=5
LEVELS="1 100 200 1000"
BIG=10000
SERVERS="greet epoll python"
BUILD=1
BIN=$ROOT/build/release
OUT=""

while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --levels) LEVELS=$2; shift 2 ;;
    --big) BIG=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    --bin) BIN=$2; BUILD=0; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "server_bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

GREET=$BIN/greet
LOAD=$BIN/bench/greet_load
EPOLL=$BIN/bench/epoll_server
PYSERVER=$ROOT/bench/tutorial_server.py
BACKLOG=128 # greet's default; given to the Python server too, whose tutorial value is 5
WORK=$(mktemp -d "${TMPDIR:-/tmp}/greet-bench.XXXXXX")
RESULTS=${OUT:-$WORK/results.tsv}
SERVER_PID=""
SERVER_PORT=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

want() { [[ " $SERVERS " == *" $1 "* ]]; }

if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release -j2 >/dev/null)
fi
for f in "$LOAD" "$EPOLL" $(want greet && echo "$GREET"); do
    [ -x "$f" ] || { echo "server_bench.sh: $f is missing (build the release preset)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "server_bench.sh: python3 is required" >&2; exit 1; }
# Each scenario runs on the servers that speak its protocol: the tutorial's has no line mode.
pick() { for s in "$@"; do want "$s" && printf '%s ' "$s"; done; }
LINE_SERVERS=$(pick greet epoll)
ALL_SERVERS=$(pick greet epoll python)

# Every connection is a descriptor in the load generator and in the server.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((BIG + 100)) ]; then
    echo "server_bench.sh: ulimit -n $(ulimit -n) is too low for $BIG connections" >&2
    exit 1
fi

# start_server NAME: starts it on port 0 and waits for the port it prints on stdout: a bare
# number (greet) or "port N" (the yardsticks).
start_server() {
    local out=$WORK/server.out err=$WORK/server.err
    : >"$out"
    case "$1" in
    greet) "$GREET" server --bind 127.0.0.1 --port 0 --max-clients 20000 -q >"$out" 2>"$err" & ;;
    epoll) "$EPOLL" --bind 127.0.0.1 --port 0 >"$out" 2>"$err" & ;;
    python) python3 "$PYSERVER" 0 127.0.0.1 "$BACKLOG" >"$out" 2>"$err" & ;;
    esac
    SERVER_PID=$!
    SERVER_PORT=""
    for _ in $(seq 100); do
        SERVER_PORT=$(sed -nE 's/^(port )?([0-9]+)$/\2/p' "$out" | head -n 1)
        [ -n "$SERVER_PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server_bench.sh: $1 did not start:" >&2
    cat "$err" >&2
    exit 1
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

greeting_for() {
    case "$1" in
    python) printf '%s' 'hello world!' ;;  # the tutorial's: no line ending
    *) printf '%s' 'hello world!\n' ;;     # greet's (docs/protocol.md) and the epoll server's
    esac
}

# measure RUN SCENARIO SERVER MODE CONNS [greet_load options...]: one fresh server, one load run,
# one TSV line "run scenario server mode conns key=value...".
measure() {
    local run=$1 scenario=$2 server=$3 mode=$4 conns=$5 kv
    shift 5
    start_server "$server"
    kv=$("$LOAD" --port "$SERVER_PORT" --pid "$SERVER_PID" --mode "$mode" -c "$conns" \
        --greeting "$(greeting_for "$server")" --kv "$@" 2>>"$WORK/load.err" || true)
    stop_server
    [ -n "$kv" ] || kv="failed=1"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$scenario" "$server" "$mode" "$conns" "$kv" \
        >>"$RESULTS"
    printf '  run %s %-6s %-6s %-5s c=%-5s %s\n' "$run" "$scenario" "$server" "$mode" "$conns" \
        "$(sed -E 's/.*(rate=[0-9]+).*(p99_us=[0-9]+).*(errors=[0-9]+).*/\1 \2 \3/' <<<"$kv")" >&2
}

machine() {
    echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) CPUs:" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM;" \
        "$("$(command -v gcc || echo cc)" --version | head -n 1); $(python3 --version)"
}

: >"$RESULTS"
echo "server_bench.sh: $RUNS runs, ${DURATION}s each, levels $LEVELS, big $BIG" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# Runs are the outer loop and servers alternate inside, so a noisy moment hits all of them.
for run in $(seq "$RUNS"); do
    for conns in $LEVELS; do
        for server in $LINE_SERVERS; do
            measure "$run" rt "$server" line "$conns" -d "$DURATION"
        done
        for server in $ALL_SERVERS; do
            measure "$run" rt "$server" raw "$conns" -d "$DURATION"
        done
    done
    for server in $ALL_SERVERS; do
        measure "$run" churn "$server" churn 50 -d "$DURATION"
    done
    # Many idle-ish clients: every connection does one round trip a second.
    for server in $ALL_SERVERS; do
        measure "$run" big "$server" raw "$BIG" -d "$DURATION" --think 1000 --timeout 15
    done
done

echo "### Machine"
echo
machine
echo "- load average (1, 5, 15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- command: bench/server_bench.sh --runs $RUNS --duration $DURATION --levels \"$LEVELS\" --big $BIG"
python3 "$ROOT/bench/bench_tables.py" "$RESULTS" "$RUNS" "$DURATION"
