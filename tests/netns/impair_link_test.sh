#!/usr/bin/env bash
# The impairment link itself: kernel TCP between host A and peer B through impair-link
# with 5% loss, 5% reordering, 1% duplication and 1% corruption must deliver a seeded
# stream intact (both address families), and the link must report that it really
# dropped, reordered, duplicated and corrupted frames. Then, through a restarted link that
# resegments every A -> B data segment and captures to a pcap file, a 2 MiB stream must still
# arrive intact, and pcap_check.py must read the capture: the kernel's SYNs carry no TCP-ENO
# (--syn-has-eno fails) and the stream's bytes are visible (--no-marker fails on them).
#   impair_link_test.sh IMPAIR_LINK_BINARY [MIB]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

netns_exec_inner_if_asked "$@"

impair=$1
mib=${2:-8}
netns_skip_unless_capable
command -v ethtool >/dev/null || { echo "SKIP: ethtool missing" >&2; exit 77; }
netns_create_impaired_pair "$impair" --seed 42 --loss 5 --reorder 5 --reorder-ms 2 --delay-ms 1 --dup 1 --corrupt 1
pcap=$(mktemp --suffix=.pcap)
# lib.sh's teardown for an impaired pair, plus the capture.
trap 'netns_teardown; ip netns del "$NETNS_MID" 2>/dev/null; rm -f "$NETNS_IMPAIR_LOG" "$pcap"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
counter() { grep -o "$1=[0-9]*" <<<"$2" | cut -d= -f2; }
run_stream() {  # $1 = peer address, $2 = MiB
  local out_recv out_send
  out_recv=$(mktemp)
  ip netns exec "$NETNS_PEER" "$0" --inner python3 "$here/stream.py" recv "$1" 5001 60 >"$out_recv" &
  local rpid=$!
  for _ in $(seq 50); do grep -q listening "$out_recv" && break; sleep 0.1; done
  out_send=$(ip netns exec "$NETNS_HOST" "$0" --inner python3 "$here/stream.py" send "$1" 5001 $(($2 << 20)) 7 60)
  wait "$rpid" || fail "receiver failed"
  local got; got=$(grep bytes "$out_recv"); rm -f "$out_recv"
  echo "sent:     $out_send"
  echo "received: $got"
  [ "${out_send% seconds*}" = "${got% seconds*}" ] || fail "stream to $1 differs"
}
run_stream "$NETNS_PEER_ADDR4" "$mib"
run_stream "$NETNS_PEER_ADDR6" "$mib"
report=$(netns_impair_report)
NETNS_PIDS=()  # stopped in the subshell above; never signal those PIDs again
echo "$report"
for c in dropped duplicated corrupted delayed; do
  [ "$(counter "$c" "$report")" -gt 0 ] || fail "impair-link $c=0: the link did not impair"
done

# Same topology, new link: resegmentation and capture, no impairment.
ip netns exec "$NETNS_MID" "$impair" --a mA --b mB --resegment --pcap "$pcap" 2>"$NETNS_IMPAIR_LOG" &
netns_track_pid $!
run_stream "$NETNS_PEER_ADDR4" 2
report=$(netns_impair_report)
NETNS_PIDS=()  # stopped in the subshell above; never signal those PIDs again
echo "$report"
[ "$(counter resegmented "$report")" -gt 0 ] || fail "--resegment split nothing"
[ "$(counter pcap_frames "$report")" -gt 0 ] || fail "--pcap wrote no frame"
[ "$(counter pcap_skipped "$report")" -eq 0 ] || fail "--pcap skipped frames"
[ "$(head -c 4 "$pcap" | od -An -tx1 | tr -d ' ')" = d4c3b2a1 ] || fail "no pcap magic"
check="python3 $here/pcap_check.py $pcap"
counts=$($check --count-syn-eno) || fail "pcap_check cannot read the capture"
echo "$counts"
grep -q ' bad=0 ' <<<"$counts" || fail "captured frames with bad checksums"
# Bytes 300000..300023 of the stream (seed 7); resegmentation may split them across
# segments, which pcap_check reassembles.
marker=$(python3 -c 'import random; print(random.Random(7).randbytes(1 << 20)[300000:300024].hex())')
expect_status() {  # $1 = wanted exit status, rest = pcap_check options
  local want=$1 rc=0
  shift
  $check "$@" || rc=$?
  [ "$rc" -eq "$want" ] || fail "pcap_check $* exited $rc, want $want"
}
expect_status 1 --syn-has-eno               # kernel TCP sends no ENO
expect_status 1 --third-ack-has-eno
expect_status 1 --no-marker "hex:$marker"   # the plaintext crossed the link
expect_status 0 --no-marker "not-in-the-stream-$$"
echo "impair_link_test: PASS"
