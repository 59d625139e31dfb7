#!/usr/bin/env python3
"""The TLS test server for Windows builds under Wine (no OpenSSL to build the in-process one).

Serves the scenarios of tls_server.h on 127.0.0.1, one listener (port 0) per certificate in
tests/data/tls, from a native process that ctest starts and stops as a fixture:
    tls_server.py start LIST_FILE   writes "CERT PORT" lines to LIST_FILE, runs in the background
    tls_server.py stop LIST_FILE    stops it
It stops by itself after 15 minutes in any case.
"""
import os
import signal
import socket
import ssl
import sys
import threading
import time

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "tls")
CERTS = ["server", "unknown", "expired", "wronghost"]
LIFETIME_S = 900

REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
SCENARIOS = {
    "/reply": REPLY,
    "/abrupt": REPLY,
    "/short-abrupt": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello",
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
}


def large_reply():
    body = bytes((i * 131 + i // 7) & 0xFF for i in range(3 * 1024 * 1024 + 17))
    return b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body


def read_head(conn):
    head = b""
    while b"\r\n\r\n" not in head:
        data = conn.recv(4096)
        if not data:
            break
        head += data
    return head


def serve_one(conn):
    head = read_head(conn)
    parts = head.split(b" ")
    path = parts[1].decode("latin-1") if len(parts) > 2 else ""
    if path.startswith("/to-http/"):
        reply = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%s/end\r\nContent-Length: 0\r\n\r\n"
        conn.sendall((reply % path[9:]).encode("ascii"))
    conn.sendall(SCENARIOS.get(path, b""))
    if path == "/silent":
        read_head(conn)  # until the client gives up and closes
    elif "abrupt" not in path:
        conn.unwrap()  # close_notify


def serve(listener, context):
    while True:
        raw, _ = listener.accept()
        raw.settimeout(10)
        try:
            with context.wrap_socket(raw, server_side=True) as conn:
                serve_one(conn)
        except (OSError, ssl.SSLError):
            pass  # a client that rejected the certificate, or left early
        finally:
            raw.close()


def run(list_file):
    SCENARIOS["/large"] = large_reply()
    lines = []
    for cert in CERTS:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(DATA, cert + ".pem"), os.path.join(DATA, cert + ".key"))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        lines.append("%s %d\n" % (cert, listener.getsockname()[1]))
        threading.Thread(target=serve, args=(listener, context), daemon=True).start()
    with open(list_file + ".pid", "w") as f:
        f.write(str(os.getpid()))
    with open(list_file + ".tmp", "w") as f:
        f.writelines(lines)
    os.replace(list_file + ".tmp", list_file)
    time.sleep(LIFETIME_S)


def start(list_file):
    for name in (list_file, list_file + ".pid"):
        if os.path.exists(name):
            os.remove(name)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            run(list_file)
        os._exit(0)
    for _ in range(200):  # 20 s at most
        if os.path.exists(list_file):
            print(open(list_file).read(), end="")
            return 0
        time.sleep(0.1)
    print("tls_server.py: the servers did not start", file=sys.stderr)
    return 1


def stop(list_file):
    try:
        with open(list_file + ".pid") as f:
            os.kill(int(f.read()), signal.SIGTERM)
    except (OSError, ValueError):
        pass
    for name in (list_file, list_file + ".pid"):
        if os.path.exists(name):
            os.remove(name)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        print("usage: tls_server.py start|stop LIST_FILE", file=sys.stderr)
        sys.exit(2)
    sys.exit(start(sys.argv[2]) if sys.argv[1] == "start" else stop(sys.argv[2]))
