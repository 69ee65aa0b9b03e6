#!/usr/bin/env bash
# Netns test: N concurrent connections through tund (default 1000), each echoing BYTES bytes
# through a kernel echo server in peer B; all must connect and return their own bytes.
#   conn_many_test.sh TUND CONN_DRIVER [N] [BYTES]
# Exit 77 = skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

inner() {
  netns_require_inside
  local tund=$1 driver=$2 n=$3 bytes=$4
  CONN_PEER_NS=$5
  conn_start_tund "$tund"
  conn_peer_bg "$CONN_WORK/echo.out" bash -c "ulimit -n \$(ulimit -Hn); exec timeout 120 python3 '$here/conn_peer.py' echo '$NETNS_PEER_ADDR4' 9200 30"
  conn_wait_for 10 grep -qs listening "$CONN_WORK/echo.out" || conn_fail "echo server did not listen"
  timeout 100 "$driver" many "$CONN_CTL" "$NETNS_PEER_ADDR4" 9200 "$n" "$bytes" || conn_fail "driver failed"
  [ "$(conn_stat conn_connects)" = "$n" ] || conn_fail "conn_connects != $n"
  kill -0 "$TUND_PID" || conn_fail "tund died"
  echo "conn_many_test: PASS"
}

conn_inner_or_prepare "$@"
netns_create_pair
timeout 150 ip netns exec "$NETNS_HOST" "$0" --inner "$1" "$2" "${3:-1000}" "${4:-1000}" "$NETNS_PEER"
