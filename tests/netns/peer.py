#!/usr/bin/env python3
"""Kernel-TCP peer for netns tests: `connect HOST PORT TIMEOUT` or `listen HOST PORT TIMEOUT`.

Prints one result line (connected / refused / timeout / error N; listening, then
accepted ADDR PORT or timeout). Refuses to run outside a test network namespace."""
import socket
import subprocess
import sys


def main():
    here = subprocess.run(["ip", "netns", "identify"], capture_output=True, text=True).stdout.strip()
    if not here:
        sys.exit("peer.py: refusing to run outside a test network namespace")
    cmd, host, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        if cmd == "connect":
            s.connect((host, port))
            print("connected", flush=True)
        elif cmd == "listen":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            s.listen(1)
            print("listening", flush=True)
            conn, addr = s.accept()
            print("accepted", addr[0], addr[1], flush=True)
            conn.close()
        else:
            sys.exit("peer.py: unknown command " + cmd)
    except ConnectionRefusedError:
        print("refused", flush=True)
    except socket.timeout:
        print("timeout", flush=True)
    except OSError as e:
        print("error", e.errno, flush=True)
    finally:
        s.close()


main()
