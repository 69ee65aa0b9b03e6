#!/usr/bin/env bash
# Netns test: tund (TCP-ENO + tcpcrypt) against a plain kernel TCP peer.
#   secure_fallback_test.sh TUND TCPCRYPT
# tund in host A, kernel TCP in peer B (no ENO). IPv4 and IPv6:
#   opportunistic (tund's default): tund client → kernel server (stream.py recv) and kernel
#     client (stream.py send) → tund listener (`tcpcrypt nc -l`): data intact (SHA-256),
#     `--print-security` says encrypted=0, conn_plain counts both;
#   `nc --mode required` to a kernel server fails with "Connection refused" and the server
#     (conn_peer.py record) receives 0 bytes; a `nc -l --mode required` listener: the kernel
#     client is refused or reset, the listener accepts nothing; conn_eno_required_failures
#     counts each.
# Then tund restarted with `--encryption required`: the same refusals without any
# per-connection option. Exit 77 = skipped.
#
# Checklist items (tests/README.md): ENO-14 (fallback to plain TCP when the peer sends no ENO),
# ENO-16 / TC-2 (required mode: no plaintext byte leaves or is delivered), ENO-27 (no session
# ID without encryption), TC-47 (error reported to the application: ECONNREFUSED);
# SH-6/SH-48 errno end to end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# expect_plain FILE: FILE's `security` line says not encrypted, without a session ID.
expect_plain() {
  local line
  line=$(grep -m1 '^security ' "$1" || true)
  [ "$(field "$line" encrypted)" = 0 ] && [ "$(field "$line" sid)" = - ] || conn_fail "expected plain: '$line'"
}
# expect_counter NAME BEFORE DELTA: tund's counter NAME grew by DELTA.
expect_counter() {
  local now
  now=$(conn_stat "$1")
  [ "$now" = $(($2 + $3)) ] || conn_fail "$1: $2 → $now, expected +$3"
}

# Opportunistic tund against kernel TCP: plain, intact, counted.
fallback() {
  local me=$1 peer=$2 port=$3 plain0 sent got
  plain0=$(conn_stat conn_plain)
  echo "--- [$peer] tund client → kernel server"
  conn_peer_bg "$CONN_WORK/recv.out" timeout 60 python3 "$here/stream.py" recv "$peer" "$port" 30
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/recv.out" || conn_fail "stream.py recv did not listen"
  timeout 60 "$tcpcrypt" nc --control "$CONN_CTL" --print-security "$peer" "$port" <"$CONN_WORK/data" \
    >/dev/null 2>"$CONN_WORK/nc.err" || conn_fail "nc exit status $?: $(cat "$CONN_WORK/nc.err")"
  wait "$bg" || conn_fail "stream.py recv failed"
  grep -q "bytes $bytes sha256 $want" "$CONN_WORK/recv.out" || conn_fail "kernel server got: $(cat "$CONN_WORK/recv.out")"
  expect_plain "$CONN_WORK/nc.err"

  echo "--- [$me] kernel client → tund listener"
  : >"$CONN_WORK/ncl.err"
  timeout 60 "$tcpcrypt" nc --control "$CONN_CTL" -l --print-security "$((port + 1))" </dev/null \
    >"$CONN_WORK/got" 2>"$CONN_WORK/ncl.err" &
  bg=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/ncl.err" || conn_fail "nc -l did not listen"
  sent=$(conn_peer timeout 60 python3 "$here/stream.py" send "$me" "$((port + 1))" "$bytes" 3 30) ||
    conn_fail "stream.py send failed"
  wait "$bg" || conn_fail "nc -l exit status $?: $(cat "$CONN_WORK/ncl.err")"
  got=$(sha256sum "$CONN_WORK/got" | cut -d' ' -f1)
  grep -q "bytes $bytes sha256 $got" <<<"$sent" || conn_fail "sender: $sent, tund listener got $got"
  expect_plain "$CONN_WORK/ncl.err"
  expect_counter conn_plain "$plain0" 2
}

# required_refuses ME PEER PORT [NC_OPTIONS...]: with the options (or tund's own required
# mode), a connect to a kernel server and a kernel client's connect to a tund listener both
# fail and carry no application byte.
required_refuses() {
  local me=$1 peer=$2 port=$3 failures0 status=0 out
  shift 3
  failures0=$(conn_stat conn_eno_required_failures)
  echo "--- [$peer] required: tund client → kernel server ${*:-(tund default)}"
  conn_peer_bg "$CONN_WORK/rec.out" timeout 60 python3 "$here/conn_peer.py" record "$peer" "$port" 30
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/rec.out" || conn_fail "record did not listen"
  timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" --print-security "$@" "$peer" "$port" <"$CONN_WORK/small" \
    >/dev/null 2>"$CONN_WORK/nc.err" || status=$?
  [ "$status" = 1 ] && grep -q "Connection refused" "$CONN_WORK/nc.err" ||
    conn_fail "nc exit $status, expected ECONNREFUSED: $(cat "$CONN_WORK/nc.err")"
  ! grep -q '^security ' "$CONN_WORK/nc.err" || conn_fail "a refused connection reported security"
  sleep 0.5  # anything tund might still send would reach the server by now
  kill "$bg"
  wait "$bg" || true
  out=$(grep connections "$CONN_WORK/rec.out") || conn_fail "record: $(cat "$CONN_WORK/rec.out")"
  [[ $out == *" bytes 0" ]] || conn_fail "kernel server received application bytes: $out"
  echo "nc: $(cat "$CONN_WORK/nc.err"); kernel server: $out"

  echo "--- [$me] required: kernel client → tund listener ${*:-(tund default)}"
  : >"$CONN_WORK/ncl.err"
  timeout 60 "$tcpcrypt" nc --control "$CONN_CTL" -l --print-security "$@" "$((port + 1))" </dev/null \
    >"$CONN_WORK/got" 2>"$CONN_WORK/ncl.err" &
  bg=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/ncl.err" || conn_fail "nc -l did not listen"
  out=$(conn_peer timeout 30 python3 "$here/conn_peer.py" send-refused "$me" "$((port + 1))" secret-bytes 10)
  [ "$out" = refused ] || [ "$out" = reset ] || conn_fail "kernel client: $out, expected refused or reset"
  sleep 0.5
  kill "$bg"
  wait "$bg" || true
  [ ! -s "$CONN_WORK/got" ] || conn_fail "the required listener delivered $(stat -c %s "$CONN_WORK/got") bytes"
  ! grep -q "connection from" "$CONN_WORK/ncl.err" || conn_fail "the required listener accepted: $(cat "$CONN_WORK/ncl.err")"
  echo "kernel client: $out"
  expect_counter conn_eno_required_failures "$failures0" 2
}

inner() {
  netns_require_inside
  local tund=$1 phase=$2
  tcpcrypt=$3
  CONN_PEER_NS=$4
  if [ "$phase" = required-config ]; then
    conn_start_tund "$tund" --encryption required
    head -c 65536 /dev/urandom >"$CONN_WORK/small"
    required_refuses "$NETNS_HOST_ADDR4" "$NETNS_PEER_ADDR4" 9520
    required_refuses "$NETNS_HOST_ADDR6" "$NETNS_PEER_ADDR6" 9530
  else
    conn_start_tund "$tund"
    bytes=$((4 << 20))
    head -c "$bytes" /dev/urandom >"$CONN_WORK/data"
    head -c 65536 /dev/urandom >"$CONN_WORK/small"
    want=$(sha256sum "$CONN_WORK/data" | cut -d' ' -f1)
    fallback "$NETNS_HOST_ADDR4" "$NETNS_PEER_ADDR4" 9500
    fallback "$NETNS_HOST_ADDR6" "$NETNS_PEER_ADDR6" 9502
    required_refuses "$NETNS_HOST_ADDR4" "$NETNS_PEER_ADDR4" 9504 --mode required
    required_refuses "$NETNS_HOST_ADDR6" "$NETNS_PEER_ADDR6" 9506 --mode required
    [ "$(conn_stat conn_encrypted)" = 0 ] || conn_fail "conn_encrypted counted against a plain peer"
  fi
  kill -0 "$TUND_PID" || conn_fail "tund died"
  echo "secure_fallback_test ($phase): PASS"
}

conn_inner_or_prepare "$@"
netns_create_pair
timeout 150 ip netns exec "$NETNS_HOST" "$0" --inner "$1" opportunistic "$2" "$NETNS_PEER"
timeout 150 ip netns exec "$NETNS_HOST" "$0" --inner "$1" required-config "$2" "$NETNS_PEER"
