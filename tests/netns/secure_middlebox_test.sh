#!/usr/bin/env bash
# Netns test: tcpcrypt between two tunds through a middlebox that tampers with the segments.
#   secure_middlebox_test.sh TUND TCPCRYPT IMPAIR_LINK [CASE...]
# For each case (all by default): a fresh impaired pair (lib.sh netns_create_impaired_pair)
# with one impair-link rewrite, tund in host A and in peer B, one `tcpcrypt nc` connection
# A → B carrying 2 MiB (a marker, random bytes, the marker), then the outcome RFC 8547 /
# RFC 8548 require (the same cases as tests/sim/tcpinc_middlebox_test.cpp):
#   fallback   both apps see `security encrypted=0`, data intact, the marker is on the wire
#   encrypted  both see `encrypted=1` with one session ID, data intact, no marker on the wire
#   fail       the connection fails at both apps; B's app got no byte or a correct prefix;
#              if both ends report encryption, their session IDs differ
#   abort      the receiving app (B's; A's for b2a cases) gets ECONNRESET, not EOF, and B only a
#              correct prefix (a short one when B is the receiver); the other app fails too
# and in every case: impair-link's counter for the rewrite ≥ 1 (the rewrite happened), and in
# all but the fallback cases the marker never crosses the link in the clear (impair-link pcap).
# Prints one line per case. Exit 77 = skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

readonly kMarker="TCPCRYPT-MIDDLEBOX-MARKER-5e1f0c7a"
readonly kRandomBytes=$((2 << 20))
readonly kPort=9200
readonly kAllCases="strip-syn strip-synack strip-third-ack alter-syn flip-bit flip-bit-b2a flip-fin inject-urg resegment"

# case_spec NAME: sets IMPAIR_OPTS (impair-link rewrite), COUNTER (its counter), A_NC_OPTS
# (extra options of A's nc), EXPECT (outcome), RECEIVER (the end that detects an abort) and
# ITEMS (checklist items covered).
case_spec() {
  A_NC_OPTS=() RECEIVER=B
  case $1 in
    strip-syn) IMPAIR_OPTS=(--strip-eno syn) COUNTER=eno_stripped EXPECT=fallback ITEMS="ENO-14" ;;
    strip-synack) IMPAIR_OPTS=(--strip-eno synack) COUNTER=eno_stripped EXPECT=fallback ITEMS="ENO-14" ;;
    # RFC 8547 §9 "type 2": A enabled ENO, B fell back; B sees A's Init1 with `45 02` and aborts.
    strip-third-ack) IMPAIR_OPTS=(--strip-eno third-ack) COUNTER=eno_stripped EXPECT=fail ITEMS="ENO-13 ENO-16" ;;
    # Two TEPs so that alter_eno_tep() has a non-last tcpcrypt TEP and an unused id (tamper.h).
    alter-syn) IMPAIR_OPTS=(--alter-syn-eno) COUNTER=eno_altered EXPECT=fail A_NC_OPTS=(--tep "Curve25519,P256")
      ITEMS="ENO-23 TC-10" ;;
    flip-bit) IMPAIR_OPTS=(--flip-payload-bit 20) COUNTER=bit_flipped EXPECT=abort ITEMS="TC-30 TC-10 TC-47" ;;
    # B's nc -l half-closes at once: its payload segments are Init2, then the FINp frame (a
    # tampered FINp is an error at A, never EOF).
    flip-bit-b2a) IMPAIR_OPTS=(--flip-payload-bit 2 --tamper-dir b2a) COUNTER=bit_flipped EXPECT=abort RECEIVER=A
      ITEMS="TC-30 TC-32 TC-10 TC-47" ;;
    flip-fin) IMPAIR_OPTS=(--flip-fin 20) COUNTER=fin_flipped EXPECT=abort ITEMS="TC-33 TC-10 TC-47" ;;
    # URG is not protected by TCP; tcpcrypt has no urgent data, so it is ignored (RFC 8548 §3.7).
    inject-urg) IMPAIR_OPTS=(--inject-urg 20) COUNTER=urg_injected EXPECT=encrypted ITEMS="ENO-24" ;;
    resegment) IMPAIR_OPTS=(--resegment) COUNTER=resegmented EXPECT=encrypted ITEMS="TC-30" ;;
    *) echo "unknown case $1 (cases: $kAllCases)" >&2; exit 2 ;;
  esac
}

# Inside host A: runs the connection, checks what the apps saw, writes a summary to $out.
inner() {
  netns_require_inside
  local name=$1 tund=$2 tcpcrypt=$3 out=$5
  CONN_PEER_NS=$4
  case_spec "$name"
  conn_start_tund "$tund" --syn-retries 2
  conn_start_peer_tund "$tund" --syn-retries 2
  local w=$CONN_WORK
  { printf %s "$kMarker"; head -c "$kRandomBytes" /dev/urandom; printf %s "$kMarker"; } >"$w/data"
  local total
  total=$(stat -c %s "$w/data")

  ip netns exec "$CONN_PEER_NS" timeout 30 "$tcpcrypt" nc --control "$PEER_CTL" --print-security -l "$kPort" \
    </dev/null >"$w/got" 2>"$w/b.err" &
  local b_pid=$!
  conn_wait_for 10 grep -qs listening "$w/b.err" || conn_fail "$name: B's nc -l did not listen"
  local rc_a=0 rc_b=0
  timeout 20 "$tcpcrypt" nc --control "$CONN_CTL" --print-security "${A_NC_OPTS[@]}" "$NETNS_PEER_ADDR4" "$kPort" \
    <"$w/data" >/dev/null 2>"$w/a.err" || rc_a=$?
  # B's app ends on its own unless its connection was never accepted (fail cases).
  conn_wait_for 5 eval "! kill -0 $b_pid 2>/dev/null" || kill "$b_pid" 2>/dev/null || true
  wait "$b_pid" || rc_b=$?
  local got
  got=$(stat -c %s "$w/got")
  local sec_a sec_b
  sec_a=$(grep -m1 '^security ' "$w/a.err" || true)
  sec_b=$(grep -m1 '^security ' "$w/b.err" || true)
  local detail="A: rc=$rc_a ${sec_a:-no security line}; B: rc=$rc_b ${sec_b:-no security line}, got $got of $total bytes"
  local -a errors=()
  # No case may deliver a wrong byte: B's output is always a prefix of what A sent.
  if [ "$got" -gt "$total" ] || ! cmp -s -n "$got" "$w/got" "$w/data"; then errors+=("B received wrong bytes"); fi
  case $EXPECT in
    fallback | encrypted)
      [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ] || errors+=("an nc failed")
      cmp -s "$w/got" "$w/data" || errors+=("data not intact")
      local want=1 counter=conn_encrypted
      [ "$EXPECT" = fallback ] && want=0 counter=conn_plain
      grep -q "encrypted=$want " <<<"$sec_a" || errors+=("A not encrypted=$want")
      grep -q "encrypted=$want " <<<"$sec_b" || errors+=("B not encrypted=$want")
      if [ "$EXPECT" = encrypted ]; then
        [ "${sec_a##*sid=}" = "${sec_b##*sid=}" ] || errors+=("session IDs differ")
      fi
      [ "$(conn_stat "$counter")" -ge 1 ] || errors+=("A's $counter is 0")
      [ "$(conn_peer_stat "$counter")" -ge 1 ] || errors+=("B's $counter is 0")
      ;;
    fail)
      [ "$rc_a" -ne 0 ] || errors+=("A's nc succeeded")
      [ "$rc_b" -ne 0 ] || errors+=("B's nc ended cleanly")
      # tcpcrypt has no key confirmation: with an altered transcript both ends may report an
      # encrypted connection, but with different session IDs (RFC 8548 §3.4), until the first
      # frame fails authentication.
      if grep -q "encrypted=1" <<<"$sec_a" && grep -q "encrypted=1" <<<"$sec_b"; then
        [ "${sec_a##*sid=}" != "${sec_b##*sid=}" ] || errors+=("same session ID on both ends")
      fi
      [ $(($(conn_stat conn_crypto_failures) + $(conn_peer_stat conn_crypto_failures))) -ge 1 ] ||
        errors+=("no conn_crypto_failures in either tund")
      ;;
    abort)
      [ "$rc_a" -ne 0 ] || errors+=("A's nc succeeded")
      [ "$rc_b" -ne 0 ] || errors+=("B's nc ended cleanly")
      local rx_err=$w/b.err rx_stat=conn_peer_stat
      [ "$RECEIVER" = A ] && rx_err=$w/a.err rx_stat=conn_stat
      grep -q "Connection reset by peer" "$rx_err" || errors+=("$RECEIVER's app did not see ECONNRESET")
      [ "$RECEIVER" = A ] || [ "$got" -lt "$total" ] || errors+=("B received everything")
      grep -q "encrypted=1" <<<"$sec_a" && grep -q "encrypted=1" <<<"$sec_b" || errors+=("not encrypted before the abort")
      [ "$($rx_stat conn_crypto_failures)" -ge 1 ] || errors+=("$RECEIVER's conn_crypto_failures is 0")
      ;;
  esac
  kill -0 "$TUND_PID" && kill -0 "$PEER_TUND_PID" || errors+=("a tund died")
  if [ ${#errors[@]} -gt 0 ]; then
    printf '%s\n' "A's nc: $(grep -v '^security ' "$w/a.err" | head -3)" "B's nc: $(grep -v '^security ' "$w/b.err" | head -3)" >&2
    echo "--- B's tund" >&2
    tail -n 20 "$PEER_WORK/tund.log" >&2
    conn_fail "$name: $(IFS=';'; echo "${errors[*]}") ($detail)"
  fi
  echo "$detail" >"$out"
}

# One case in its own namespaces (names derive from this process's PID).
run_case() {
  local name=$1 tund=$2 tcpcrypt=$3 impair=$4
  case_spec "$name"
  local tmp
  tmp=$(mktemp -d)
  netns_create_impaired_pair "$impair" "${IMPAIR_OPTS[@]}" --pcap "$tmp/link.pcap"
  # The EXIT trap now belongs to lib.sh; remove the temp dir before every exit below.
  local status=0
  timeout 50 ip netns exec "$NETNS_HOST" "$0" --inner "$name" "$tund" "$tcpcrypt" "$NETNS_PEER" "$tmp/summary" ||
    status=$?
  netns_impair_report >"$tmp/impair.log"
  local count
  count=$(grep -o "$COUNTER=[0-9]*" "$tmp/impair.log" | cut -d= -f2)
  local on_wire=no
  grep -aqF "$kMarker" "$tmp/link.pcap" && on_wire=yes
  local verdict=""
  [ "$status" -eq 0 ] || verdict="connection checks failed (status $status)"
  [ "${count:-0}" -ge 1 ] || verdict="$verdict; impair-link did not rewrite ($COUNTER=${count:-?})"
  if [ "$EXPECT" = fallback ]; then
    [ "$on_wire" = yes ] || verdict="$verdict; fallback data not seen in the clear on the link"
  else
    [ "$on_wire" = no ] || verdict="$verdict; the marker crossed the link in the clear"
  fi
  if [ -n "$verdict" ]; then
    echo "case $name [$ITEMS]: FAIL: ${verdict#; }" >&2
    cat "$tmp/impair.log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  echo "case $name [$ITEMS]: $EXPECT as required; $(cat "$tmp/summary"); $COUNTER=$count, marker on the wire: $on_wire"
  rm -rf "$tmp"
}

case ${1:-} in
  --inner) shift; inner "$@"; exit 0 ;;
  --case) shift; run_case "$@"; exit 0 ;;
esac
tund=$1 tcpcrypt=$2 impair=$3
shift 3
netns_skip_unless_capable
cases=${*:-$kAllCases}
failed=0
for c in $cases; do
  "$0" --case "$c" "$tund" "$tcpcrypt" "$impair" || failed=$((failed + 1))
done
[ "$failed" -eq 0 ] || { echo "secure_middlebox_test: $failed case(s) FAILED" >&2; exit 1; }
echo "secure_middlebox_test: PASS"
