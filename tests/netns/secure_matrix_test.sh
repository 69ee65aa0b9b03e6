#!/usr/bin/env bash
# Netns test: tund ↔ tund encrypted, every TEP × every AEAD, IPv4 and IPv6.
#   secure_matrix_test.sh TUND TCPCRYPT MIB
# tund runs in host A and in peer B. For each family and each (TEP, AEAD): B listens with
# `tcpcrypt nc -l --tep X --aead Y` (B, the passive opener, chooses both, so restricting B's
# lists fixes the outcome), A sends a MIB-MiB file with a plaintext marker every 64 KiB;
# SHA-256 equal at B, both `--print-security` lines encrypted=1 with tep X, aead Y, roles
# A/B and one session ID. tcpdump in B on vB captures the first packets of each connection;
# pcap_check.py: SYN, SYN-ACK and third ACK carry option 69, the marker is in no frame and no
# stream.
# Negative control on the same capture path: a `--mode off` connection whose capture does
# contain the marker. `tcpcrypt status` on both tunds shows nc's session ID while a
# connection is open. Resumption: A's matrix connects use `--no-resumption`, because a
# resumed session keeps the cached TEP/AEAD, and because A's SYN with a resumption suboption
# has room for only one fresh TEP besides it (the 21-byte ENO budget), which a listener
# restricted to another TEP cannot pick. Afterwards default connections resume (conn_resumed
# > 0 on both tunds, session ID byte 0xa1–0xa4) and one `--no-resumption` connection does not.
# Prints each combination's time and MiB/s. Exit 77 = skipped.
#
# Checklist items (tests/README.md): ENO-4 (b=1 passive), ENO-7, ENO-13 (SYN-ACK with ENO),
# ENO-16 (no plaintext on the wire), ENO-26 (session ID first byte), ENO-27 (session ID via the
# API, equal on both ends), TC-2, TC-8, TC-12/TC-16/TC-24 (resumption), TC-27 (ignore
# resumption), TC-45 (every TEP), TC-46 (every AEAD).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=conn_lib.sh
. "$here/conn_lib.sh"

TEPS=(Curve25519 Curve448 P256 P521)
AEADS=(AES_128_GCM AES_256_GCM CHACHA20_POLY1305)

# field LINE KEY: the value of KEY=... in a `security ...` line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
security_line() { grep -m1 '^security ' "$1" || true; }

# A file of MIB MiB: random, with MARKER at the start of every 64 KiB block.
make_marked_data() {
  python3 - "$1" "$2" "$3" <<'EOF'
import os, sys
path, mib, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
with open(path, "wb") as f:
    for _ in range(mib * 16):
        block = bytearray(os.urandom(1 << 16))
        block[:len(marker)] = marker
        f.write(block)
EOF
}

# capture_start PCAP PORT: tcpdump in peer B on vB for this connection's port.
capture_start() {
  conn_peer_bg "$CONN_WORK/tcpdump.err" timeout 120 tcpdump -i "$NETNS_PEER_IF" -n -U -Z root -c 3000 \
    -w "$1" tcp port "$2"
  CAPTURE_PID=$CONN_BG
  conn_wait_for 10 grep -qs "listening on" "$CONN_WORK/tcpdump.err" || conn_fail "tcpdump did not start"
}
capture_stop() {
  kill -INT "$CAPTURE_PID" 2>/dev/null || true
  wait "$CAPTURE_PID" 2>/dev/null || true
}

# listen_b PORT NC_OPTIONS...: B's tund listens; the stream it receives goes to sha256sum.
# (nc talks to B's tund through PEER_CTL; the TCP connection is B's tund's.)
listen_b() {
  local port=$1
  shift
  : >"$CONN_WORK/b.err"
  timeout "$timeout_s" "$tcpcrypt" nc --control "$PEER_CTL" -l --print-security "$@" "$port" </dev/null \
    2>"$CONN_WORK/b.err" | sha256sum | cut -d' ' -f1 >"$CONN_WORK/b.sha" &
  LISTEN_PID=$!
  conn_wait_for 10 grep -qs listening "$CONN_WORK/b.err" || conn_fail "B's nc -l did not listen: $(cat "$CONN_WORK/b.err")"
}

# send_a PEER PORT FILE NC_OPTIONS...: A's tund connects and sends FILE; waits for B.
send_a() {
  local peer=$1 port=$2 file=$3
  shift 3
  timeout "$timeout_s" "$tcpcrypt" nc --control "$CONN_CTL" --print-security "$@" "$peer" "$port" <"$file" \
    >/dev/null 2>"$CONN_WORK/a.err" || conn_fail "A's nc exit status $?: $(cat "$CONN_WORK/a.err")"
  wait "$LISTEN_PID" || conn_fail "B's nc -l failed: $(cat "$CONN_WORK/b.err")"
  [ "$(cat "$CONN_WORK/b.sha")" = "$(sha256sum "$file" | cut -d' ' -f1)" ] || conn_fail "B received different bytes"
  SEC_A=$(security_line "$CONN_WORK/a.err")
  SEC_B=$(security_line "$CONN_WORK/b.err")
}

# expect_encrypted TEP AEAD: both security lines encrypted=1, the given TEP/AEAD (empty:
# any), roles A/B, equal session IDs. Sets SID.
expect_encrypted() {
  local tep=$1 aead=$2 side line role
  for side in A B; do
    if [ $side = A ]; then line=$SEC_A; else line=$SEC_B; fi
    role=$(field "$line" role)
    [ "$(field "$line" encrypted)" = 1 ] && [ "$role" = $side ] || conn_fail "$side: $line"
    [ -z "$tep" ] || [ "$(field "$line" tep)" = "TCPCRYPT_ECDHE_$tep" ] || conn_fail "$side: want $tep: $line"
    [ -z "$aead" ] || [ "$(field "$line" aead)" = "AEAD_$aead" ] || conn_fail "$side: want $aead: $line"
  done
  SID=$(field "$SEC_A" sid)
  [ ${#SID} -ge 66 ] && [ "$SID" = "$(field "$SEC_B" sid)" ] || conn_fail "session IDs: A $SEC_A, B $SEC_B"
}

# check_capture PCAP: ENO in SYN, SYN-ACK and third ACK, no marker anywhere.
check_capture() {
  python3 "$here/pcap_check.py" "$1" --syn-has-eno --third-ack-has-eno --no-marker "$marker" >"$CONN_WORK/pcap.out" 2>&1 ||
    conn_fail "pcap_check $1: $(cat "$CONN_WORK/pcap.out")"
}

matrix() {
  local me=$1 peer=$2 tep aead t0 t1 port pcap
  for tep in "${TEPS[@]}"; do
    for aead in "${AEADS[@]}"; do
      port=$((next_port++))
      pcap="$CONN_WORK/$port.pcap"
      capture_start "$pcap" "$port"
      listen_b "$port" --tep "$tep" --aead "$aead"
      t0=$(date +%s.%N)
      send_a "$peer" "$port" "$CONN_WORK/data" --no-resumption
      t1=$(date +%s.%N)
      capture_stop
      expect_encrypted "$tep" "$aead"
      [[ $SID == 2[1-4]* ]] || conn_fail "fresh session ID must start with 0x21-0x24: $SID"
      check_capture "$pcap"
      awk -v f="$me" -v c="$tep/$aead" -v t0="$t0" -v t1="$t1" -v m="$mib" -v p="$(head -n1 "$CONN_WORK/pcap.out")" \
        'BEGIN { printf "[%s] %-32s %6.2f s %7.1f MiB/s  %s\n", f, c, t1 - t0, m / (t1 - t0), p }'
      rm -f "$pcap"
    done
  done
}

# The `--mode off` connection: plaintext on the same capture path, so the checker must
# find the marker there.
negative_control() {
  local port=$((next_port++)) pcap="$CONN_WORK/off.pcap" status=0
  capture_start "$pcap" "$port"
  listen_b "$port"
  send_a "$NETNS_PEER_ADDR4" "$port" "$CONN_WORK/small" --mode off
  capture_stop
  [ "$(field "$SEC_A" encrypted)" = 0 ] && [ "$(field "$SEC_B" encrypted)" = 0 ] ||
    conn_fail "--mode off: A $SEC_A, B $SEC_B"
  python3 "$here/pcap_check.py" "$pcap" --no-marker "$marker" >"$CONN_WORK/pcap.out" 2>&1 || status=$?
  [ "$status" -eq 1 ] && grep -q "marker found" "$CONN_WORK/pcap.out" ||
    conn_fail "pcap_check did not find the plaintext marker (exit $status): $(cat "$CONN_WORK/pcap.out")"
  echo "negative control (the checker must find the marker): $(tr '\n' ' ' <"$CONN_WORK/pcap.out")"
}

# `tcpcrypt status` on both tunds lists the open connection with nc's session ID.
status_shows_sid() {
  local port=$((next_port++))
  listen_b "$port"
  mkfifo "$CONN_WORK/hold"
  timeout "$timeout_s" "$tcpcrypt" nc --control "$CONN_CTL" --print-security "$NETNS_PEER_ADDR6" "$port" \
    <"$CONN_WORK/hold" >/dev/null 2>"$CONN_WORK/a.err" &
  local a=$!
  exec 7>"$CONN_WORK/hold"
  conn_wait_for 10 grep -qs '^security ' "$CONN_WORK/a.err" || conn_fail "no security line: $(cat "$CONN_WORK/a.err")"
  conn_wait_for 10 grep -qs '^security ' "$CONN_WORK/b.err" || conn_fail "no security line: $(cat "$CONN_WORK/b.err")"
  SEC_A=$(security_line "$CONN_WORK/a.err")
  SEC_B=$(security_line "$CONN_WORK/b.err")
  expect_encrypted "" ""
  "$tcpcrypt" status --control "$CONN_CTL" | grep -q "sid=$SID" || conn_fail "A's status lacks sid=$SID"
  "$tcpcrypt" status --control "$PEER_CTL" | grep -q "sid=$SID" || conn_fail "B's status lacks sid=$SID"
  echo "tcpcrypt status (A and B) shows sid=$SID"
  exec 7>&-
  wait "$a" || conn_fail "A's nc failed: $(cat "$CONN_WORK/a.err")"
  wait "$LISTEN_PID" || conn_fail "B's nc -l failed"
}

# Default connections resume from the secrets cached by earlier ones (A proposes, B agrees);
# `--no-resumption` on A gives a fresh key exchange.
resumption() {
  local a0 b0 a1 b1 i port
  a0=$(conn_stat conn_resumed)
  b0=$(conn_peer_stat conn_resumed)
  for i in 1 2 3; do
    port=$((next_port++))
    listen_b "$port"
    send_a "$NETNS_PEER_ADDR4" "$port" "$CONN_WORK/small"
    expect_encrypted "" ""
    echo "default connection $i: sid=${SID:0:8}..."
  done
  a1=$(conn_stat conn_resumed)
  b1=$(conn_peer_stat conn_resumed)
  echo "conn_resumed: A $a0 → $a1, B $b0 → $b1"
  [ "$a1" -gt "$a0" ] && [ "$b1" -gt "$b0" ] || conn_fail "no connection resumed"
  [[ $SID == a[1-4]* ]] || conn_fail "the last default connection did not resume: sid $SID"

  port=$((next_port++))
  listen_b "$port"
  send_a "$NETNS_PEER_ADDR4" "$port" "$CONN_WORK/small" --no-resumption
  expect_encrypted "" ""
  [[ $SID == 2[1-4]* ]] || conn_fail "--no-resumption connection resumed: sid $SID"
  [ "$(conn_stat conn_resumed)" = "$a1" ] && [ "$(conn_peer_stat conn_resumed)" = "$b1" ] ||
    conn_fail "conn_resumed grew on a --no-resumption connection"
  echo "--no-resumption connection: fresh (sid=${SID:0:8}...)"
}

inner() {
  netns_require_inside
  local tund=$1
  tcpcrypt=$2
  mib=$3
  CONN_PEER_NS=$4
  timeout_s=60
  next_port=9300
  marker="TCPCRYPT-PLAINTEXT-MARKER-$$"
  conn_start_tund "$tund"
  conn_start_peer_tund "$tund"
  make_marked_data "$CONN_WORK/data" "$mib" "$marker"
  make_marked_data "$CONN_WORK/small" 1 "$marker"
  local start=$SECONDS

  negative_control
  echo "--- IPv4 matrix, $mib MiB each"
  matrix v4 "$NETNS_PEER_ADDR4"
  echo "--- IPv6 matrix, $mib MiB each"
  matrix v6 "$NETNS_PEER_ADDR6"
  echo "--- tcpcrypt status"
  status_shows_sid
  echo "--- resumption"
  resumption

  kill -0 "$TUND_PID" && kill -0 "$PEER_TUND_PID" || conn_fail "a tund died"
  echo "counters A: encrypted=$(conn_stat conn_encrypted) plain=$(conn_stat conn_plain) crypto_failures=$(conn_stat conn_crypto_failures)"
  echo "counters B: encrypted=$(conn_peer_stat conn_encrypted) plain=$(conn_peer_stat conn_plain) crypto_failures=$(conn_peer_stat conn_crypto_failures)"
  [ "$(conn_stat conn_crypto_failures)" = 0 ] && [ "$(conn_peer_stat conn_crypto_failures)" = 0 ] ||
    conn_fail "crypto failures counted"
  echo "secure_matrix_test: PASS ($((SECONDS - start)) s)"
}

conn_inner_or_prepare "$@"
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump missing" >&2; exit 77; }
netns_create_pair
timeout 400 ip netns exec "$NETNS_HOST" "$0" --inner "$1" "$2" "$3" "$NETNS_PEER"
