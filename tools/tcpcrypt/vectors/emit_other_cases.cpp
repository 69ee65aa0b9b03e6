// ENO negotiation vectors (RFC 8547 §4, interpretation 11) and key-agreement vectors
// (RFC 8548 §5: valid keys per TEP, RFC 5903 / RFC 7748 keys, and rejected keys).
#include "crypto/ecdh.h"
#include "proto/tcpcrypt/constants.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/public_key.h"
#include "tools/tcpcrypt/vectors/compute.h"
#include "tools/tcpcrypt/vectors/emit_cases.h"
#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {

using namespace proto;
using namespace proto::tcpcrypt;

std::vector<Json> eno_cases() {
  struct Case {
    const char* name;
    const char* a;
    const char* b;
    const char* comment;
  };
  static const Case cases[] = {
      {"offer-all-pick-x25519", "450621222324", "45040123", "A offers every tcpcrypt TEP, implicit global 0x00"},
      {"explicit-global", "45040023", "45040123", "A's global suboption written out as 0x00"},
      {"app-aware-bits", "45040223", "45040323", "a = 1 on both sides; roles still from b"},
      {"length-byte-not-last", "450882a3d0d1d224", "45040124",
       "A's 0x23 has 3 data bytes behind a length byte (v = 1, < 9 bytes: a fresh offer); B picks 0x24"},
      {"last-valid-in-b", "4505232124", "4505012421", "B lists two TEPs: the last valid one (0x21) wins"},
      {"malformed-length-byte", "45048223", "45040123", "length byte followed by a byte below 0xa0: ENO disabled"},
      {"length-byte-overrun", "450585a3d0", "45040123", "length byte announces 6 bytes, 1 present: disabled"},
      {"length-byte-last", "450423" "85", "45040123", "length byte as the last byte: disabled"},
      {"wrong-kind", "460323", "45040123", "kind 70 is not ENO: disabled"},
      {"length-mismatch", "450423", "45040123", "option length byte 4, option 3 bytes: disabled"},
      {"role-clash-both-b0", "450323", "450323", "both b = 0: disabled"},
      {"role-clash-both-b1", "45040123", "45040123", "both b = 1: disabled"},
      {"vacuous-b", "450323", "450301", "B's option has no TEP: disabled"},
      {"no-common-tep", "450321", "45040123", "no TEP in both options: disabled"},
      {"non-tcpcrypt-tep-only", "450325", "45040125", "0x25 is not a tcpcrypt TEP: disabled"},
      {"unknown-tep-ignored", "45042523", "45040123", "A's unknown 0x25 is ignored; 0x23 negotiated"},
      {"repeated-tep-invalid", "4505232423", "4505012324",
       "0x23 appears twice in A's option: not valid (interpretation 11); 0x24 is the last valid TEP in B's option"},
      {"second-global-ignored", "4505000123", "45040123", "only A's first global suboption counts (b stays 0)"},
      {"v1-short-is-fresh", "450323", "450401a3", "B sends v = 1 without data: fresh, TEP byte a3"},
      {"nonce-too-long", "4516a3000102030405060708090a0b0c0d0e0f101112", "45040123",
       "A's only suboption has 18 data bytes (nonce > 8): not valid, ENO disabled"},
      {"resumption", "450ca3000102030405060708", "450d01a3090a0b0c0d0e0f1011",
       "both send resumption suboptions for 0x23 (no cache: any halves)"},
      {"resumption-with-nonces", "4514a30001020304050607080a0a0a0a0a0a0a0a",
       "451101a3090a0b0c0d0e0f1011bbbbbbbb", "nonces of 8 and 4 bytes"},
      {"b-resumes-a-did-not", "450323", "450d01a3090a0b0c0d0e0f1011",
       "B's resumption suboption is ignored when A sent none for that TEP: disabled"},
  };
  std::vector<Json> out;
  for (const Case& c : cases) {
    Json v;
    v["name"] = c.name;
    v["kind"] = "eno";
    v["comment"] = c.comment;
    v["eno_option_A"] = c.a;
    v["eno_option_B"] = c.b;
    out.push_back(v);
  }
  return out;
}

namespace {

Json ka(const std::string& name, const std::string& comment, uint8_t tep, const Bytes& priv, const Bytes& peer) {
  Json v;
  v["name"] = name;
  v["kind"] = "key_agreement";
  v["comment"] = comment;
  v["TEP"] = tep;
  v["priv"] = hex(priv);
  v["peer_Pub"] = hex(peer);
  return v;
}

Bytes pub_of(uint8_t tep, const Bytes& priv) {
  auto key = crypto::EcdhPrivateKey::from_bytes(*tep_group(tep), priv);
  if (!key) throw InputError("generated private key out of range");
  return *own_pub_field(tep, *key);
}

}  // namespace

std::vector<Json> key_agreement_cases() {
  VectorRng rng(0x6b612d7665637473ull);  // "ka-vects"
  std::vector<Json> out;
  for (uint8_t tep : {kTepP256, kTepP521, kTepX25519, kTepX448}) {
    const Bytes priv = rng.private_key(tep), peer = pub_of(tep, rng.private_key(tep));
    out.push_back(ka("valid-" + std::to_string(tep), "two random key pairs", tep, priv, peer));
  }
  const Bytes p256_i = *from_hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
  const Bytes p256_gr = *from_hex("002303d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63");
  out.push_back(ka("rfc5903-p256", "RFC 5903 §8.1: ES is girx", kTepP256, p256_i, p256_gr));
  Bytes short_len = p256_gr;
  short_len[1] = 0x21;
  out.push_back(ka("p256-pubkey-len-counts-point-only", "pubkey_len 33 instead of 35 (interpretation 1)", kTepP256,
                   p256_i, short_len));
  Bytes beyond_p = *from_hex("002302ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  out.push_back(ka("p256-x-not-below-p", "x >= p", kTepP256, p256_i, beyond_p));
  Bytes bad_prefix = p256_gr;
  bad_prefix[2] = 0x04;
  out.push_back(ka("p256-not-compressed", "prefix 0x04 (interpretation 2)", kTepP256, p256_i, bad_prefix));
  const Bytes x_a = *from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const Bytes x_b = *from_hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  out.push_back(ka("rfc7748-x25519", "RFC 7748 §6.1: Alice's key, Bob's public key", kTepX25519, x_a, x_b));
  out.push_back(ka("x25519-all-zero-result", "u = 0 gives an all-zero shared secret (RFC 7748 §6, TC-44)",
                   kTepX25519, x_a, Bytes(32, 0)));
  out.push_back(ka("x448-all-zero-result", "u = 0 gives an all-zero shared secret (TC-44)", kTepX448,
                   rng.private_key(kTepX448), Bytes(56, 0)));
  Bytes p521_bad = pub_of(kTepP521, rng.private_key(kTepP521));
  p521_bad.pop_back();
  out.push_back(ka("p521-truncated", "field one byte short", kTepP521, rng.private_key(kTepP521), p521_bad));
  return out;
}

}  // namespace vectors
