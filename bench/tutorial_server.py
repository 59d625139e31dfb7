# -*- coding:utf-8 -*-
# The tutorial's thread-per-connection server (/work/shared/seed/tutorial.txt, "服务器"), fixed
# for Python 3 and made usable as the benchmark's yardstick. Changes from the tutorial, and why:
#   - the port (and the address, and optionally the listen backlog) come from the command line:
#       python3 tutorial_server.py PORT [HOST [BACKLOG]]   (PORT 0 picks a free port)
#     and "port N" is printed once listening, so the benchmark can run it next to other servers;
#     HOST defaults to 127.0.0.1 instead of socket.gethostname(); BACKLOG to the tutorial's 5;
#   - time.sleep(1) before each reply is REMOVED: the benchmark measures the server, not the
#     sleep (with it, every connection could do at most one round trip per second);
#   - Python 3 needs bytes on sockets: the greeting is b'hello world!' (the typo 'word' fixed, as
#     greet fixed it) and the reply is b'Hello ' + the received bytes, which is what the tutorial's
#     'Hello %s' % data produced for text, without decoding (so no UTF-8 error can kill a thread);
#   - sendall instead of send, which may send only part of a reply;
#   - the debug print('asdasda') is gone; threads are daemons so Ctrl+C ends the program.
# Everything else is the tutorial's: one thread per connection, recv(1024) is one message, 'exit'
# or end of stream closes. It has no line mode (the line "exit\n" is not 'exit' to it), so the
# benchmark measures it in raw mode only.
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12341
ip = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'
backlog = int(sys.argv[3]) if len(sys.argv) > 3 else 5
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port))
s.listen(backlog)
print('port %d' % s.getsockname()[1], flush=True)


def tcplink(sock, addr):
    print('connection with %s:%s' % addr)
    sock.sendall(b'hello world!')
    while True:
        data = sock.recv(1024)
        if data == b'exit' or not data:
            break
        sock.sendall(b'Hello ' + data)
    sock.close()
    print('connection from %s:%s closed' % addr)


while True:
    sock, addr = s.accept()
    t = threading.Thread(target=tcplink, args=(sock, addr), daemon=True)
    t.start()
