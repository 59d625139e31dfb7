#!/usr/bin/env bash
# What each server spends per round trip and per connection, counted rather than timed, so that
# it can run on a busy machine and gives the same answer twice: system calls (strace -c -f) and
# user-space instructions (valgrind --tool=callgrind, all threads summed) of the server process.
#
#   bench/server_counts.sh [--bin DIR] [--servers "greet-events-1 epoll libuv"]
#                          [--conns N] [--count N] [--churn-conns N] [--churn-count N]
#                          [--tools "strace callgrind"]
#
# Scenarios: raw and line ping-pong (--conns connections, --count round trips each) and churn
# (--churn-conns workers, --churn-count connect-greeting-exit-close cycles each). Every scenario
# runs twice per server and tool, with the count and with twice the count, and the table shows
# the difference divided by the extra round trips (or cycles): start-up, shutdown and opening the
# connections cancel out. Servers as in server_bench.sh: greet-events-1, greet-events-2,
# greet-threads, epoll, libuv. Needs strace and valgrind; Linux only. Builds nothing: give
# --bin a release build (the default is build/release).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release
SERVERS="greet-events-1 epoll libuv"
CONNS=100
COUNT=100
CHURN_CONNS=50
CHURN_COUNT=100
TOOLS="strace callgrind"

while [ $# -gt 0 ]; do
    case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --churn-conns) CHURN_CONNS=$2; shift 2 ;;
    --churn-count) CHURN_COUNT=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "server_counts.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

LOAD=$BIN/bench/greet_load
for t in $TOOLS; do
    case "$t" in
    strace | callgrind) ;;
    *) echo "server_counts.sh: unknown tool $t" >&2; exit 2 ;;
    esac
    command -v "$([ "$t" = strace ] && echo strace || echo valgrind)" >/dev/null ||
        { echo "server_counts.sh: $t is not installed" >&2; exit 1; }
done
[ -x "$LOAD" ] || { echo "server_counts.sh: $LOAD is missing (build the release preset)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/greet-counts.XXXXXX")
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

server_cmd() {
    case "$1" in
    greet-events-1) echo "$BIN/greet server --bind 127.0.0.1 --port 0 --max-clients 20000 -q --model events --workers 1" ;;
    greet-events-2) echo "$BIN/greet server --bind 127.0.0.1 --port 0 --max-clients 20000 -q --model events --workers 2" ;;
    greet-threads) echo "$BIN/greet server --bind 127.0.0.1 --port 0 --max-clients 20000 -q --model threads" ;;
    epoll) echo "$BIN/bench/epoll_server --bind 127.0.0.1 --port 0" ;;
    libuv) echo "$BIN/bench/libuv_server --bind 127.0.0.1 --port 0" ;;
    *) echo "server_counts.sh: unknown server $1" >&2; exit 2 ;;
    esac
}

# one TOOL SERVER MODE CONNS COUNT: runs the server under the tool for one load run and prints
# what it counted, one "name count" pair a line (instructions as "instructions N").
one() {
    local tool=$1 server=$2 mode=$3 conns=$4 count=$5 out=$WORK/run port="" target
    # shellcheck disable=SC2207 # the command is words without spaces inside
    local cmd=($(server_cmd "$server"))
    rm -f "$out".*
    if [ "$tool" = strace ]; then
        strace -f -c -o "$out.trace" "${cmd[@]}" >"$out.port" 2>"$out.err" &
    else
        valgrind --tool=callgrind --callgrind-out-file="$out.cg" "${cmd[@]}" >"$out.port" 2>"$out.err" &
    fi
    SERVER_PID=$!
    for _ in $(seq 300); do
        port=$(sed -nE 's/^(port )?([0-9]+)$/\2/p' "$out.port" | head -n 1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "server_counts.sh: $server did not start" >&2; cat "$out.err" >&2; exit 1; }
    if ! "$LOAD" --port "$port" --mode "$mode" -c "$conns" --count "$count" --timeout 120 \
        --kv >"$out.load"; then
        echo "server_counts.sh: $server $mode: the load run failed: $(cat "$out.load")" >&2
        exit 1
    fi
    # strace's tracee is the server (its child); valgrind runs the server in its own process.
    target=$SERVER_PID
    if [ "$tool" = strace ]; then
        target=$(pgrep -P "$SERVER_PID" | head -n 1)
    fi
    kill -TERM "$target"
    wait "$SERVER_PID" || true
    SERVER_PID=""
    if [ "$tool" = strace ]; then
        awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print $NF, $4 }' "$out.trace"
    else
        sed -nE 's/.*Collected : ([0-9]+).*/instructions \1/p' "$out.err"
    fi
}

# per_unit TOOL SERVER MODE CONNS COUNT: the counts of the run with 2*COUNT minus those with COUNT,
# per extra unit (round trip or cycle), "name value" lines.
per_unit() {
    local units=$(($4 * $5))
    one "$1" "$2" "$3" "$4" "$5" >"$WORK/a"
    one "$1" "$2" "$3" "$4" $(($5 * 2)) >"$WORK/b"
    awk -v units="$units" 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 }
        END { for (k in b) { d = (b[k] - a[k]) / units; if (d >= 0.005 || d <= -0.005) printf "%s %.2f\n", k, d }
              for (k in a) if (!(k in b) && a[k] / units >= 0.005) printf "%s %.2f\n", k, -a[k] / units }' \
        "$WORK/a" "$WORK/b" | sort -k2,2nr -k1,1
}

echo "| server | scenario | per | system calls | of which | user instructions |"
echo "| --- | --- | --- | ---: | --- | ---: |"
for server in $SERVERS; do
    for mode in raw line churn; do
        if [ "$mode" = churn ]; then c=$CHURN_CONNS n=$CHURN_COUNT per=connection; else c=$CONNS n=$COUNT per="round trip"; fi
        calls="-" detail="-" instr="-"
        if [[ " $TOOLS " == *" strace "* ]]; then
            per_unit strace "$server" "$mode" "$c" "$n" >"$WORK/s"
            calls=$(awk '{ s += $2 } END { printf "%.2f", s }' "$WORK/s")
            detail=$(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$WORK/s")
        fi
        if [[ " $TOOLS " == *" callgrind "* ]]; then
            instr=$(per_unit callgrind "$server" "$mode" "$c" "$n" | awk '{ printf "%.0f", $2 }')
        fi
        echo "| $server | $mode | $per | $calls | $detail | $instr |"
    done
done
