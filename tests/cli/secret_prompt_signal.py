#!/usr/bin/env python3
"""greet fetch -u USER asks for the password with echo off; Ctrl+C at that prompt must end the
program as Ctrl+C does (killed by SIGINT) and leave the terminal with its echo back on.
Runs greet on a real pseudo-terminal. Usage: secret_prompt_signal.py GREET_EXE"""
import os
import pty
import select
import signal
import sys
import termios
import time

greet = sys.argv[1]
master, slave = pty.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    os.close(master)
    import fcntl
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    # Port 9 on loopback: nothing is sent anywhere; the prompt comes before any connection.
    os.execv(greet, [greet, "fetch", "-u", "joe", "http://127.0.0.1:9/"])

seen = b""
end = time.monotonic() + 20
while b"assword" not in seen and time.monotonic() < end:
    ready, _, _ = select.select([master], [], [], 0.5)
    if ready:
        try:
            seen += os.read(master, 1024)
        except OSError:
            break
if b"assword" not in seen:
    os.kill(pid, signal.SIGKILL)
    sys.exit(f"no password prompt; the program wrote {seen!r}")
echo_during = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
os.write(master, b"\x03")  # Ctrl+C, through the terminal's line discipline
_, status = os.waitpid(pid, 0)
echo_after = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
failures = []
if echo_during:
    failures.append("echo was on while the password was asked for")
if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT):
    failures.append(f"not ended by SIGINT (wait status {status:#x})")
if not echo_after:
    failures.append("the terminal's echo is still off after Ctrl+C at the prompt")
if failures:
    sys.exit("; ".join(failures))
print("ok: echo off at the prompt, Ctrl+C ended greet by SIGINT, echo back on")
