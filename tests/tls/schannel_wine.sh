#!/usr/bin/env bash
# Under Wine (mingw preset): greet.exe fetch's SChannel backend (platform/tls/schannel.c) against
# servers that do what tls_server.py does not, run by the native `openssl s_server` on loopback:
#   an optional client certificate request (-verify 1): the fetch succeeds without one;
#   a required one (-Verify 1): exit 10 with a TLS error at once, not after a timeout;
#   a TLS 1.2-only server, and a server that offers every version: both succeed;
#   a TLS 1.3-only server: succeeds where the system's SChannel has TLS 1.3; Wine 8's has not,
#     so there it must fail cleanly (exit 10, at once);
#   a renegotiation request (HelloRequest) before the response: the body arrives intact.
#
# What Wine 8 shows of schannel.c's branches, and what it cannot (seen with WINEDEBUG=+relay,
# which logs every SSPI call's result):
# - SCH_CREDENTIALS: Wine 8 takes it (AcquireCredentialsHandleW succeeds the first time), so the
#   TLS 1.3/1.2 path runs here; the SCHANNEL_CRED fallback runs only where Windows refuses the
#   structure (before Windows 10 1809), which Wine never does. Review: the fallback is taken on
#   any failure of the first call, and it asks for TLS 1.2 only, as intended.
# - TLS 1.3: Wine 8's SChannel has no TLS 1.3 at all (its protocol list stops at TLS 1.2), so
#   nothing here negotiates it: TLS 1.3 session tickets and key updates, which Windows 11 reports
#   through DecryptMessage as SEC_I_RENEGOTIATE, are review-only.
# - SEC_I_INCOMPLETE_CREDENTIALS: Wine answers a certificate request itself (GnuTLS sends an empty
#   certificate list) and never returns it, so the "go on without a certificate" branch is
#   review-only; the case above proves the outcome a user sees (the fetch succeeds).
# - SEC_I_RENEGOTIATE: Wine returns it from DecryptMessage for a TLS 1.2 HelloRequest, so the
#   branch runs here. Wine's InitializeSecurityContextW then answers an empty input with
#   SEC_E_INCOMPLETE_MESSAGE instead of a ClientHello, so no renegotiation actually happens: the
#   handshake waits, the read's 100 ms slice (src/lib/fetch.c) ends it, and the next read
#   decrypts the reply (OpenSSL goes on without the client's answer). Review-only, for Windows,
#   whose ISC does answer: a renegotiation whose server flight takes longer than a read's 100 ms
#   slice goes on at the next read (gp_tls's awaiting_peer, set once ISC has sent the client's
#   flight with SEC_I_CONTINUE_NEEDED, which Wine's never does here), instead of handing the
#   server's handshake records to DecryptMessage; this case checks that the flag leaves Wine's
#   path as it was.
# - SEC_I_CONTEXT_EXPIRED: Windows' report of the peer's close_notify; Wine reports an alert
#   record with no data instead (decrypt_record handles both; TlsFetch.* cover the Wine form).
# Usage: schannel_wine.sh WINEPREFIX GREET_EXE OPENSSL CERT_DIR
set -u
exe=$2
openssl=$3
certs=$4
source "$(dirname "$0")/../cli/wine_script.sh" "$1" wine-schannel
server=

# start_server OPTIONS...: openssl s_server on 127.0.0.1, port 0, with the test certificate; its
# stdin is the fifo on fd 7 (commands and reply bytes), its output in server.out. Sets $port.
start_server() {
    rm -f "$work/in" "$work/server.out"
    mkfifo "$work/in"
    exec 7<>"$work/in"
    "$openssl" s_server -accept 127.0.0.1:0 -cert "$certs/server.pem" -key "$certs/server.key" \
        "$@" <"$work/in" >"$work/server.out" 2>&1 &
    server=$!
    pids+=("$server")
    port=
    for _ in $(seq 200); do
        port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$work/server.out")
        [[ -n $port ]] && return 0
        sleep 0.05
    done
    bad "openssl s_server $* did not start: $(cat "$work/server.out")"
    return 1
}

stop_server() {
    kill -9 "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    server=
    exec 7>&-
}

# fetch: greet.exe fetch -v https://localhost:$port/ with the test CA; sets $rc, $body, $log and
# $ms, the time from the start of the handshake to the exit (Wine's own start-up, which takes
# seconds on a loaded machine, is not counted).
fetch() {
    local started= client
    timeout 120 "$wine" "$exe" fetch -v --cacert "Z:$certs/ca.pem" "https://localhost:$port/" \
        -o - >"$work/body" 2>"$work/err" &
    client=$!
    while kill -0 "$client" 2>/dev/null; do
        [[ -z $started ]] && grep -q "^\* TLS handshake with" "$work/err" && started=$(date +%s%N)
        sleep 0.05
    done
    wait "$client"
    rc=$?
    # Not seen at all: the handshake began and ended between two looks, in under 50 ms.
    ms=0
    [[ -n $started ]] && ms=$((($(date +%s%N) - started) / 1000000))
    body=$(tr -d '\0' <"$work/body")
    log=$(tr -d '\r' <"$work/err" | grep -v '^[*<>]')
}

# succeeds NAME PROTOCOL S_SERVER_OPTIONS...: the -www status page arrives over PROTOCOL.
succeeds() {
    local name=$1 want=$2
    shift 2
    start_server -www "$@" || return
    fetch
    local got
    got=$(grep -a -o 'New, [A-Za-z0-9.]*, Cipher is' <<<"$body" | head -1)
    if [[ $rc == 0 && $got == "New, $want, Cipher is" ]]; then
        ok "$name ($want)"
    else
        bad "$name: exit $rc, protocol [$got], log: $log"
    fi
    stop_server
}

# refused NAME S_SERVER_OPTIONS...: exit 10 with a TLS error, within 10 s (no timeout).
refused() {
    local name=$1
    shift
    start_server -www "$@" || return
    fetch
    if [[ $rc == 10 ]] && ((ms < 10000)) && grep -q "TLS" <<<"$log"; then
        ok "$name: exit 10 in ${ms} ms: ${log##*: }"
    else
        bad "$name: exit $rc after ${ms} ms, log: $log"
    fi
    stop_server
}

succeeds "optional client certificate request, none sent" TLSv1.2 -verify 1
refused "required client certificate, none sent" -Verify 1
succeeds "TLS 1.2-only server" TLSv1.2 -tls1_2
start_server -www -tls1_3 && fetch && stop_server
if [[ $rc == 0 ]] && grep -aq "New, TLSv1.3, Cipher is" <<<"$body"; then
    ok "TLS 1.3-only server (TLSv1.3)"
elif [[ $rc == 10 ]] && ((ms < 10000)); then
    ok "TLS 1.3-only server: exit 10 in ${ms} ms (this SChannel has no TLS 1.3; Wine 8's has not)"
else
    bad "TLS 1.3-only server: exit $rc after ${ms} ms, log: $log"
fi
# Whatever the newest protocol both sides have: TLS 1.2 under Wine 8, TLS 1.3 on Windows 11.
start_server -www && fetch && stop_server
if [[ $rc == 0 ]] && grep -aqE "New, TLSv1\.[23], Cipher is" <<<"$body"; then
    ok "server offering every version"
else
    bad "server offering every version: exit $rc, log: $log"
fi

# Renegotiation: once the request is in, s_server's "r" command sends a HelloRequest, then the
# reply follows. The body must arrive intact and the fetch end well.
if start_server -tls1_2; then
    timeout 120 "$wine" "$exe" fetch --cacert "Z:$certs/ca.pem" "https://localhost:$port/" \
        -o - >"$work/body" 2>"$work/err" &
    client=$!
    for _ in $(seq 600); do
        grep -q "^GET / HTTP/1.1" "$work/server.out" && break
        sleep 0.05
    done
    printf 'r\n' >&7
    for _ in $(seq 100); do
        grep -q "SSL_do_handshake -> 1" "$work/server.out" && break
        sleep 0.05
    done
    sleep 0.5
    printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' >&7
    wait "$client"
    rc=$?
    if [[ $rc == 0 && $(cat "$work/body") == hello ]] &&
        grep -q "SSL_do_handshake -> 1" "$work/server.out"; then
        ok "renegotiation requested before the response: body intact"
    else
        bad "renegotiation: exit $rc, body [$(cat "$work/body")], log: $(cat "$work/err")," \
            "server: $(cat "$work/server.out")"
    fi
    stop_server
fi
exit $fail
