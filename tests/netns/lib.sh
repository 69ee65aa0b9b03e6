# Shell helpers for netns integration tests. Source it; do not run it.
#
# Pattern (mandatory for every script that starts tund or sends traffic):
#   outer part (root namespace): netns_skip_unless_capable; netns_create_pair; then
#     ip netns exec "$NETNS_HOST" "$0" --inner ...   # re-executes itself inside host A
#   inner part: netns_require_inside first -- it refuses to run in a namespace it was not
#     placed in, so a test can never touch the machine's real routing.
# Names derive from $$ so concurrent runs do not collide; addresses come only from
# 198.18.0.0/15 and fd00::/8 (DESIGN "Addresses for tests"). The EXIT trap deletes both
# namespaces (which removes the veth pair and any TUN inside) and kills, by PID, every
# process registered with netns_track_pid.

NETNS_HOST_ADDR4=198.18.0.1
NETNS_PEER_ADDR4=198.18.0.2
NETNS_HOST_ADDR6=fd00:18::1
NETNS_PEER_ADDR6=fd00:18::2
NETNS_HOST_IF=vA
NETNS_PEER_IF=vB
NETNS_PIDS=()

# Exit 77 (ctest SKIP_RETURN_CODE) when the test cannot run here.
netns_skip_unless_capable() {
  if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root" >&2; exit 77; fi
  if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
    echo "SKIP: ip netns unavailable" >&2; exit 77
  fi
  local probe="tcprobe$$"
  if ! ip netns add "$probe" 2>/dev/null; then echo "SKIP: cannot create a network namespace" >&2; exit 77; fi
  ip netns del "$probe"
  if [ ! -c /dev/net/tun ]; then echo "SKIP: /dev/net/tun missing" >&2; exit 77; fi
}

# Refuses (exit 2) unless this process runs inside a named namespace (created by the outer
# part of the test).
netns_require_inside() {
  local here
  here=$(ip netns identify 2>/dev/null || true)
  if [ -z "$here" ]; then
    echo "refusing to run: not inside a test network namespace (ip netns identify is empty)" >&2
    exit 2
  fi
}

# The inner half of the outer/inner pattern: a script re-executed as `SCRIPT --inner CMD...`
# inside a test namespace checks that it is inside one, then runs CMD. Call it first thing
# with "$@"; it returns only when the script was not called with --inner.
netns_exec_inner_if_asked() {
  if [ "${1:-}" = "--inner" ]; then
    shift
    netns_require_inside
    exec "$@"
  fi
}

netns_track_pid() { NETNS_PIDS+=("$1"); }

netns_teardown() {
  local pid
  for pid in "${NETNS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NETNS_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${NETNS_HOST:-}" ] && ip netns del "$NETNS_HOST" 2>/dev/null
  [ -n "${NETNS_PEER:-}" ] && ip netns del "$NETNS_PEER" 2>/dev/null
  return 0
}

# Creates "host A" and "peer B" joined by a veth pair (created inside the namespaces, never
# in the root namespace), with the §13 addresses, rp_filter=2 in host A like a stock
# systemd host. Sets NETNS_HOST and NETNS_PEER and installs the EXIT trap.
netns_create_pair() {
  NETNS_HOST="tcA$$"
  NETNS_PEER="tcB$$"
  trap netns_teardown EXIT
  trap 'exit 130' INT TERM
  ip netns add "$NETNS_HOST"
  ip netns add "$NETNS_PEER"
  ip -n "$NETNS_HOST" link add "$NETNS_HOST_IF" type veth peer name "$NETNS_PEER_IF" netns "$NETNS_PEER"
  ip -n "$NETNS_HOST" addr add "$NETNS_HOST_ADDR4/24" dev "$NETNS_HOST_IF"
  ip -n "$NETNS_HOST" addr add "$NETNS_HOST_ADDR6/64" dev "$NETNS_HOST_IF" nodad
  ip -n "$NETNS_PEER" addr add "$NETNS_PEER_ADDR4/24" dev "$NETNS_PEER_IF"
  ip -n "$NETNS_PEER" addr add "$NETNS_PEER_ADDR6/64" dev "$NETNS_PEER_IF" nodad
  local ns
  for ns in "$NETNS_HOST" "$NETNS_PEER"; do ip -n "$ns" link set lo up; done
  ip -n "$NETNS_HOST" link set "$NETNS_HOST_IF" up
  ip -n "$NETNS_PEER" link set "$NETNS_PEER_IF" up
  ip netns exec "$NETNS_HOST" sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2
}

# Like netns_create_pair, but host A and peer B are joined through a third namespace
# ("mid") where impair-link forwards frames between two veth pairs with seeded loss,
# reordering, duplication, delay and corruption (this kernel has no sch_netem):
#   netns_create_impaired_pair IMPAIR_LINK_BINARY [impair-link options...]
# Offloads are off on every veth so that frames are MTU-sized with real checksums.
# Sets NETNS_HOST, NETNS_PEER, NETNS_MID; impair-link's counters go to $NETNS_IMPAIR_LOG.
netns_create_impaired_pair() {
  local impair=$1
  shift
  NETNS_HOST="tcA$$"
  NETNS_PEER="tcB$$"
  NETNS_MID="tcM$$"
  NETNS_IMPAIR_LOG=$(mktemp)
  trap 'netns_teardown; ip netns del "$NETNS_MID" 2>/dev/null; rm -f "$NETNS_IMPAIR_LOG"' EXIT
  trap 'exit 130' INT TERM
  local ns
  for ns in "$NETNS_HOST" "$NETNS_PEER" "$NETNS_MID"; do
    ip netns add "$ns"
    ip -n "$ns" link set dev lo up
  done
  ip -n "$NETNS_HOST" link add "$NETNS_HOST_IF" type veth peer name mA netns "$NETNS_MID"
  ip -n "$NETNS_PEER" link add "$NETNS_PEER_IF" type veth peer name mB netns "$NETNS_MID"
  ip -n "$NETNS_HOST" addr add "$NETNS_HOST_ADDR4/24" dev "$NETNS_HOST_IF"
  ip -n "$NETNS_HOST" addr add "$NETNS_HOST_ADDR6/64" dev "$NETNS_HOST_IF" nodad
  ip -n "$NETNS_PEER" addr add "$NETNS_PEER_ADDR4/24" dev "$NETNS_PEER_IF"
  ip -n "$NETNS_PEER" addr add "$NETNS_PEER_ADDR6/64" dev "$NETNS_PEER_IF" nodad
  local pair
  for pair in "$NETNS_HOST:$NETNS_HOST_IF" "$NETNS_PEER:$NETNS_PEER_IF" "$NETNS_MID:mA" "$NETNS_MID:mB"; do
    ip -n "${pair%%:*}" link set dev "${pair#*:}" up
    ip netns exec "${pair%%:*}" ethtool -K "${pair#*:}" tx off tso off gso off gro off >/dev/null 2>&1 || true
  done
  ip netns exec "$NETNS_HOST" sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2
  ip netns exec "$NETNS_MID" "$impair" --a mA --b mB "$@" 2>"$NETNS_IMPAIR_LOG" &
  netns_track_pid $!
}

# Stops impair-link (SIGTERM makes it print its counters) and prints its log. Often called
# in $(...), where `wait` cannot wait for the parent's children: poll until each is gone.
netns_impair_report() {
  local pid
  for pid in "${NETNS_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    wait "$pid" 2>/dev/null || true
  done
  NETNS_PIDS=()
  cat "$NETNS_IMPAIR_LOG"
}
