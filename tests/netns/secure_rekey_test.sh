#!/usr/bin/env bash
# Netns test: key updates (RFC 8548 §3.8) on a long encrypted tund ↔ tund transfer.
#   secure_rekey_test.sh TUND TCPCRYPT [MIB] [KEY_UPDATE_MIB]   (default 1024 MiB, 64 MiB)
# tund in host A runs with --key-update-bytes; a second tund in peer B with defaults.
# `tcpcrypt nc` in A sends MIB MiB of a deterministic AES-CTR keystream (generated on the fly,
# never written to disk; hashed once beforehand) to `tcpcrypt nc -l` in B; SHA-256 must match and both ends must
# report `security encrypted=1`. A's conn_key_updates must reach MIB / KEY_UPDATE_MIB − 1.
# The same transfer then runs again between tunds without key updates; both rates and their
# ratio are printed (no timed assertion: the machine is shared). Exit 77 = skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

# The payload: a keystream, a function of nothing but the byte count.
generate() {
  # openssl ends by SIGPIPE when head has enough: not a failure.
  { openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 \
      -in /dev/zero 2>/dev/null || true; } | head -c "$1"
}

# start_tunds [A's extra options...]: tund in A (with the options) and tund in B.
start_tunds() {
  conn_start_tund "$tund" "$@"
  conn_start_peer_tund "$tund"
}

# Stops both tunds and removes their work directory, so that start_tunds can run again.
stop_tunds() {
  kill "$PEER_TUND_PID" "$TUND_PID"
  wait "$PEER_TUND_PID" "$TUND_PID" 2>/dev/null || true
  rm -rf "$CONN_WORK"
}

# transfer NAME PORT: sends the payload A → B; checks digests and security lines; sets RATE
# (MiB/s, from the sender's start to the receiver's end).
transfer() {
  local name=$1 port=$2
  conn_peer_bg "$CONN_WORK/$name.recv" timeout 60 bash -c \
    "'$tcpcrypt' nc --control '$PEER_CTL' --print-security -l $port </dev/null 2>'$PEER_WORK/$name.err' | sha256sum"
  local bg=$CONN_BG
  conn_wait_for 10 grep -qs listening "$PEER_WORK/$name.err" || conn_fail "nc -l in B did not listen"
  local t0
  t0=$(date +%s.%N)
  generate "$bytes" |
    timeout 60 "$tcpcrypt" nc --control "$CONN_CTL" --print-security "$NETNS_PEER_ADDR4" "$port" \
      >/dev/null 2>"$CONN_WORK/$name.err" || conn_fail "nc (sender) failed: $(cat "$CONN_WORK/$name.err")"
  wait "$bg" || conn_fail "nc -l in B failed: $(cat "$PEER_WORK/$name.err")"
  local t1
  t1=$(date +%s.%N)
  local got
  got=$(cut -d' ' -f1 "$CONN_WORK/$name.recv")
  [ "$got" = "$want" ] || conn_fail "$name: B got sha256 $got, A sent $want"
  local side
  for side in "$CONN_WORK/$name.err" "$PEER_WORK/$name.err"; do
    grep -q "^security encrypted=1 " "$side" || conn_fail "$name: not encrypted: $(cat "$side")"
  done
  grep "^security" "$CONN_WORK/$name.err" | sed 's/^/  A: /'
  grep "^security" "$PEER_WORK/$name.err" | sed 's/^/  B: /'
  RATE=$(awk -v t0="$t0" -v t1="$t1" -v m="$mib" 'BEGIN { printf "%.1f", m / (t1 - t0) }')
  echo "$name: $mib MiB, sha256 equal, $RATE MiB/s"
}

inner() {
  netns_require_inside
  tund=$1 tcpcrypt=$2 mib=$3
  local update_mib=$4
  CONN_PEER_NS=$5
  bytes=$((mib << 20))
  # The payload's digest up front, so that both transfers do the same work.
  want=$(generate "$bytes" | sha256sum | cut -d' ' -f1)

  # TC-34, TC-35, TC-37, TC-38, TC-39: A rekeys every KEY_UPDATE_MIB MiB (rekey = 1 frames),
  # B follows each new generation; any key mismatch or a frame sealed under a wrong key would
  # abort the connection or change the digest.
  echo "--- key update every $update_mib MiB"
  start_tunds --key-update-bytes $((update_mib << 20))
  transfer rekey 9400
  local rekey_rate=$RATE updates min_updates=$((mib / update_mib - 1))
  updates=$(conn_stat conn_key_updates) || conn_fail "no stats from tund A"
  echo "A conn_key_updates $updates (expected ≥ $min_updates)"
  [ "$updates" -ge "$min_updates" ] || conn_fail "only $updates key updates"
  echo "A conn_keys_held $(conn_stat conn_keys_held), B conn_keys_held $(conn_peer_stat conn_keys_held)"
  stop_tunds

  echo "--- no key update"
  start_tunds
  transfer plain 9401
  local plain_updates
  plain_updates=$(conn_stat conn_key_updates) || conn_fail "no stats from tund A"
  [ "$plain_updates" -eq 0 ] || conn_fail "$plain_updates key updates without --key-update-bytes"
  awk -v r="$rekey_rate" -v p="$RATE" 'BEGIN {
    printf "with key update %.1f MiB/s, without %.1f MiB/s, ratio %.3f\n", r, p, r / p }'
  kill -0 "$TUND_PID" || conn_fail "tund died"
  echo "secure_rekey_test: PASS"
}

conn_inner_or_prepare "$@"
tund=$1 tcpcrypt=$2 mib=${3:-1024} update_mib=${4:-64}
command -v openssl >/dev/null || { echo "SKIP: openssl missing" >&2; exit 77; }
netns_create_pair
timeout 150 ip netns exec "$NETNS_HOST" "$0" --inner "$tund" "$tcpcrypt" "$mib" "$update_mib" "$NETNS_PEER"
