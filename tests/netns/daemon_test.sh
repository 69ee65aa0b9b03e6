#!/usr/bin/env bash
# Netns integration test of the tund binary (packet-path §3, §5.4, §5.8, §11, §12):
#   daemon_test.sh TUND
# Inside host A: tund installs the recipe and drops privileges; a peer SYN to tund's
# ephemeral range reaches tund (stats counter) and is refused by it; a reset forwarding sysctl is re-applied; a
# second tund fails cleanly without touching the first one's state; SIGTERM removes
# everything and exits 0; after kill -9 the next start cleans the stale rules and works,
# this time with uplink and addresses detected from the default route.
# Exit 77 = skipped (not root / no netns).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Commands' output is captured before grep: with pipefail, `ip ... | grep -q` fails at
# random when grep exits early and ip gets SIGPIPE.
tagged_rules() { local r; r=$(ip "$1" rule show); grep -c "proto 199" <<<"$r" || true; }
recipe_present() {
  local r4 r6 t4 t6
  r4=$(ip -4 rule show); r6=$(ip -6 rule show)
  t4=$(ip -4 route show table 100 2>/dev/null); t6=$(ip -6 route show table 100 2>/dev/null)
  grep -q "^100:.*to 198.18.0.1 ipproto tcp dport 40000-49999 lookup 100 proto 199" <<<"$r4" &&
    grep -q "^100:.*to fd00:18::1 ipproto tcp dport 40000-49999 lookup 100 proto 199" <<<"$r6" &&
    grep -q "^1000:.*lookup local" <<<"$r4" && ! grep -q "^0:.*lookup local" <<<"$r4" &&
    grep -q "^1000:.*lookup local" <<<"$r6" && ! grep -q "^0:.*lookup local" <<<"$r6" &&
    grep -q "default dev tc0" <<<"$t4" && grep -q "default dev tc0" <<<"$t6"
}
recipe_gone() {
  local r4 r6
  r4=$(ip -4 rule show); r6=$(ip -6 rule show)
  [ "$(tagged_rules -4)" = 0 ] && [ "$(tagged_rules -6)" = 0 ] &&
    grep -q "^0:.*lookup local" <<<"$r4" && grep -q "^0:.*lookup local" <<<"$r6" &&
    ! ip link show tc0 >/dev/null 2>&1
}
sysctl_is() { [ "$(cat "/proc/sys/$1")" = "$2" ]; }
alive() { kill -0 "$1" 2>/dev/null; }
# exits_within SECONDS PID: waits for PID to exit, sets EXIT_STATUS.
exits_within() {
  wait_for "$1" bash -c "! kill -0 $2 2>/dev/null" || return 1
  EXIT_STATUS=0
  wait "$2" || EXIT_STATUS=$?
}
# A SYN from the peer to tund's range reaches tund, which answers a port without connection
# with RST (the connection table's endpoint); the tcp_packets_in counter proves it was tund.
peer_syn() {
  ip netns exec "$peer_ns" python3 - "$1" <<'PY'
import socket, sys
addr = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.settimeout(1.0)
try:
    s.connect((addr, 40001))
except ConnectionRefusedError:
    sys.exit(0)
except OSError as e:
    print("peer connect:", e, file=sys.stderr)
sys.exit(1)
PY
}
# The peer sends an ICMP error about a segment "from" SRC_ADDR:PORT to the peer:
# icmp_from_peer v4|v6 PORT. v4: fragmentation needed, MTU 1400; v6: packet too big, 1280.
icmp_from_peer() {
  ip netns exec "$peer_ns" python3 - "$1" "$2" <<'PY'
import socket, struct, sys
fam, port = sys.argv[1], int(sys.argv[2])
tcp = struct.pack("!HHI", port, 8080, 0x11223344)
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
if fam == "v4":
    src, dst = socket.inet_aton("198.18.0.1"), socket.inet_aton("198.18.0.2")
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    msg = struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + ip + tcp
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.sendto(msg, ("198.18.0.1", 0))
else:
    src, dst = socket.inet_pton(socket.AF_INET6, "fd00:18::1"), socket.inet_pton(socket.AF_INET6, "fd00:18::2")
    ip = struct.pack("!IHBB", 0x60000000, 20, 6, 64) + src + dst
    msg = struct.pack("!BBHI", 2, 0, 0, 1280) + ip + tcp  # the kernel fills the ICMPv6 checksum
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.sendto(msg, ("fd00:18::1", 0))
PY
}
stat_value() { awk -v k="$1" '$1 == k { print $2 }' "$work/stats"; }

inner() {
  netns_require_inside
  tund=$1
  peer_ns=$2
  work=$(mktemp -d)
  chmod 0777 "$work"   # the stats file is written after the drop to nobody
  trap 'for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
  local opts=(--uplink vA --address 198.18.0.1,fd00:18::1 --control-socket "$work/run/control.sock"
              --stats-file "$work/stats" --log-level debug)

  echo "--- start tund (privilege drop to nobody)"
  "$tund" "${opts[@]}" --user nobody 2>"$work/log1" &
  local pid1=$!
  wait_for 10 recipe_present || { cat "$work/log1"; fail "recipe not installed"; }
  alive "$pid1" || fail "tund exited"
  sysctl_is net/ipv4/conf/vA/forwarding 1 || fail "vA forwarding not set"
  sysctl_is net/ipv4/conf/tc0/accept_local 1 || fail "tc0 accept_local not set"
  sysctl_is net/ipv4/ip_local_reserved_ports 40000-49999 || fail "ports not reserved"
  local proc_status
  proc_status=$(cat "/proc/$pid1/status")
  grep -q "^Uid:.*65534" <<<"$proc_status" || fail "tund did not switch to nobody"
  grep -q "^CapEff:.*0000000000001000" <<<"$proc_status" || fail "CapEff is not CAP_NET_ADMIN only: $proc_status"
  grep -q "^CapBnd:.*0000000000001000" <<<"$proc_status" || fail "bounding set not reduced: $proc_status"

  echo "--- peer SYNs to the ephemeral range reach tund"
  peer_syn 198.18.0.1 || fail "IPv4 SYN was not answered by tund"
  peer_syn fd00:18::1 || fail "IPv6 SYN was not answered by tund"
  kill -USR1 "$pid1"
  wait_for 5 test -s "$work/stats" || fail "no stats file after SIGUSR1"
  [ "$(stat_value tcp_packets_in)" -ge 2 ] || { cat "$work/stats"; fail "tcp_packets_in < 2"; }

  echo "--- ICMP errors about tund's flows are delivered, others dropped"
  icmp_from_peer v4 40001
  icmp_from_peer v6 40002
  icmp_from_peer v4 22       # a kernel port: not tund's
  rm -f "$work/stats"
  sleep 0.3
  kill -USR1 "$pid1"
  wait_for 5 test -s "$work/stats" || fail "no stats file after SIGUSR1"
  [ "$(stat_value icmp_delivered)" = 2 ] || { cat "$work/stats"; fail "icmp_delivered != 2"; }
  [ "$(stat_value icmp_dropped_not_our_port)" = 1 ] || { cat "$work/stats"; fail "icmp_dropped_not_our_port != 1"; }
  grep -q "ICMP packet too big for 198.18.0.1:40001 -> 198.18.0.2:8080 seq 287454020 mtu 1400" "$work/log1" ||
    fail "ICMPv4 event not logged as expected"
  grep -q "ICMP packet too big for \[fd00:18::1\]:40002 -> \[fd00:18::2\]:8080 seq 287454020 mtu 1280" "$work/log1" ||
    fail "ICMPv6 event not logged as expected"

  echo "--- reset forwarding sysctls are re-applied"
  sysctl -qw net.ipv4.conf.vA.forwarding=0
  wait_for 4 sysctl_is net/ipv4/conf/vA/forwarding 1 || fail "vA forwarding not re-applied"
  if [ -e /proc/sys/net/ipv6/conf/vA/force_forwarding ]; then
    echo 0 >/proc/sys/net/ipv6/conf/vA/force_forwarding
    wait_for 4 sysctl_is net/ipv6/conf/vA/force_forwarding 1 || fail "vA force_forwarding not re-applied"
  fi

  echo "--- SIGHUP reloads the log level only"
  kill -HUP "$pid1"
  wait_for 3 grep -q "SIGHUP: log level debug" "$work/log1" || fail "SIGHUP not handled"
  alive "$pid1" || fail "tund died on SIGHUP"

  echo "--- a second tund fails cleanly and leaves the first one alone"
  local status=0
  timeout 10 "$tund" "${opts[@]}" 2>"$work/log2" || status=$?
  [ "$status" -eq 1 ] || { cat "$work/log2"; fail "second tund (same runtime dir) exit $status, expected 1"; }
  grep -q "another tund" "$work/log2" || fail "second tund did not name the lock: $(cat "$work/log2")"
  status=0
  timeout 10 "$tund" "${opts[@]/$work\/run\//$work/run2/}" 2>"$work/log3" || status=$?
  [ "$status" -eq 1 ] || { cat "$work/log3"; fail "second tund (other runtime dir) exit $status, expected 1"; }
  grep -qi "TUN" "$work/log3" || fail "second tund did not report the busy TUN: $(cat "$work/log3")"
  recipe_present || { cat "$work/log3"; ip rule; ip -6 rule; ip route show table 100; ip -6 route show table 100; fail "the second tund damaged the first one's recipe"; }
  alive "$pid1" || fail "first tund died"
  peer_syn 198.18.0.1 || fail "first tund no longer receives SYNs"

  echo "--- SIGTERM: orderly shutdown"
  kill -TERM "$pid1"
  exits_within 5 "$pid1" || fail "tund did not exit within 5 s of SIGTERM"
  [ "$EXIT_STATUS" -eq 0 ] || { cat "$work/log1"; fail "tund exit status $EXIT_STATUS"; }
  recipe_gone || fail "state left after SIGTERM: $(ip rule; ip -6 rule; ip link)"
  sysctl_is net/ipv4/conf/vA/forwarding 0 || fail "vA forwarding not restored"
  sysctl_is net/ipv4/ip_local_reserved_ports "" || fail "reserved ports not restored"
  [ "$(stat_value tcp_packets_in)" -ge 3 ] || fail "exit stats: tcp_packets_in < 3"

  echo "--- kill -9, then a restart cleans up (uplink and addresses from the default route)"
  ip route add default via 198.18.0.2 dev vA
  ip -6 route add default via fd00:18::2 dev vA
  local auto=(--control-socket "$work/run/control.sock" --stats-file "$work/stats")
  "$tund" "${auto[@]}" 2>"$work/log4" &
  local pid2=$!
  wait_for 10 recipe_present || { cat "$work/log4"; fail "recipe not installed with detected uplink"; }
  kill -9 "$pid2"
  wait "$pid2" 2>/dev/null || true
  [ "$(tagged_rules -4)" -gt 0 ] || fail "kill -9 left no stale rules (test premise)"
  "$tund" "${auto[@]}" 2>"$work/log5" &
  local pid3=$!
  wait_for 10 recipe_present || { cat "$work/log5"; fail "restart after kill -9 did not install the recipe"; }
  local rules
  rules=$(ip -4 rule show)
  [ "$(grep -c '^100:' <<<"$rules")" = 1 ] || fail "duplicate ephemeral rules after restart: $rules"
  peer_syn 198.18.0.1 || fail "restarted tund does not receive SYNs"
  kill -TERM "$pid3"
  exits_within 5 "$pid3" || fail "restarted tund did not exit"
  [ "$EXIT_STATUS" -eq 0 ] || { cat "$work/log5"; fail "restarted tund exit status $EXIT_STATUS"; }
  recipe_gone || fail "state left after the restarted tund: $(ip rule; ip -6 rule)"
  echo "daemon_test: PASS"
}

if [ "${1:-}" = "--inner" ]; then
  shift
  inner "$@"
  exit 0
fi

tund=$1
netns_skip_unless_capable
command -v python3 >/dev/null || { echo "SKIP: python3 missing" >&2; exit 77; }
netns_create_pair
timeout 120 ip netns exec "$NETNS_HOST" "$0" --inner "$tund" "$NETNS_PEER"
