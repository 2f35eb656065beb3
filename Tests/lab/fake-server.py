#!/usr/bin/python3
"""Servers that are not PostgreSQL, for the TLS lab.

fake-server.py http400 PORT_FILE   answers anything with an HTTP 400, as many real servers do (not-postgres)
fake-server.py silent PORT_FILE    accepts connections and never answers (timeout)
fake-server.py sniroute SNI_CHAIN SNI_KEY PLAIN_CHAIN PLAIN_KEY PORT_FILE
                                   answers SSLRequest with 'S' and speaks TLS with SNI_CHAIN to a client that sends SNI,
                                   PLAIN_CHAIN to one that sends none (as a proxy routing on SNI would); then a FATAL

Binds a free loopback port itself (no race for a port) and writes it to PORT_FILE once it listens.
"""
import os
import socket
import ssl
import struct
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


def route(conn, plain):
    """One sniroute client: SSLRequest, TLS with the certificate its SNI picks, then a FATAL error for any startup."""
    try:
        conn.settimeout(30)
        request = b""
        while len(request) < 8:
            chunk = conn.recv(8 - len(request))
            if not chunk:
                return
            request += chunk
        if request != struct.pack("!II", 8, 80877103):
            return
        conn.sendall(b"S")
        conn = plain.wrap_socket(conn, server_side=True)
        if conn.recv(4096):
            body = b"SFATAL\0C28000\0Msniroute serves no sessions\0\0"
            conn.sendall(b"E" + struct.pack("!I", len(body) + 4) + body)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def serve_sniroute(sni_chain, sni_key, plain_chain, plain_key, port_file):
    named = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    named.load_cert_chain(sni_chain, sni_key)
    plain = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    plain.load_cert_chain(plain_chain, plain_key)

    def choose(tls, server_name, _context):
        if server_name:
            tls.context = named

    plain.sni_callback = choose
    server = listen(port_file)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=route, args=(conn, plain), daemon=True).start()


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
    if sys.argv[1] == "sniroute":
        serve_sniroute(*sys.argv[2:])
    else:
        serve(sys.argv[1], sys.argv[2])
