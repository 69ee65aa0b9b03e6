#!/usr/bin/env bash
# Netns test: plain TCP through tund (tund/conn_table), tund in host A, kernel TCP in peer B.
#   conn_basic_test.sh TUND TCPCRYPT CONN_DRIVER
# IPv4 and IPv6: HTTP GET from tund's client to a kernel server (python http.server), and a
# kernel client's GET served by a tund listener (`tcpcrypt nc -l`); half-close in both
# directions. IPv4: peer reset → ECONNRESET, no listener → ECONNREFUSED, blackholed
# destination → ETIMEDOUT after --syn-retries 1, kernel sockets on other ports still work.
# Exit 77 = skipped (not root / no netns).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
# HTTP body of stdin (after the blank line ending the headers), as sha256.
body_sha() { python3 -c 'import hashlib,sys; d=sys.stdin.buffer.read(); print(hashlib.sha256(d.split(b"\r\n\r\n",1)[1]).hexdigest())'; }
# expect_nc_error ERRNO_TEXT ARGS...: nc must fail and name the error.
expect_nc_error() {
  local want=$1 status=0
  shift
  timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" "$@" </dev/null >/dev/null 2>"$CONN_WORK/nc.err" || status=$?
  [ "$status" -ne 0 ] || conn_fail "nc $* succeeded, expected $want"
  grep -q "$want" "$CONN_WORK/nc.err" || conn_fail "nc $*: expected '$want', got: $(cat "$CONN_WORK/nc.err")"
}

per_family() {
  local me=$1 peer=$2 bind=$3
  echo "--- [$peer] HTTP GET through tund to a kernel server"
  conn_peer_bg /dev/null bash -c "cd '$CONN_WORK/www' && exec timeout 60 python3 -m http.server 8080 --bind '$bind'"
  local http=$CONN_BG
  conn_wait_for 10 conn_peer python3 -c "import socket; socket.create_connection(('$bind', 8080), 1)" 2>/dev/null ||
    conn_fail "http.server did not start"
  local got
  got=$(printf 'GET /file HTTP/1.0\r\n\r\n' | timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" "$peer" 8080 | body_sha)
  [ "$got" = "$(sha_of "$CONN_WORK/www/file")" ] || conn_fail "GET body differs"

  echo "--- [$peer] kernel client GET from a tund listener"
  { printf 'HTTP/1.0 200 OK\r\n\r\n'; cat "$CONN_WORK/www/file"; } >"$CONN_WORK/response"
: >"$CONN_WORK/ncl.err"
  timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" -l 8081 <"$CONN_WORK/response" >/dev/null 2>"$CONN_WORK/ncl.err" &
  local ncl=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/ncl.err" || conn_fail "nc -l did not listen: $(cat "$CONN_WORK/ncl.err")"
  got=$(conn_peer timeout 30 "$peer_py" get "$me" 8081 /file 20)
  [ "$got" = "sha256 $(sha_of "$CONN_WORK/www/file")" ] || conn_fail "kernel client got: $got"
  wait "$ncl" || conn_fail "nc -l exit status $?: $(cat "$CONN_WORK/ncl.err")"

  echo "--- [$peer] half-close: tund side closes first, the kernel still replies"
  conn_peer_bg "$CONN_WORK/hc.out" timeout 30 "$peer_py" halfclose-server "$bind" 9001 20
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/hc.out" || conn_fail "halfclose-server did not listen"
  got=$(printf 'hello' | timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" "$peer" 9001)
  [ "$got" = "got 5 bytes" ] || conn_fail "after our FIN the peer's reply was: '$got'"
  wait "$bg"

  echo "--- [$peer] half-close: the kernel closes first, tund still delivers"
  timeout 30 "$driver" halfclose-listen "$CONN_CTL" 9002 >"$CONN_WORK/hl.out" &
  bg=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/hl.out" || conn_fail "halfclose-listen did not listen"
  got=$(conn_peer timeout 30 "$peer_py" halfclose-client "$me" 9002 hello 20)
  [ "$got" = "got 5 bytes" ] || conn_fail "after the peer's FIN tund's reply was: '$got'"
  wait "$bg" || conn_fail "halfclose-listen failed"
  kill "$http"
  wait "$http" 2>/dev/null || true
}

inner() {
  netns_require_inside
  local tund=$1
  tcpcrypt=$2
  driver=$3
  CONN_PEER_NS=$4
  peer_py="$here/conn_peer.py"
  conn_start_tund "$tund" --syn-retries 1
  mkdir -p "$CONN_WORK/www"
  head -c $((1 << 20)) /dev/urandom >"$CONN_WORK/www/file"

  per_family "$NETNS_HOST_ADDR4" "$NETNS_PEER_ADDR4" "$NETNS_PEER_ADDR4"
  per_family "$NETNS_HOST_ADDR6" "$NETNS_PEER_ADDR6" "$NETNS_PEER_ADDR6"

  echo "--- peer reset: ECONNRESET"
  conn_peer_bg "$CONN_WORK/rst.out" timeout 30 "$peer_py" rst "$NETNS_PEER_ADDR4" 9003 20
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/rst.out" || conn_fail "rst peer did not listen"
  local status=0
  { echo hi; sleep 10; } | timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" "$NETNS_PEER_ADDR4" 9003 \
    >/dev/null 2>"$CONN_WORK/nc.err" || status=$?
  [ "$status" -eq 1 ] || conn_fail "nc after RST: exit $status"
  grep -q "Connection reset by peer" "$CONN_WORK/nc.err" || conn_fail "nc after RST said: $(cat "$CONN_WORK/nc.err")"
  wait "$bg"

  echo "--- no listener: ECONNREFUSED (IPv4 and IPv6)"
  expect_nc_error "Connection refused" "$NETNS_PEER_ADDR4" 9004
  expect_nc_error "Connection refused" "$NETNS_PEER_ADDR6" 9004

  echo "--- blackholed destination: ETIMEDOUT after one SYN retry"
  ip route add 198.19.99.0/24 via "$NETNS_PEER_ADDR4" dev "$NETNS_HOST_IF"
  local t0=$SECONDS
  expect_nc_error "Connection timed out" 198.19.99.1 80
  [ $((SECONDS - t0)) -le 10 ] || conn_fail "timeout took $((SECONDS - t0)) s"

  echo "--- kernel sockets on other ports of host A still work"
  conn_peer_bg "$CONN_WORK/k1.out" timeout 20 python3 "$here/peer.py" listen "$NETNS_PEER_ADDR4" 7001 10
  bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/k1.out" || conn_fail "kernel peer listener"
  local out
  out=$(timeout 20 python3 "$here/peer.py" connect "$NETNS_PEER_ADDR4" 7001 5)
  [ "$out" = connected ] || conn_fail "kernel connect from host A: $out"
  wait "$bg"
  timeout 20 python3 "$here/peer.py" listen "$NETNS_HOST_ADDR4" 7002 10 >"$CONN_WORK/k2.out" &
  bg=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/k2.out" || conn_fail "kernel listener in host A"
  out=$(conn_peer timeout 20 python3 "$here/peer.py" connect "$NETNS_HOST_ADDR4" 7002 5)
  [ "$out" = connected ] || conn_fail "kernel connect to host A: $out"
  wait "$bg"

  kill -0 "$TUND_PID" || conn_fail "tund died"
  echo "conn_basic_test: PASS"
}

conn_inner_or_prepare "$@"
netns_create_pair
timeout 240 ip netns exec "$NETNS_HOST" "$0" --inner "$1" "$2" "$3" "$NETNS_PEER"
