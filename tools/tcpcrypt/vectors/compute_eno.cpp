// Kinds "eno" and "key_agreement" (spec/vectors.md §4, §5).
#include <variant>

#include "crypto/ecdh.h"
#include "crypto/random.h"
#include "proto/eno/negotiation.h"
#include "proto/eno/option.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/public_key.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {
namespace {

using namespace proto;

// The option's elements in wire order (§4: globals and TEP suboptions; length bytes are
// folded into the suboption they introduce).
Json describe_suboptions(const eno::SynOption& o) {
  Json list = Json::array();
  size_t g = 0;
  for (size_t t = 0; t <= o.teps.size(); ++t) {
    for (; g < o.globals.size() && o.globals[g].teps_before == t; ++g) list.push_back({{"global", o.globals[g].value}});
    if (t == o.teps.size()) break;
    const auto& s = o.teps[t];
    list.push_back({{"TEP", s.tep}, {"v", s.v ? 1 : 0}, {"data", hex(s.data)}, {"length_byte", s.length_byte}});
  }
  return list;
}

}  // namespace

Json compute_eno(const Json& in) {
  const Bytes a = hex_field(in, "eno_option_A"), b = hex_field(in, "eno_option_B");
  Json out;
  out["eno_transcript"] = hex(concat({a, b}));
  // No cache: a resumption suboption from B counts when A sent one for the same TEP
  // (§4). The random source is never drawn from when judging.
  crypto::DeterministicRandom unused_rng(0);
  tcpcrypt::PolicyConfig cfg;
  cfg.accept_any_halves = true;
  tcpcrypt::TcpcryptPolicy policy(cfg, unused_rng);
  const eno::Outcome outcome = eno::negotiate(a, b, policy);
  if (const auto* n = std::get_if<eno::Negotiated>(&outcome)) {
    out["mode"] = n->resumption ? "resumption" : "fresh";
    out["negotiated_TEP"] = n->tep;
    out["TEP_byte"] = hex(ByteView(&n->tep_byte, 1));
  } else {
    out["mode"] = "disabled";
    out["negotiated_TEP"] = nullptr;
    out["TEP_byte"] = nullptr;
  }
  for (auto [key, bytes] : {std::pair{"A", ByteView(a)}, std::pair{"B", ByteView(b)}}) {
    auto parsed = eno::parse_syn_option(bytes);
    out[std::string("global_") + key] = parsed ? Json(parsed->global) : Json(nullptr);
    out[std::string("suboptions_") + key] = parsed ? describe_suboptions(*parsed) : Json(nullptr);
  }
  return out;
}

Json compute_key_agreement(const Json& in) {
  const auto tep = uint8_t(int_field(in, "TEP"));
  const auto group = tcpcrypt::tep_group(tep);
  if (!group) throw InputError("TEP is not a tcpcrypt TEP");
  auto key = crypto::EcdhPrivateKey::from_bytes(*group, hex_field(in, "priv"));
  if (!key) throw InputError(std::string("priv: ") + key.error().detail);
  auto pub = tcpcrypt::own_pub_field(tep, *key);
  if (!pub) throw InputError(pub.error().detail);
  Json out;
  out["Pub"] = hex(*pub);
  auto es = tcpcrypt::agree(tep, *key, hex_field(in, "peer_Pub"));
  out["result"] = es ? "ok" : "invalid_public_key";
  out["ES"] = es ? hex(es->view()) : Json(nullptr);
  return out;
}

}  // namespace vectors
