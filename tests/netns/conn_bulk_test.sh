#!/usr/bin/env bash
# Netns test: bulk transfer through tund, both directions, SHA-256 compared.
#   conn_bulk_test.sh TUND TCPCRYPT MIB[:MIB_IN] [IMPAIR_LINK IMPAIR_OPTIONS...]
# tund → kernel: `tcpcrypt nc` sends a MIB-MiB file to stream.py recv in peer B;
# kernel → tund: stream.py send in peer B (MIB_IN MiB, default MIB) to a tund listener
# (`tcpcrypt nc -l`).
# With IMPAIR_LINK, host A and peer B are joined through impair-link (lib.sh
# netns_create_impaired_pair) with the given loss/reordering options.
# Prints the duration and throughput of each direction. Exit 77 = skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

inner() {
  netns_require_inside
  local tund=$1 tcpcrypt=$2 mib=${3%%:*} mib_in=${3##*:}
  CONN_PEER_NS=$4
  local bytes=$((mib << 20)) bytes_in=$((mib_in << 20)) timeout_s=$5
  conn_start_tund "$tund"
  head -c "$bytes" /dev/urandom >"$CONN_WORK/data"
  local want
  want=$(sha256sum "$CONN_WORK/data" | cut -d' ' -f1)

  echo "--- tund → kernel, $mib MiB"
  conn_peer_bg "$CONN_WORK/recv.out" timeout "$timeout_s" python3 "$here/stream.py" recv "$NETNS_PEER_ADDR4" 9100 "$timeout_s"
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$CONN_WORK/recv.out" || conn_fail "stream.py recv did not listen"
  local t0
  t0=$(date +%s.%N)
  timeout "$timeout_s" "$tcpcrypt" nc --control "$CONN_CTL" "$NETNS_PEER_ADDR4" 9100 <"$CONN_WORK/data" ||
    conn_fail "nc (sender) exit status $?"
  wait "$bg" || conn_fail "stream.py recv failed"
  grep -q "bytes $bytes sha256 $want" "$CONN_WORK/recv.out" || conn_fail "receiver: $(cat "$CONN_WORK/recv.out")"
  awk -v t0="$t0" -v t1="$(date +%s.%N)" -v m="$mib" 'BEGIN { printf "tund → kernel: %.2f s, %.1f MiB/s\n", t1 - t0, m / (t1 - t0) }'

  echo "--- kernel → tund, $mib_in MiB"
  : >"$CONN_WORK/ncl.err"
  timeout "$timeout_s" "$tcpcrypt" nc --control "$CONN_CTL" -l 9101 </dev/null >"$CONN_WORK/got" 2>"$CONN_WORK/ncl.err" &
  bg=$!
  conn_wait_for 10 grep -q listening "$CONN_WORK/ncl.err" || conn_fail "nc -l did not listen"
  local sent
  sent=$(conn_peer timeout "$timeout_s" python3 "$here/stream.py" send "$NETNS_HOST_ADDR4" 9101 "$bytes_in" 7 "$timeout_s") ||
    conn_fail "stream.py send failed"
  wait "$bg" || conn_fail "nc -l exit status $?: $(cat "$CONN_WORK/ncl.err")"
  local got
  got=$(sha256sum "$CONN_WORK/got" | cut -d' ' -f1)
  grep -q "bytes $bytes_in sha256 $got" <<<"$sent" || conn_fail "sender: $sent, receiver: $(stat -c %s "$CONN_WORK/got") bytes $got"
  echo "kernel → tund: $sent"
  kill -0 "$TUND_PID" || conn_fail "tund died"
  echo "conn_bulk_test: PASS"
}

conn_inner_or_prepare "$@"
tund=$1 tcpcrypt=$2 mib=$3
shift 3
if [ $# -gt 0 ]; then
  netns_create_impaired_pair "$@"
  timeout_s=240
else
  netns_create_pair
  timeout_s=60
fi
status=0
timeout $((timeout_s * 2 + 30)) ip netns exec "$NETNS_HOST" "$0" --inner "$tund" "$tcpcrypt" "$mib" "$NETNS_PEER" "$timeout_s" || status=$?
[ $# -gt 0 ] && netns_impair_report
exit "$status"
