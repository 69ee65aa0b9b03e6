#!/usr/bin/env bash
# The impairment link itself: kernel TCP between host A and peer B through impair-link
# with 5% loss, 5% reordering, 1% duplication and 1% corruption must deliver a seeded
# stream intact (both address families), and the link must report that it really
# dropped, reordered, duplicated and corrupted frames.
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

fail() { echo "FAIL: $*" >&2; exit 1; }
run_stream() {  # $1 = peer address
  local out_recv out_send
  out_recv=$(mktemp)
  ip netns exec "$NETNS_PEER" "$0" --inner python3 "$here/stream.py" recv "$1" 5001 60 >"$out_recv" &
  local rpid=$!
  for _ in $(seq 50); do grep -q listening "$out_recv" && break; sleep 0.1; done
  out_send=$(ip netns exec "$NETNS_HOST" "$0" --inner python3 "$here/stream.py" send "$1" 5001 $((mib << 20)) 7 60)
  wait "$rpid" || fail "receiver failed"
  local got; got=$(grep bytes "$out_recv"); rm -f "$out_recv"
  echo "sent:     $out_send"
  echo "received: $got"
  [ "${out_send% seconds*}" = "${got% seconds*}" ] || fail "stream to $1 differs"
}
run_stream "$NETNS_PEER_ADDR4"
run_stream "$NETNS_PEER_ADDR6"
report=$(netns_impair_report)
echo "$report"
for counter in dropped duplicated corrupted delayed; do
  n=$(grep -o "$counter=[0-9]*" <<<"$report" | cut -d= -f2)
  [ "${n:-0}" -gt 0 ] || fail "impair-link $counter=0: the link did not impair"
done
echo "impair_link_test: PASS"
