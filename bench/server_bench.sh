#!/usr/bin/env bash
# Benchmarks `greet server` in its models against yardsticks speaking the same protocol, side by
# side in one run: bench/epoll_server (single-threaded epoll, the near-limit baseline),
# bench/libuv_server (one libuv loop; built where libuv is found) and, on request, the tutorial's
# Python server (bench/tutorial_server.py, raw mode only, its sleep(1) removed). Linux only: it
# reads the servers' memory from /proc and the load generator uses epoll.
#
#   bench/server_bench.sh [--runs N] [--duration S] [--levels "1 100 1000 10000"] [--big N]
#                         [--servers "greet-events-1 greet-threads ..."] [--no-pin]
#                         [--skip-build] [--bin DIR] [--out FILE]
#
# Servers: greet-events-1 (--model events --workers 1), greet-events-2 (--workers 2, never
# pinned), greet-threads (--model threads), greet-processes (--model processes; its memory is
# summed over the server and all its children), epoll, libuv, python. Pinned by default (taskset):
# the server on CPU 1, the load generator on CPU 0, since unpinned runs on two CPUs flip by 2x
# with scheduling. Builds the release preset, then for every scenario starts a fresh server (so
# its peak memory belongs to that scenario) on a free loopback port, runs bench/greet_load
# against it, stops it (only the PIDs this script started), and prints Markdown tables of
# medians over the runs with ratios to greet-events-1. Scenarios: ping-pong round trips at each
# level in line and raw mode, connection churn, --big idle-ish connections (one round trip a
# second each: memory), and --delay 1000 with --big clients each sending as soon as its reply
# came (the tutorial's sleep(1): about --big replies a second; measured for at least 5 s after a
# 1 s warm-up, whatever --duration, so that the first reply's delay does not cap the rate). Raw
# results go to --out as TSV.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
DURATION=5
LEVELS="1 100 1000 10000"
BIG=10000
SERVERS="greet-events-1 greet-threads greet-processes greet-events-2 epoll libuv"
PIN=1
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
    --no-pin) PIN=0; shift ;;
    --skip-build) BUILD=0; shift ;;
    --bin) BIN=$2; BUILD=0; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "server_bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

GREET=$BIN/greet
LOAD=$BIN/bench/greet_load
EPOLL=$BIN/bench/epoll_server
LIBUV=$BIN/bench/libuv_server
PYSERVER=$ROOT/bench/tutorial_server.py
BACKLOG=128 # greet's default; given to the Python server too, whose tutorial value is 5
WORK=$(mktemp -d "${TMPDIR:-/tmp}/greet-bench.XXXXXX")
RESULTS=${OUT:-$WORK/results.tsv}
SERVER_PID=""
SERVER_PORT=""
SERVER_EXTRA=() # more greet server options for one scenario (--delay)

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
for f in "$LOAD" "$GREET" $(want epoll && echo "$EPOLL") $(want libuv && echo "$LIBUV"); do
    [ -x "$f" ] || { echo "server_bench.sh: $f is missing (build the release preset; libuv_server needs libuv1-dev)" >&2; exit 1; }
done
if want python; then
    command -v python3 >/dev/null || { echo "server_bench.sh: python3 is required" >&2; exit 1; }
fi
if [ "$PIN" = 1 ] && { ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; }; then
    echo "server_bench.sh: pinning needs taskset and 2 CPUs (or use --no-pin)" >&2
    exit 1
fi
# Each scenario runs on the servers that speak its protocol: the tutorial's has no line mode and
# only greet has --delay.
pick() { for s in "$@"; do if want "$s"; then printf '%s ' "$s"; fi; done; }
LINE_SERVERS=$(pick greet-events-1 greet-threads greet-processes greet-events-2 epoll libuv)
ALL_SERVERS=$(pick greet-events-1 greet-threads greet-processes greet-events-2 epoll libuv python)
DELAY_SERVERS=$(pick greet-events-1 greet-threads greet-processes greet-events-2)

# pinned ROLE SERVER: the taskset prefix for the server (CPU 1) or the load generator (CPU 0);
# nothing when pinning is off or for the two-loop greet, which is measured unpinned.
pinned() {
    [ "$PIN" = 1 ] && [ "$2" != greet-events-2 ] || return 0
    if [ "$1" = server ]; then echo taskset -c 1; else echo taskset -c 0; fi
}

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
    local greet=("$GREET" server --bind 127.0.0.1 --port 0 --max-clients 20000 -q
        ${SERVER_EXTRA[@]+"${SERVER_EXTRA[@]}"})
    # shellcheck disable=SC2046 # pinned prints a command prefix of several words
    case "$1" in
    greet-events-1) $(pinned server "$1") "${greet[@]}" --model events --workers 1 >"$out" 2>"$err" & ;;
    greet-events-2) "${greet[@]}" --model events --workers 2 >"$out" 2>"$err" & ;;
    greet-threads) $(pinned server "$1") "${greet[@]}" --model threads >"$out" 2>"$err" & ;;
    greet-processes) $(pinned server "$1") "${greet[@]}" --model processes >"$out" 2>"$err" & ;;
    epoll) $(pinned server "$1") "$EPOLL" --bind 127.0.0.1 --port 0 >"$out" 2>"$err" & ;;
    libuv) $(pinned server "$1") "$LIBUV" --bind 127.0.0.1 --port 0 >"$out" 2>"$err" & ;;
    python) $(pinned server "$1") python3 "$PYSERVER" 0 127.0.0.1 "$BACKLOG" >"$out" 2>"$err" & ;;
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
    # shellcheck disable=SC2046 # pinned prints a command prefix of several words
    kv=$($(pinned load "$server") "$LOAD" --port "$SERVER_PORT" --pid "$SERVER_PID" --mode "$mode" -c "$conns" \
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

DELAY_DURATION=$(awk -v d="$DURATION" 'BEGIN { print (d < 5 ? 5 : d) }')
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
    # The tutorial's time.sleep(1) before each reply, held as a timer (events) or a sleeping
    # thread (threads): every client sends again as soon as its reply came.
    # Every first reply takes the delay: that second is a warm-up, not counted, and the window
    # after it is long enough (>= 5 s) for the rate to show one reply per client per second.
    SERVER_EXTRA=(--delay 1000)
    for server in $DELAY_SERVERS; do
        measure "$run" delay "$server" raw "$BIG" -d "$DELAY_DURATION" --warmup 1 --timeout 15
    done
    SERVER_EXTRA=()
done

echo "### Machine"
echo
machine
echo "- load average (1, 5, 15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- pinned: $([ "$PIN" = 1 ] && echo "server on CPU 1, load generator on CPU 0 (greet-events-2 unpinned)" || echo no)"
echo "- command: bench/server_bench.sh --runs $RUNS --duration $DURATION --levels \"$LEVELS\" --big $BIG --servers \"$SERVERS\"$([ "$PIN" = 1 ] || echo " --no-pin")"
python3 "$ROOT/bench/bench_tables.py" "$RESULTS" "$RUNS" "$DURATION"
