#!/usr/bin/env bash
# Netns test: TCP simultaneous open between two tunds with ENO's passive-role bit
# (RFC 8547 §4.3, ENO-4; api.md TCP_ENO_SELF_GOPT bit b).
#   secure_simopen_test.sh TUND TCPCRYPT IMPAIR_LINK
# Host A and peer B are joined through impair-link with a 200 ms one-way delay, so that two
# connects started a few milliseconds apart cross on the wire: each SYN arrives while the
# other side is in SYN-SENT. A: `tcpcrypt nc --role-b --local-port 45001` (a port of tund's
# ephemeral range, reserved) to B:5002; B: `tcpcrypt nc --local-port 5002` (outside the range:
# tund B adds a routing rule for it) to A:45001. Neither side listens, so the only way both
# connects succeed is one connection from two active opens. Checks: messages exchanged both
# ways, `security encrypted=1` on both, equal session IDs, roles B (A, b = 1) and A (B), and
# in impair-link's capture two SYNs and two SYN-ACKs, all carrying ENO (the SYNs crossed).
# Exit 77 = skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

readonly kPortA=45001 kPortB=5002

field() { sed -n "s/^security .*$1=\([^ ]*\).*/\1/p" "$2"; }

inner() {
  netns_require_inside
  local tund=$1 tcpcrypt=$2
  CONN_PEER_NS=$3
  conn_start_tund "$tund"
  conn_start_peer_tund "$tund"
  echo "hello from A" >"$CONN_WORK/msg_a"
  echo "hello from B" >"$CONN_WORK/msg_b"
  local t0
  t0=$(date +%s%N)
  timeout 30 "$tcpcrypt" nc --control "$CONN_CTL" --role-b --local-port "$kPortA" --print-security \
    "$NETNS_PEER_ADDR4" "$kPortB" <"$CONN_WORK/msg_a" >"$CONN_WORK/got_a" 2>"$CONN_WORK/err_a" &
  local nc_a=$!
  conn_peer timeout 30 "$tcpcrypt" nc --control "$PEER_CTL" --local-port "$kPortB" --print-security \
    "$NETNS_HOST_ADDR4" "$kPortA" <"$CONN_WORK/msg_b" >"$CONN_WORK/got_b" 2>"$CONN_WORK/err_b" &
  local nc_b=$!
  echo "the two connects started $(( ($(date +%s%N) - t0) / 1000000 )) ms apart (one-way delay 200 ms)"
  wait "$nc_a" || conn_fail "nc in A failed: $(cat "$CONN_WORK/err_a")"
  wait "$nc_b" || conn_fail "nc in B failed: $(cat "$CONN_WORK/err_b")"
  sed 's/^/  A: /' "$CONN_WORK/err_a"
  sed 's/^/  B: /' "$CONN_WORK/err_b"
  cmp -s "$CONN_WORK/got_a" "$CONN_WORK/msg_b" || conn_fail "A got: $(cat "$CONN_WORK/got_a")"
  cmp -s "$CONN_WORK/got_b" "$CONN_WORK/msg_a" || conn_fail "B got: $(cat "$CONN_WORK/got_b")"
  [ "$(field encrypted "$CONN_WORK/err_a")" = 1 ] || conn_fail "A not encrypted"
  [ "$(field encrypted "$CONN_WORK/err_b")" = 1 ] || conn_fail "B not encrypted"
  [ "$(field role "$CONN_WORK/err_a")" = B ] || conn_fail "A (b = 1) is not role B"
  [ "$(field role "$CONN_WORK/err_b")" = A ] || conn_fail "B is not role A"
  local sid_a sid_b
  sid_a=$(field sid "$CONN_WORK/err_a")
  sid_b=$(field sid "$CONN_WORK/err_b")
  [ -n "$sid_a" ] && [ "$sid_a" = "$sid_b" ] || conn_fail "session IDs differ: $sid_a / $sid_b"
  # Both were active opens (no listener anywhere): one connection each, none accepted.
  [ "$(conn_stat conn_accepted)" = 0 ] && [ "$(conn_peer_stat conn_accepted)" = 0 ] || conn_fail "accepted?"
  [ "$(conn_stat conn_connects)" = 1 ] && [ "$(conn_peer_stat conn_connects)" = 1 ] || conn_fail "connects?"
  echo "secure_simopen_test: PASS"
}

conn_inner_or_prepare "$@"
tund=$1 tcpcrypt=$2 impair=$3
pcap=$(mktemp)
netns_create_impaired_pair "$impair" --seed 1 --delay-ms 200 --pcap "$pcap"
status=0
timeout 90 ip netns exec "$NETNS_HOST" "$0" --inner "$tund" "$tcpcrypt" "$NETNS_PEER" || status=$?
netns_impair_report
# A true crossing: a bare SYN from each side and a SYN-ACK from each side, all with ENO
# (a SYN answered by a listener would give one of each).
counts=$(python3 "$here/pcap_check.py" "$pcap" --syn-has-eno) || status=1
rm -f "$pcap"
echo "capture: $counts"
if [ "$status" -eq 0 ] && ! grep -q " syn=2 syn_eno=2 synack=2 synack_eno=2 " <<<"$counts"; then
  echo "FAIL: the SYNs did not cross" >&2
  status=1
fi
exit "$status"
