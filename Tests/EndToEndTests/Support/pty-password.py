#!/usr/bin/env python3
"""Runs pgsecure on a pseudo-terminal, types a password at its prompt, and reports what the terminal showed.

usage: PTY_PASSWORD=… pty-password.py MODE PGSECURE ARGS...   (the password in the environment, never in argv)
  MODE enter: type the password and Enter; term: send SIGTERM while the prompt waits.
Prints JSON: {"status": exit status or -signal, "screen": everything the terminal showed, "prompted": the prompt
appeared, "echo_during_prompt", "echo": ECHO after exit}.
"""
import json, os, pty, select, signal, sys, termios, time

mode, argv = sys.argv[1], sys.argv[2:]
password = os.environ.pop("PTY_PASSWORD")
pid, master = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

screen = b""
def read_until(predicate, seconds=10):
    global screen
    deadline = time.monotonic() + seconds
    while not predicate(screen) and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            screen += chunk

read_until(lambda s: b"Password: " in s)
prompted = b"Password: " in screen
# The prompt is up; echo must be off before anything is typed.
prompt_echo = bool(termios.tcgetattr(master)[3] & termios.ECHO)
if mode == "enter":
    os.write(master, password.encode() + b"\n")
else:
    os.kill(pid, signal.SIGTERM)
# Bounded: a pgsecure that never returns fails the test instead of hanging it.
deadline = time.monotonic() + 10
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        break
    read_until(lambda s: False, seconds=0.05)
read_until(lambda s: False, seconds=0.2)  # drain what is left, if anything
echo_after = bool(termios.tcgetattr(master)[3] & termios.ECHO)
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
print(json.dumps({"status": code, "screen": screen.decode("utf-8", "replace"), "prompted": prompted,
                  "echo_during_prompt": prompt_echo, "echo": echo_after}))
