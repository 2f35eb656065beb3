#!/usr/bin/env python3
"""libpq itself as the oracle for what a connection string means on this machine.

Reads a JSON list of cases on stdin: {"conninfo": str, "env": {name: value}}. For each, with exactly that environment
(PG* variables, HOME...), starts a connection with PQconnectStart (never waits for it) and reports what libpq resolved:
{"options": {keyword: value, ...} from PQconninfo, "password": PQpass, "error": PQerrorMessage when libpq refused the
settings themselves (it then has no options; a failed connection attempt is not an error here)}.
Writes a JSON list of results on stdout.
"""
import ctypes, json, os, sys

libpq = ctypes.CDLL("libpq.so.5")

class Option(ctypes.Structure):
    _fields_ = [("keyword", ctypes.c_char_p), ("envvar", ctypes.c_char_p), ("compiled", ctypes.c_char_p),
                ("val", ctypes.c_char_p), ("label", ctypes.c_char_p), ("dispchar", ctypes.c_char_p),
                ("dispsize", ctypes.c_int)]

libpq.PQconnectStart.restype = ctypes.c_void_p
libpq.PQconnectStart.argtypes = [ctypes.c_char_p]
libpq.PQconninfo.restype = ctypes.POINTER(Option)
libpq.PQconninfo.argtypes = [ctypes.c_void_p]
libpq.PQconninfoFree.argtypes = [ctypes.POINTER(Option)]
libpq.PQpass.restype = ctypes.c_char_p
libpq.PQpass.argtypes = [ctypes.c_void_p]
libpq.PQstatus.argtypes = [ctypes.c_void_p]
libpq.PQerrorMessage.restype = ctypes.c_char_p
libpq.PQerrorMessage.argtypes = [ctypes.c_void_p]
libpq.PQfinish.argtypes = [ctypes.c_void_p]

CONNECTION_BAD = 1
base = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
results = []
for case in json.load(sys.stdin):
    os.environ.clear()
    os.environ.update(base)
    os.environ.update(case["env"])
    conn = libpq.PQconnectStart(case["conninfo"].encode())
    options = {}
    info = libpq.PQconninfo(conn)
    if info:
        index = 0
        while info[index].keyword:
            if info[index].val is not None:
                options[info[index].keyword.decode()] = info[index].val.decode("utf-8", "replace")
            index += 1
        libpq.PQconninfoFree(info)
    password = libpq.PQpass(conn)
    refused = libpq.PQstatus(conn) == CONNECTION_BAD and not options
    error = libpq.PQerrorMessage(conn).decode("utf-8", "replace") if refused else ""
    results.append({"options": options, "password": password.decode() if password else None, "error": error})
    libpq.PQfinish(conn)
json.dump(results, sys.stdout)
