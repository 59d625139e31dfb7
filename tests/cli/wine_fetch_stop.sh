#!/usr/bin/env bash
# Under Wine (mingw preset): the FetchStop cases (tests/cli/fetch_stop_test.cc) for greet.exe.
# The gtest runner, itself a Windows program under Wine, cannot deliver a Ctrl+C to its child
# (GenerateConsoleCtrlEvent needs a console the two share); from here, `kill -INT PID` reaches
# greet.exe, whose Wine process turns SIGINT into the console's Ctrl+C. Each stage of a transfer
# is held by a native peer until greet.exe is inside it, then interrupted; every stage must end
# within 2 s with exit 130, "greet fetch: URL: interrupted" as the last line, the existing target
# untouched and no temporary file left:
#   connecting (a listener whose accept queue is full: the kernel drops further SYNs),
#   the TLS handshake (a peer that never answers the ClientHello),
#   waiting for the response head (a server that reads the request and stays silent),
#   the body (a server that sends part of it and stalls),
#   a --limit-rate pause (a server that sent the whole body; greet.exe reads 1 KiB a second);
#   and -Z with five URLs, three of them in their bodies
#   (FetchMany.CtrlCStopsEveryParallelTransfer).
# What Wine cannot do (FetchStop.InTheBodyBySigterm skips with this reason):
#   SIGTERM: Windows has no SIGTERM (its nearest request, CTRL_CLOSE_EVENT, comes from closing a
#     console window), and Wine ends a process on SIGTERM at once, without any event to handle:
#     the temporary file stays. The last check below sends one in the body and says what
#     happened; should a later Wine turn SIGTERM into an event, it holds greet.exe to the full
#     rule (exit 143, "terminated", no file left) and says so.
# Not reachable from a child: name resolution. The fault seam that holds a lookup is in-process
#   only; Fetch.CancelAbandonsASlowResolver stops a held lookup, in the gtest list under Wine too.
# Usage: wine_fetch_stop.sh WINEPREFIX GREET_EXE PYTHON3
set -u
exe=$2
python=$3
source "$(dirname "$0")/wine_script.sh" "$1" wine-stop

# waits at most 30 s for FILE to contain TEXT (Wine starts slowly when the machine is loaded).
wait_for() {
    for _ in $(seq 600); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# The native peer holding one stage. Prints its port, then "request" once a request came in.
peer() {
    "$python" -u -c '
import socket, sys, time
mode = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
held = []
if mode == "full":
    s.listen(0)
    while True:  # until a connect waits: the queue is full and further SYNs are dropped
        c = socket.socket()
        c.settimeout(0.3)
        try:
            c.connect(s.getsockname())
            held.append(c)
        except socket.timeout:
            break
else:
    s.listen(1)
print(s.getsockname()[1])
if mode != "full":
    c, _ = s.accept()
    data = b""
    while mode != "tls" and b"\r\n\r\n" not in data:
        data += c.recv(65536)
    print("request")
    if mode == "body":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart of it")
    if mode == "limited":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000)
time.sleep(120)' "$1"
}

# stop_at NAME MODE SCHEME READY_FILE READY_TEXT [SIGNAL [OPTION...]]: greet.exe fetch -v
# [OPTION...] held at a stage by peer MODE, sent SIGNAL (INT) once READY_TEXT is in READY_FILE
# (fetch.err or peer.out).
stop_at() {
    local name=$1 mode=$2 scheme=$3 ready_file=$4 ready_text=$5 sig=${6:-INT} port url rc ms
    local started last want=130 word=interrupted
    local extra=("${@:7}")
    rm -rf "$work/dl" "$work"/*.out "$work"/*.err
    mkdir "$work/dl"
    echo "old content" >"$work/dl/out.html"
    peer "$mode" >"$work/peer.out" 2>&1 &
    pids+=($!)
    port=$(nth_line "$work/peer.out" 1) ||
        { bad "$name: the peer did not start: $(cat "$work/peer.out")"; return; }
    url="$scheme://127.0.0.1:$port/"
    "$wine" "$exe" fetch -v ${extra[@]+"${extra[@]}"} "$url" -o 'Z:'"$work/dl/out.html" \
        >"$work/fetch.out" 2>"$work/fetch.err" &
    local fetch=$!
    pids+=("$fetch")
    if ! wait_for "$work/$ready_file" "$ready_text"; then
        bad "$name: greet.exe never reached the stage ($ready_text); its log:"
        cat "$work/fetch.err"
        return
    fi
    sleep 0.2 # into the blocking call itself
    started=$(date +%s%N)
    kill "-$sig" "$fetch"
    wait_exit "$fetch" 10
    rc=$?
    ms=$((($(date +%s%N) - started) / 1000000))
    last=$(tr -d '\r' <"$work/fetch.err" | tail -n 1)
    if [[ $sig == TERM ]]; then
        want=143 word=terminated
        if [[ $last != *": terminated" && $rc == 143 && $(ls "$work/dl") != out.html ]]; then
            echo "not run (a Wine limit): SIGTERM ends greet.exe at once, with no event to" \
                "handle, and its temporary file stays; Windows has no SIGTERM"
            return
        fi
    fi
    if [[ $rc == "$want" ]] && ((ms < 2000)) && [[ $last == "greet fetch: $url: $word" ]] &&
        [[ $(cat "$work/dl/out.html") == "old content" ]] && [[ $(ls "$work/dl") == out.html ]]; then
        ok "$name: SIG$sig stops greet.exe fetch (exit $rc in ${ms} ms, old file kept)"
    else
        bad "$name: exit $rc after ${ms} ms, last line [$last], files [$(ls "$work/dl")], log:"
        cat "$work/fetch.err"
    fi
}

stop_at "connecting" full http fetch.err "* Trying"
stop_at "TLS handshake" tls https fetch.err "* TLS handshake with"
stop_at "waiting for the response head" head http peer.out "request"
stop_at "in the body" body http fetch.err "< Content-Length: 1000"
stop_at "in the body" body http fetch.err "< Content-Length: 1000" TERM
stop_at "in a --limit-rate pause" limited http fetch.err "< Content-Length: 100000" INT \
    --limit-rate 1K

# FetchMany.CtrlCStopsEveryParallelTransfer: five URLs with -Z --parallel-max 3, each a peer that
# stalls in the body; Ctrl+C once three are in: exit 130, one "interrupted" line for each of the
# three, the other two never requested, the old file kept, no temporary file left.
rm -rf "$work/dl" "$work"/*.out "$work"/*.err
mkdir "$work/dl"
echo "old content" >"$work/dl/out0"
args=()
for i in 0 1 2 3 4; do
    peer body >"$work/peer$i.out" 2>&1 &
    pids+=($!)
    port=$(nth_line "$work/peer$i.out" 1) || { bad "parallel: peer $i did not start"; exit 1; }
    args+=("http://127.0.0.1:$port/$i" -o "Z:$work/dl/out$i")
done
"$wine" "$exe" fetch -s -Z --parallel-max 3 "${args[@]}" >"$work/fetch.out" 2>"$work/fetch.err" &
fetch=$!
pids+=("$fetch")
requested() { cat "$work"/peer?.out | grep -c '^request$'; }
for _ in $(seq 600); do
    [[ $(requested) == 3 ]] && break
    sleep 0.05
done
sleep 0.5 # into the bodies
started=$(date +%s%N)
kill -INT "$fetch"
wait_exit "$fetch" 10
rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
lines=$(tr -d '\r' <"$work/fetch.err")
if [[ $rc == 130 ]] && ((ms < 2000)) && [[ $(grep -c ': interrupted$' <<<"$lines") == 3 ]] &&
    [[ $(wc -l <<<"$lines") == 3 && $(requested) == 3 ]] &&
    [[ $(cat "$work/dl/out0") == "old content" && $(ls "$work/dl") == out0 ]]; then
    ok "parallel: Ctrl+C stops every transfer (exit 130 in ${ms} ms, two never started)"
else
    bad "parallel: exit $rc after ${ms} ms, $(requested) requested, files [$(ls "$work/dl")]," \
        "log: $lines"
fi
exit $fail
