#!/usr/bin/env bash
# Netns integration test of tund's packet path (packet-path.md §3, §12, §13):
#   routing_test.sh DRIVER PEER_SCRIPT
# The outer part builds host A + peer B, runs the driver inside host A, then checks from
# outside that nothing tund installed is left. Exit 77 = skipped (not root / no netns).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

netns_exec_inner_if_asked "$@"

driver=$1
peer_script=$2
netns_skip_unless_capable
python=$(command -v python3) || { echo "SKIP: python3 missing" >&2; exit 77; }
netns_create_pair

status=0
timeout 90 ip netns exec "$NETNS_HOST" "$0" --inner "$driver" \
  --peer-ns "$NETNS_PEER" --peer-cmd "$python $peer_script" --uplink "$NETNS_HOST_IF" || status=$?

# After the driver exited (TUN closed, teardown done): nothing of tund may remain.
fail() { echo "FAIL: $*" >&2; status=1; }
for v in -4 -6; do
  rules=$(ip -n "$NETNS_HOST" "$v" rule show)
  grep -q "proto 199" <<<"$rules" && fail "ip $v rule: tagged rules left: $rules"
  grep -q "^0:.*lookup local" <<<"$rules" || fail "ip $v rule: local rule not back at pref 0: $rules"
  grep -q "^1000:" <<<"$rules" && fail "ip $v rule: moved local rule left: $rules"
  [ -z "$(ip -n "$NETNS_HOST" "$v" route show table 100 2>/dev/null)" ] || fail "ip $v route: table 100 not empty"
done
ip -n "$NETNS_HOST" link show tc0 >/dev/null 2>&1 && fail "tc0 still exists"
reserved=$(ip netns exec "$NETNS_HOST" cat /proc/sys/net/ipv4/ip_local_reserved_ports)
[ -z "$reserved" ] || fail "ip_local_reserved_ports not restored: '$reserved'"
[ "$(ip netns exec "$NETNS_HOST" cat /proc/sys/net/ipv4/conf/vA/forwarding)" = 0 ] || fail "vA forwarding not restored"
[ "$(ip netns exec "$NETNS_HOST" cat /proc/sys/net/ipv6/conf/vA/force_forwarding)" = 0 ] || fail "vA force_forwarding not restored"
[ "$status" -eq 0 ] && echo "routing_test: PASS"
exit "$status"
