#!/usr/bin/env python3
"""Kernel-TCP bulk stream for netns tests and benchmarks.

  stream.py send HOST PORT NBYTES SEED TIMEOUT   connect, send NBYTES of seeded data, close
  stream.py recv HOST PORT TIMEOUT               listen once, read to EOF
Both print "bytes N sha256 HEX seconds S". The payload is a function of SEED only, so the
sender's and receiver's digests must match. Refuses to run outside a test namespace."""
import hashlib
import random
import socket
import subprocess
import sys
import time

CHUNK = 1 << 20


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def send(host, port, nbytes, seed, timeout):
    rng = random.Random(seed)
    digest = hashlib.sha256()
    s = socket.create_connection((host, port), timeout=timeout)
    start = time.monotonic()
    left = nbytes
    while left > 0:
        chunk = rng.randbytes(min(CHUNK, left))
        s.sendall(chunk)
        digest.update(chunk)
        left -= len(chunk)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the peer's FIN so timing covers delivery
    s.close()
    return nbytes, digest.hexdigest(), time.monotonic() - start


def recv(host, port, timeout):
    ls = socket.socket(family_of(host), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(1)
    ls.settimeout(timeout)
    print("listening", flush=True)
    c, _ = ls.accept()
    c.settimeout(timeout)
    digest = hashlib.sha256()
    n = 0
    start = time.monotonic()
    while True:
        d = c.recv(CHUNK)
        if not d:
            break
        digest.update(d)
        n += len(d)
    c.close()
    return n, digest.hexdigest(), time.monotonic() - start


def main():
    here = subprocess.run(["ip", "netns", "identify"], capture_output=True, text=True).stdout.strip()
    if not here:
        sys.exit("stream.py: refusing to run outside a test network namespace")
    cmd = sys.argv[1]
    if cmd == "send":
        n, h, t = send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    elif cmd == "recv":
        n, h, t = recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit("stream.py: unknown command " + cmd)
    print(f"bytes {n} sha256 {h} seconds {t:.3f}", flush=True)


main()
