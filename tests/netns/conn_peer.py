#!/usr/bin/env python3
"""Kernel-TCP peer for the tund connection tests (runs in peer B; refuses outside a test
namespace). Every command prints one result line; every wait is bounded by TIMEOUT.

  conn_peer.py rst HOST PORT TIMEOUT             accept one, read a line, reset (SO_LINGER 0)
  conn_peer.py halfclose-server HOST PORT TIMEOUT accept one, read to EOF, reply "got N bytes"
  conn_peer.py halfclose-client HOST PORT DATA TIMEOUT
                                                 connect, send DATA, shut down writing, print
                                                 what arrives until EOF
  conn_peer.py echo HOST PORT TIMEOUT            echo server for many connections at once
  conn_peer.py get HOST PORT PATH TIMEOUT        HTTP/1.0 GET, print the body's sha256
  conn_peer.py record HOST PORT TIMEOUT          accept and read every connection until SIGTERM
                                                 or TIMEOUT, then print "connections C bytes N"
  conn_peer.py send-refused HOST PORT DATA TIMEOUT
                                                 connect, send DATA, read to EOF; print
                                                 "refused", "reset" or "eof N" (N bytes read)
"""
import hashlib
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def listener(host, port, timeout, backlog=1):
    ls = socket.socket(family_of(host), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(backlog)
    ls.settimeout(timeout)
    print("listening", flush=True)
    return ls


def read_to_eof(s):
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            return data
        data += d


def rst(host, port, timeout):
    c, _ = listener(host, port, timeout).accept()
    c.settimeout(timeout)
    c.recv(100)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    print("reset sent", flush=True)


def halfclose_server(host, port, timeout):
    c, _ = listener(host, port, timeout).accept()
    c.settimeout(timeout)
    n = len(read_to_eof(c))
    c.sendall(b"got %d bytes\n" % n)
    c.close()
    print("replied after EOF", flush=True)


def halfclose_client(host, port, data, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(data.encode())
    s.shutdown(socket.SHUT_WR)
    sys.stdout.write(read_to_eof(s).decode())
    sys.stdout.flush()


def echo(host, port, timeout):
    ls = listener(host, port, timeout, backlog=4096)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    while True:
        events = sel.select(timeout)
        if not events:
            return
        for key, _ in events:
            if key.fileobj is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                c.setblocking(True)
                c.settimeout(timeout)
                sel.register(c, selectors.EVENT_READ)
                continue
            c = key.fileobj
            d = c.recv(65536)
            if d:
                c.sendall(d)
            else:
                sel.unregister(c)
                c.close()


def get(host, port, path, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
    reply = read_to_eof(s)
    body = reply.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in reply else b""
    print("sha256", hashlib.sha256(body).hexdigest(), flush=True)


def record(host, port, timeout):
    """Counts what reaches a kernel server, resets included (a reset connection still counts).
    SIGTERM ends it (timeout(1) may deliver it twice: the handler only sets a flag)."""
    stop = []
    signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.append(True))
    ls = listener(host, port, timeout, backlog=16)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    connections = nbytes = 0
    deadline = time.monotonic() + timeout
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(0.1):
            if key.fileobj is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                connections += 1
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                d = key.fileobj.recv(65536)
            except ConnectionError:
                d = b""
            nbytes += len(d)
            if not d:
                sel.unregister(key.fileobj)
                key.fileobj.close()
    print("connections %d bytes %d" % (connections, nbytes), flush=True)


def send_refused(host, port, data, timeout):
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        print("refused", flush=True)
        return
    except ConnectionResetError:  # reset after the SYN-ACK, before connect() returned
        print("reset", flush=True)
        return
    try:
        s.sendall(data.encode())
        print("eof %d" % len(read_to_eof(s)), flush=True)
    except ConnectionResetError:
        print("reset", flush=True)


def main():
    here = subprocess.run(["ip", "netns", "identify"], capture_output=True, text=True).stdout.strip()
    if not here:
        sys.exit("conn_peer.py: refusing to run outside a test network namespace")
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "rst":
        rst(a[0], int(a[1]), float(a[2]))
    elif cmd == "halfclose-server":
        halfclose_server(a[0], int(a[1]), float(a[2]))
    elif cmd == "halfclose-client":
        halfclose_client(a[0], int(a[1]), a[2], float(a[3]))
    elif cmd == "echo":
        echo(a[0], int(a[1]), float(a[2]))
    elif cmd == "get":
        get(a[0], int(a[1]), a[2], float(a[3]))
    elif cmd == "record":
        record(a[0], int(a[1]), float(a[2]))
    elif cmd == "send-refused":
        send_refused(a[0], int(a[1]), a[2], float(a[3]))
    else:
        sys.exit("conn_peer.py: unknown command " + cmd)


main()
