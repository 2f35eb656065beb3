#!/usr/bin/python3
"""Servers that are not PostgreSQL, for the TLS lab.

fake-server.py http400 PORT_FILE   answers anything with an HTTP 400, as many real servers do (not-postgres)
fake-server.py silent PORT_FILE    accepts connections and never answers (timeout)
fake-server.py sniroute SNI_CHAIN SNI_KEY PLAIN_CHAIN PLAIN_KEY PORT_FILE
                                   answers SSLRequest with 'S' and speaks TLS with SNI_CHAIN to a client that sends SNI,
                                   PLAIN_CHAIN to one that sends none (as a proxy routing on SNI would); then a FATAL
fake-server.py startingup CHAIN KEY NEXT_PORT PORT_FILE
                                   its first client: TLS with CHAIN, then the answer of a server still starting up
                                   (FATAL 57P03), after which libpq tries the next host; every later client is relayed
                                   to 127.0.0.1:NEXT_PORT. With host=localhost,localhost port=P,P libpq's second attempt
                                   reaches NEXT_PORT's server through the same host, port and address. One per test
                                   (the first client is the test's), started by the test itself; it exits when its
                                   parent (the test runner) is gone.

Binds a free port on 127.0.0.1 itself (no race for a port) and writes it to PORT_FILE once it listens.
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time


def listen(port_file):
    """A socket on a free port of 127.0.0.1, written to PORT_FILE (atomically) once it listens. Also hostile-server.py's."""
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


def error_response(code, message):
    body = b"SFATAL\0VFATAL\0C" + code + b"\0M" + message + b"\0\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


def refuse_over_tls(conn, context, error):
    """One client: SSLRequest, TLS with CONTEXT (its SNI may pick another), then ERROR for any startup."""
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
        conn = context.wrap_socket(conn, server_side=True)
        if conn.recv(4096):
            conn.sendall(error)
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
    refuse_all(listen(port_file), plain, error_response(b"28000", b"sniroute serves no sessions"))


def serve_startingup(chain, key, next_port, port_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)
    # The words and code a PostgreSQL server sends while it replays its WAL (libpq 15 tries the next host on 57P03).
    error = error_response(b"57P03", b"the database system is starting up")
    # Started by a test: when the test runner goes, even killed (this process is then re-parented), so does this.
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    server = listen(port_file)
    conn, _ = server.accept()
    threading.Thread(target=refuse_over_tls, args=(conn, context, error), daemon=True).start()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=relay, args=(conn, int(next_port)), daemon=True).start()


def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.2)  # a poll interval, not a wait for something to happen
    os._exit(0)


def relay(conn, port):
    """Bytes both ways between CONN and 127.0.0.1:PORT until either side closes."""
    try:
        upstream = socket.create_connection(("127.0.0.1", port))
    except OSError:
        conn.close()
        return

    def pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()
    pump(conn, upstream)


def refuse_all(server, context, error):
    while True:
        conn, _ = server.accept()
        threading.Thread(target=refuse_over_tls, args=(conn, context, error), daemon=True).start()


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
    elif sys.argv[1] == "startingup":
        serve_startingup(*sys.argv[2:])
    else:
        serve(sys.argv[1], sys.argv[2])
