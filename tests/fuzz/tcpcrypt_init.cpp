// Fuzz target for the tcpcrypt key-exchange messages (RFC 8548 §3.3, §4.1, §5): Init1 and
// Init2 read incrementally and exactly for every TEP, then the public-key field framing and
// the key agreement on it.
//
// Input: selector(1) | split1(1) | split2(1) | message. Selector bits 0-1 pick the TEP
// (P-256, P-521, X25519, X448), bit 2 Init1 or Init2.
//
// Invariants: reading growing prefixes (cut at split1 <= split2 <= size) never contradicts
// reading the whole buffer (a prefix of a parsed message needs more bytes, a prefix of a
// bad one needs more or fails the same way); a parsed message re-parses exactly from its
// `length` bytes and re-encodes to them; agree() fails on whatever parse_pub_field() rejects.
#include <array>
#include <cstdint>
#include <optional>

#include "crypto/ecdh.h"
#include "crypto/random.h"
#include "proto/tcpcrypt/init_messages.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/public_key.h"
#include "tests/fuzz/fuzz_input.h"

using namespace proto;
using namespace proto::tcpcrypt;

namespace {

constexpr std::array<uint8_t, 4> kTeps{kTepP256, kTepP521, kTepX25519, kTepX448};

// One fixed key per TEP, made once: the target measures parsing, not key generation.
const crypto::EcdhPrivateKey& own_key(uint8_t tep) {
  static const std::array<std::optional<crypto::EcdhPrivateKey>, 4> keys = [] {
    crypto::DeterministicRandom rng(7);
    std::array<std::optional<crypto::EcdhPrivateKey>, 4> k;
    for (size_t i = 0; i < kTeps.size(); ++i)
      k[i] = std::move(crypto::EcdhPrivateKey::generate(*tep_group(kTeps[i]), rng).value());
    return k;
  }();
  for (size_t i = 0; i < kTeps.size(); ++i)
    if (kTeps[i] == tep) return *keys[i];
  std::abort();
}

bool same(const Init1& x, const Init1& y) {
  return x.sym_ciphers == y.sym_ciphers && x.n_a == y.n_a && x.pub == y.pub && x.ignored == y.ignored;
}
bool same(const Init2& x, const Init2& y) {
  return x.sym_cipher == y.sym_cipher && x.n_b == y.n_b && x.pub == y.pub && x.ignored == y.ignored;
}

template <class Msg>
using Reader = Result<InitStep<Msg>> (*)(uint8_t, ByteView, size_t);
template <class Msg>
using ExactParser = Result<Msg> (*)(uint8_t, ByteView, size_t);

template <class Msg>
void check_message(uint8_t tep, ByteView msg, std::array<size_t, 2> cuts, Reader<Msg> read,
                   ExactParser<Msg> parse) {
  auto whole = read(tep, msg, kDefaultMaxInitLen);
  auto exact = parse(tep, msg, kDefaultMaxInitLen);
  for (size_t cut : cuts) {
    auto part = read(tep, msg.first(cut), kDefaultMaxInitLen);
    if (!part) {  // a prefix fails only the way the whole message does
      FUZZ_CHECK(!whole && whole.error().code == part.error().code);
      continue;
    }
    if (auto* need = std::get_if<NeedMore>(&*part)) {
      FUZZ_CHECK(need->bytes > 0);
      if (whole && std::holds_alternative<Parsed<Msg>>(*whole))
        FUZZ_CHECK(cut + need->bytes <= std::get<Parsed<Msg>>(*whole).length);
      continue;
    }
    FUZZ_CHECK(whole && std::holds_alternative<Parsed<Msg>>(*whole));
    const auto& a = std::get<Parsed<Msg>>(*part);
    const auto& b = std::get<Parsed<Msg>>(*whole);
    FUZZ_CHECK(a.length == b.length && same(a.msg, b.msg));
  }
  if (!whole || !std::holds_alternative<Parsed<Msg>>(*whole)) {
    FUZZ_CHECK(!exact);
    return;
  }
  const auto& parsed = std::get<Parsed<Msg>>(*whole);
  FUZZ_CHECK(parsed.length <= msg.size());
  FUZZ_CHECK(exact.has_value() == (parsed.length == msg.size()));
  auto again = parse(tep, msg.first(parsed.length), kDefaultMaxInitLen);
  FUZZ_CHECK(again && same(*again, parsed.msg));
  auto encoded = encode(tep, parsed.msg);
  FUZZ_CHECK(encoded && *encoded == Bytes(msg.begin(), msg.begin() + ptrdiff_t(parsed.length)));
  // The public-key field: framing first, then the point (TC-6, TC-43, TC-44).
  auto field = parse_pub_field(tep, parsed.msg.pub);
  auto es = agree(tep, own_key(tep), parsed.msg.pub);
  if (!field) FUZZ_CHECK(!es);
  if (es) FUZZ_CHECK(es->size() == crypto::shared_secret_len(*tep_group(tep)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint8_t selector = in.byte();
  const uint8_t tep = kTeps[selector & 3];
  size_t a = in.byte(), b = in.byte();
  ByteView msg = in.rest();
  a = std::min(a, msg.size());
  b = std::min(std::max(a, b), msg.size());
  if (selector & 4)
    check_message<Init2>(tep, msg, {a, b}, read_init2, parse_init2);
  else
    check_message<Init1>(tep, msg, {a, b}, read_init1, parse_init1);
  return 0;
}
