#!/usr/bin/env bash
# The `tcpcrypt vectors` CLI on the committed set:
#   1. `emit` reproduces the committed files byte for byte (deterministic, up to date);
#   2. `verify` accepts every committed file (ours and the spec's examples), exit 0;
#   3. `verify` exits 1 when one byte of one field is changed.
#   cli_test.sh TCPCRYPT_BINARY VECTOR_DIR
set -euo pipefail
bin=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" vectors emit "$tmp" 2>/dev/null
for f in connection.json eno.json key_agreement.json; do
  cmp "$tmp/$f" "$dir/$f" || { echo "FAIL: emit output differs from committed $f (run: tcpcrypt vectors emit tests/vectors)"; exit 1; }
done
"$bin" vectors verify "$dir"/*.json | tail -1
# Change the first hex digit after "session_id" in the spec example.
sed '0,/"session_id": "23/s//"session_id": "24/' "$dir/spec-example-connection.json" >"$tmp/mutated.json"
cmp -s "$tmp/mutated.json" "$dir/spec-example-connection.json" && { echo "FAIL: mutation did not apply"; exit 1; }
if "$bin" vectors verify "$tmp/mutated.json" >"$tmp/out"; then
  echo "FAIL: verify accepted a changed session_id"; exit 1
fi
grep -q "FAIL session_id\|FAIL fresh-x25519-aes128gcm" "$tmp/out" || { cat "$tmp/out"; exit 1; }
echo "cli_test: PASS"
