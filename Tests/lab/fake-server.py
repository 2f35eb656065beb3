#!/usr/bin/python3
"""Servers that are not PostgreSQL, for the TLS lab.

fake-server.py http400 PORT_FILE   answers anything with an HTTP 400, as many real servers do (not-postgres)
fake-server.py silent PORT_FILE    accepts connections and never answers (timeout)

Binds a free loopback port itself (no race for a port) and writes it to PORT_FILE once it listens.
"""
import os
import socket
import sys
import threading


def listen(port_file):
    """A socket on a free loopback port, written to PORT_FILE (atomically) once it listens. Also hostile-server.py's."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    return server


def answer(conn):
    try:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def serve(mode, port_file):
    server = listen(port_file)
    held = []
    while True:
        conn, _ = server.accept()
        if mode == "http400":
            threading.Thread(target=answer, args=(conn,), daemon=True).start()
        else:
            held.append(conn)  # never answers, never closes


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
