# Helpers for the tund connection tests (conn_*_test.sh): source after lib.sh, inside host A.
#   conn_start_tund TUND [extra tund options...]   starts tund on vA with the lib.sh addresses,
#                                                  waits for its control socket; sets TUND_PID,
#                                                  CONN_CTL (socket path), CONN_WORK (temp dir)
#   conn_start_peer_tund TUND [extra tund options...]  starts a second tund in peer B (on vB
#                                                  with B's addresses): PEER_TUND_PID,
#                                                  PEER_CTL, PEER_WORK (under CONN_WORK)
#   conn_peer CMD...                               runs CMD in peer B
#   conn_peer_bg OUT CMD...                        starts CMD in peer B in the background
#                                                  (stdout and stderr to OUT); CONN_BG = its PID,
#                                                  which the EXIT trap kills
#   conn_wait_for SECONDS CMD...                   polls every 0.1 s until CMD succeeds
#   conn_fail MESSAGE                              prints tund's log tail, exits 1

# The outer/inner pattern of the conn_* and secure_* scripts: with --inner first, runs the
# script's inner() on the other arguments (inside host A) and exits; otherwise checks that
# the test can run here (root, netns, python3; exit 77 if not) and returns.
conn_inner_or_prepare() {
  if [ "${1:-}" = "--inner" ]; then
    shift
    inner "$@"
    exit 0
  fi
  netns_skip_unless_capable
  command -v python3 >/dev/null || { echo "SKIP: python3 missing" >&2; exit 77; }
}

conn_wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

conn_fail() {
  echo "FAIL: $*" >&2
  [ -n "${CONN_WORK:-}" ] && tail -n 30 "$CONN_WORK/tund.log" >&2
  exit 1
}

conn_peer() { ip netns exec "$CONN_PEER_NS" "$@"; }
# A plain command (not a function or subshell) in the background, so that $! is the process
# itself and killing it ends the peer program.
conn_peer_bg() {
  local out=$1
  shift
  ip netns exec "$CONN_PEER_NS" "$@" >"$out" 2>&1 &
  CONN_BG=$!
}

conn_start_tund() {
  local tund=$1
  shift
  CONN_WORK=$(mktemp -d)
  CONN_CTL="$CONN_WORK/run/control.sock"
  trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$CONN_WORK"' EXIT
  ulimit -n 65536 2>/dev/null || true
  "$tund" --uplink "$NETNS_HOST_IF" --address "$NETNS_HOST_ADDR4,$NETNS_HOST_ADDR6" \
    --control-socket "$CONN_CTL" --stats-file "$CONN_WORK/stats" --log-level "${CONN_LOG_LEVEL:-warn}" "$@" \
    2>"$CONN_WORK/tund.log" &
  TUND_PID=$!
  conn_wait_for 10 test -S "$CONN_CTL" || conn_fail "tund control socket did not appear"
}

# Call after conn_start_tund (it owns the EXIT trap that stops this one too).
conn_start_peer_tund() {
  local tund=$1
  shift
  PEER_WORK="$CONN_WORK/peer"
  PEER_CTL="$PEER_WORK/run/control.sock"
  mkdir -p "$PEER_WORK"
  ip netns exec "$CONN_PEER_NS" "$tund" --uplink "$NETNS_PEER_IF" --address "$NETNS_PEER_ADDR4,$NETNS_PEER_ADDR6" \
    --control-socket "$PEER_CTL" --stats-file "$PEER_WORK/stats" --log-level "${CONN_LOG_LEVEL:-warn}" "$@" \
    2>"$PEER_WORK/tund.log" &
  PEER_TUND_PID=$!
  conn_wait_for 10 test -S "$PEER_CTL" || conn_fail "peer tund control socket did not appear"
}

# conn_stat NAME: a counter from tund's stats file (written on SIGUSR1);
# conn_peer_stat NAME: the same from the peer's tund.
conn_stat() { conn_stat_of "$TUND_PID" "$CONN_WORK/stats" "$1"; }
conn_peer_stat() { conn_stat_of "$PEER_TUND_PID" "$PEER_WORK/stats" "$1"; }
conn_stat_of() {
  rm -f "$2"
  kill -USR1 "$1"
  conn_wait_for 5 test -s "$2" || return 1
  awk -v k="$3" '$1 == k { print $2 }' "$2"
}
