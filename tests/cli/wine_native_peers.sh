#!/usr/bin/env bash
# Under Wine (mingw preset): greet.exe with the native peers a test running inside Wine cannot
# drive itself. Wine starts a Linux program for a Windows one but hands back no process to wait
# for, and a Windows process has no Ctrl+C to send to a program without a console; from here,
# python3 and nc run natively and `kill -INT` reaches greet.exe, whose Wine process turns SIGINT
# into the console's Ctrl+C. What runs (the same checks as Interop.* and the Ctrl+C tests, which
# the mingw build leaves out of its gtest list):
#   the tutorial's Python client against greet.exe server, and greet.exe client against the
#   tutorial's Python server; a netcat line session; Ctrl+C stops greet.exe server (exit 0);
#   a server whose log nobody reads still greets and stops (ServerLogStall's case);
#   the server parts for each model (threads, events, processes), as the gtest cases are.
# (Ctrl+C to greet.exe fetch at every stage of a transfer: wine_fetch_stop.sh.)
# Usage: wine_native_peers.sh WINEPREFIX GREET_EXE PYTHON3 NC
set -u
exe=$2
python=$3
nc=$4
interop="$(cd "$(dirname "$0")/../interop" && pwd)"
source "$(dirname "$0")/wine_script.sh" "$1" wine-peers

# start_server MODEL LOG: greet.exe server --model MODEL on a free loopback port, its stderr to
# LOG; sets $server (its PID) and $port.
start_server() {
    "$wine" "$exe" server --model "$1" --bind 127.0.0.1 --port 0 >"$work/server.out" 2>"$2" &
    server=$!
    pids+=("$server")
    port=$(nth_line "$work/server.out" 1) ||
        { bad "greet.exe server --model $1 did not start"; exit 1; }
}

# stop_server: Ctrl+C to $server; sets $rc (its exit status, 255 when it did not end within
# 10 s) and $ms (how long it took).
stop_server() {
    local started
    started=$(date +%s%N)
    kill -INT "$server"
    wait_exit "$server" 10
    rc=$?
    ms=$((($(date +%s%N) - started) / 1000000))
}

# ---- greet.exe server, each model: the tutorial's client, netcat, then Ctrl+C ----
for model in threads events processes; do
    start_server "$model" "$work/server.err"

    got=$(timeout 60 "$python" "$interop/tutorial_client.py" 127.0.0.1 "$port")
    want=$'hello world!\n\nHello guoxiang\nHello yanchendong\nHello wangzipeng'
    [[ $got == "$want" ]] && ok "$model: tutorial client -> greet.exe server" ||
        bad "$model: tutorial client -> greet.exe server: got [$got]"

    got=$(printf 'alice\nbob\r\n\nexit\nnever\n' | timeout 20 "$nc" 127.0.0.1 "$port")
    want=$'hello world!\nHello alice\nHello bob\nHello '
    [[ $got == "$want" ]] && ok "$model: netcat line session" ||
        bad "$model: netcat line session: got [$got]"

    # A client still connected when Ctrl+C comes: it is closed with the reason.
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    read -r -t 30 greeting <&3
    stop_server
    exec 3<&-
    if [[ $rc == 0 ]] && grep -q "closed (server stopping)" "$work/server.err" &&
        ((ms < 3000)); then
        ok "$model: Ctrl+C stops greet.exe server (exit 0, ${ms} ms)"
    else
        bad "$model: Ctrl+C to greet.exe server: exit $rc after ${ms} ms, greeting [$greeting]," \
            "log:"
        cat "$work/server.err"
    fi
done

# ---- a log nobody reads (ServerLogStall's case): greet.exe server's stderr is a pipe that is
# full before it starts and never read. Were a log line written in the way, the first greeting
# would already wait; Ctrl+C must still stop it at once (the log writer is not waited for).
greet_count='
import socket, sys
ok = 0
for _ in range(int(sys.argv[2])):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20) as s:
        ok += s.recv(64).startswith(b"hello world!")
print(ok)'
for model in threads events processes; do
    clients=50
    [[ $model == processes ]] && clients=10 # a child takes Wine about 0.6 s to start
    rm -f "$work/stalled"
    mkfifo "$work/stalled"
    exec 8<>"$work/stalled"
    dd if=/dev/zero of="$work/stalled" bs=4096 count=64 oflag=nonblock 2>/dev/null
    start_server "$model" "$work/stalled"
    greeted=$(timeout 120 "$python" -c "$greet_count" "$port" "$clients")
    stop_server
    exec 8<&-
    if [[ $greeted == "$clients" && $rc == 0 ]] && ((ms < 3000)); then
        ok "$model: a stalled log neither holds up greetings ($greeted) nor Ctrl+C (${ms} ms)"
    else
        bad "$model: stalled log: $greeted of $clients greeted, exit $rc after ${ms} ms"
    fi
done

# ---- greet.exe client against the tutorial's Python server ----
"$python" -u "$interop/tutorial_server.py" 127.0.0.1 0 >"$work/py.out" 2>&1 &
pids+=($!)
port=$(nth_line "$work/py.out" 3) || { bad "the tutorial's server did not start"; exit 1; }
got=$(timeout 60 "$wine" "$exe" client 127.0.0.1 --port "$port")
want=$'hello word!\nHello guoxiang\nHello yanchendong\nHello wangzipeng'
[[ $got == "$want" ]] && ok "greet.exe client -> tutorial server" ||
    bad "greet.exe client -> tutorial server: got [$got]"

exit $fail
