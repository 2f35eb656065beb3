#!/usr/bin/python3
"""A hostile PostgreSQL server for the TLS lab: every string it sends holds terminal escapes.

hostile-server.py cert OUT [CA_CERT CA_KEY]    writes OUT.crt (leaf, then its issuer) and OUT.key; the leaf is signed
                                               by CA_CERT/CA_KEY, or by a new CA whose own name is hostile too
hostile-server.py serve CHAIN KEY PORT_FILE    answers SSLRequest with 'S' and speaks TLS with CHAIN/KEY (plaintext
                                               when the client sends its StartupMessage first); then, for database
                                               "fatal", a FATAL error, else a NOTICE, server_version and a session

Names, version, notice and error hold ESC (CSI, OSC 52 writing "evil" to the clipboard), BEL, a C1 CSI (U+009B) and
bidi controls (U+202E, U+2066). Binds a free loopback port itself and writes it to PORT_FILE once it listens.
The markers below are repeated in Tests/EndToEndTests/HostileServerTests.swift.
"""
import datetime
import importlib
import os
import ssl
import struct
import sys
import threading

# ASCII only: it goes into a dNSName (IA5String). No ',' or ';' would survive RFC 2253 unescaped, so names use MARKER.
OSC52 = "x\x1b[5mblink\x1b]52;c;ZXZpbA==\x07y"
# For UTF8String names and the protocol's text.
MARKER = "hostile\x1b[31m\u009b31m\u202etxt.exe\u2066"
VERSION = "15.0" + OSC52 + MARKER


def make_cert(out, ca_cert_path=None, ca_key_path=None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common_name):
        return x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pgsecure lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ])

    now = datetime.datetime.now(datetime.timezone.utc)
    if ca_cert_path:
        with open(ca_cert_path, "rb") as f:
            ca_cert = x509.load_pem_x509_certificate(f.read())
        with open(ca_key_path, "rb") as f:
            ca_key = serialization.load_pem_private_key(f.read(), password=None)
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name("rogue CA " + MARKER)).issuer_name(name("rogue CA " + MARKER))
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=800))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name(MARKER)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=800))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(OSC52)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    old = os.umask(0o077)
    try:
        with open(out + ".key", "wb") as f:
            f.write(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    finally:
        os.umask(old)
    with open(out + ".crt", "wb") as f:
        f.write(leaf.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM))


SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104


def receive(conn, count):
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def message(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def fields(severity, code, text):
    parts = [b"S" + severity, b"V" + severity, b"C" + code, b"M" + text.encode()]
    return b"".join(part + b"\0" for part in parts) + b"\0"


def session(conn, context):
    try:
        while True:
            length, code = struct.unpack("!II", receive(conn, 8))
            if code == SSL_REQUEST:
                conn.sendall(b"S")
                conn = context.wrap_socket(conn, server_side=True)
            elif code == GSSENC_REQUEST:
                conn.sendall(b"N")
            else:
                break
        pairs = receive(conn, length - 8).split(b"\0")
        parameters = dict(zip(pairs[0::2], pairs[1::2]))
        if parameters.get(b"database") == b"fatal":
            conn.sendall(message(b"E", fields(b"FATAL", b"28000", "role " + OSC52 + MARKER + " is not permitted")))
            return
        conn.sendall(
            message(b"R", struct.pack("!I", 0))
            + message(b"N", fields(b"NOTICE", b"00000", "notice " + OSC52 + MARKER))
            + message(b"S", b"server_version\0" + VERSION.encode() + b"\0")
            + message(b"S", b"client_encoding\0UTF8\0")
            + message(b"K", struct.pack("!II", 1, 2))
            + message(b"Z", b"I"))
        while conn.recv(4096):  # until the client's Terminate and close
            pass
    except (OSError, EOFError, ValueError, ssl.SSLError):
        pass
    finally:
        conn.close()


def serve(chain, key, port_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    server = importlib.import_module("fake-server").listen(port_file)  # this script's directory is on sys.path
    while True:
        conn, _ = server.accept()
        conn.settimeout(30)
        threading.Thread(target=session, args=(conn, context), daemon=True).start()


if sys.argv[1] == "cert":
    make_cert(*sys.argv[2:])
else:
    serve(*sys.argv[2:])
