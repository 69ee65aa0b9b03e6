// Kind "connection" (spec/vectors.md §3): ENO outcome, fresh key exchange or resumption,
// the key schedule, and frames in both directions.
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "crypto/aead.h"
#include "crypto/ecdh.h"
#include "crypto/random.h"
#include "proto/eno/negotiation.h"
#include "proto/tcpcrypt/frame.h"
#include "proto/tcpcrypt/init_messages.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/key_schedule.h"
#include "proto/tcpcrypt/public_key.h"
#include "proto/tcpcrypt/suboptions.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {
namespace {

using namespace proto;
using namespace proto::tcpcrypt;
using crypto::SecretBytes;

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) throw InputError(what + ": " + r.error().detail);
  return std::move(*r);
}

// At least `minimum` entries, more if the file lists more (every listed entry is checked).
size_t wanted(const Json& in, std::initializer_list<const char*> keys, size_t minimum) {
  size_t n = minimum;
  for (const char* k : keys)
    if (in.contains(k) && in[k].is_array()) n = std::max(n, in[k].size());
  return n;
}

// Everything the frames need, and the outputs of the key schedule.
struct Schedule {
  AeadId aead{};
  const crypto::AeadInfo* info = nullptr;
  bool a_was_original_a = true;  // host A of this connection was A in the original session
  std::vector<SecretBytes> mk;
};

// Fresh key exchange: Init1, Init2, ES, PRK = ss[0] (TC-11).
SecretBytes fresh_exchange(const Json& in, uint8_t tep, ByteView transcript, Json& out) {
  const auto group = tep_group(tep);
  if (!group) throw InputError("negotiated TEP is not a tcpcrypt TEP");
  auto priv_a = must(crypto::EcdhPrivateKey::from_bytes(*group, hex_field(in, "priv_A")), "priv_A");
  auto priv_b = must(crypto::EcdhPrivateKey::from_bytes(*group, hex_field(in, "priv_B")), "priv_B");
  Init1 init1;
  Init2 init2;
  if (!in.contains("sym_cipher_list") || !in["sym_cipher_list"].is_array()) throw InputError("missing sym_cipher_list");
  for (const auto& c : in["sym_cipher_list"]) init1.sym_ciphers.push_back(uint16_t(c.get<int64_t>()));
  init2.sym_cipher = uint16_t(int_field(in, "sym_cipher"));
  if (std::find(init1.sym_ciphers.begin(), init1.sym_ciphers.end(), init2.sym_cipher) == init1.sym_ciphers.end())
    throw InputError("sym_cipher is not in sym_cipher_list (A would abort, TC-7)");
  const Bytes n_a = hex_field(in, "N_A"), n_b = hex_field(in, "N_B");
  if (n_a.size() != kNonceLen || n_b.size() != kNonceLen) throw InputError("N_A and N_B must be 32 bytes");
  std::copy(n_a.begin(), n_a.end(), init1.n_a.begin());
  std::copy(n_b.begin(), n_b.end(), init2.n_b.begin());
  init1.pub = must(own_pub_field(tep, priv_a), "Pub_A");
  init2.pub = must(own_pub_field(tep, priv_b), "Pub_B");
  init1.ignored = opt_hex_field(in, "Init1_ignored").value_or(Bytes{});
  init2.ignored = opt_hex_field(in, "Init2_ignored").value_or(Bytes{});
  const Bytes m1 = must(encode(tep, init1), "Init1"), m2 = must(encode(tep, init2), "Init2");
  SecretBytes es = must(agree(tep, priv_a, init2.pub), "ES (A's side)");
  SecretBytes es_b = must(agree(tep, priv_b, init1.pub), "ES (B's side)");
  if (!crypto::ct_equal(es.view(), es_b.view())) throw InputError("the two sides compute different ES");
  out["Pub_A"] = hex(init1.pub);
  out["Pub_B"] = hex(init2.pub);
  out["Init1"] = hex(m1);
  out["Init2"] = hex(m2);
  out["ES"] = hex(es.view());
  SecretBytes prk = compute_prk(n_a, transcript, m1, m2, es.view());
  out["PRK"] = hex(prk.view());
  return prk;
}

// Resumption (§3.2 of vectors.md): checks the suboption data against resume[i] and
// returns the session nonce; ss holds ss[0..] from the cached ss_0.
Bytes check_resumption(const Json& r, const eno::Negotiated& n, const std::vector<SecretBytes>& ss,
                       bool a_was_original_a, Json& errors) {
  const auto i = size_t(int_field(r, "i"));
  const Bytes nonce_a = hex_field(r, "nonce_a"), nonce_b = hex_field(r, "nonce_b");
  if (nonce_a.size() > kMaxResumeNonceLen || nonce_b.size() > kMaxResumeNonceLen)
    throw InputError("resumption nonces are 0-8 bytes (TC-14)");
  const ResumeId id = must(resume_id(ss[i].view()), "resume[i]");
  // Host A of this connection sends the half of its original role, with that role's nonce.
  const auto expect = [&](bool original_a) {
    return concat({resume_half(id, original_a), original_a ? ByteView(nonce_a) : ByteView(nonce_b)});
  };
  const auto check = [&](const eno::SynOption& opt, bool original_a, const char* host) {
    for (const auto& s : opt.suboptions_for(n.tep)) {
      if (s.v && s.data == expect(original_a)) return;
    }
    errors.push_back(std::string("host ") + host + "'s resumption suboption is not resume[i] half | nonce");
  };
  check(n.option_a, a_was_original_a, "A");
  check(n.option_b, !a_was_original_a, "B");
  return concat({nonce_a, nonce_b});
}

// Trace rules of §3.4, per sender.
void check_frame_trace(const Json& frames, Json& errors) {
  struct SenderState {
    int64_t generation = -1;
    bool fin_seen = false;
    std::set<std::pair<int64_t, int64_t>> used;
  };
  std::map<std::string, SenderState> st;
  for (size_t k = 0; k < frames.size(); ++k) {
    const Json& f = frames[k];
    const std::string where = "frames[" + std::to_string(k) + "]: ";
    SenderState& s = st[string_field(f, "sender")];
    const int64_t gen = int_field(f, "generation");
    const bool rekey = flag_field(f, "rekey");
    const bool new_gen = gen != s.generation;
    if (s.generation < 0 ? gen != 0 : (gen != s.generation && gen != s.generation + 1))
      errors.push_back(where + "generation must start at 0 and grow by exactly one");
    if (rekey != (new_gen && gen > 0)) errors.push_back(where + "rekey must be 1 exactly on the first frame of a new generation");
    if (s.fin_seen) errors.push_back(where + "frame after the sender's FINp frame");
    if (!s.used.insert({gen, int_field(f, "offset")}).second) errors.push_back(where + "(generation, offset) used twice");
    s.generation = gen;
    s.fin_seen = s.fin_seen || flag_field(f, "FINp");
  }
}

// The traffic key of one sender and generation, its name in the vector, and its FrameKey.
struct SenderKey {
  std::string name;  // "k_ab[j]" or "k_ba[j]"
  SecretBytes traffic_key;
  FrameKey key;
};

SenderKey key_for(const Schedule& sch, const std::string& sender, int64_t generation) {
  if (sender != "A" && sender != "B") throw InputError("sender must be \"A\" or \"B\"");
  if (generation < 0 || size_t(generation) >= sch.mk.size()) throw InputError("generation out of range");
  // TC-12, interpretation 9: the host that was A originally sends with k_ab.
  const bool sends_ab = (sender == "A") == sch.a_was_original_a;
  const KeyDirection dir = sends_ab ? KeyDirection::Ab : KeyDirection::Ba;
  SecretBytes tk = must(traffic_key(sch.mk[size_t(generation)].view(), dir, *sch.info), "traffic key");
  FrameKey key = must(FrameKey::create(sch.aead, tk.view()), "frame key");
  return {std::string(sends_ab ? "k_ab[" : "k_ba[") + std::to_string(generation) + "]", std::move(tk), std::move(key)};
}

Json seal_frame(const Schedule& sch, const Json& f) {
  const auto offset = uint64_t(int_field(f, "offset"));
  FrameFields fields;
  fields.rekey = flag_field(f, "rekey");
  fields.finp = flag_field(f, "FINp");
  if (flag_field(f, "URGp")) fields.urgent = uint16_t(int_field(f, "urgent"));
  const Bytes data = hex_field(f, "data");
  SenderKey k = key_for(sch, string_field(f, "sender"), int_field(f, "generation"));
  Bytes frame(frame_len(data.size(), fields.urgent.has_value()));
  if (auto st = k.key.seal(offset, fields, data, frame); !st) throw InputError(std::string("seal: ") + st.error().detail);
  Bytes plaintext{flags_byte(fields)};
  if (fields.urgent) put_be16(plaintext, *fields.urgent);
  put_bytes(plaintext, data);
  Json out;
  out["frame"] = hex(frame);
  out["traffic_key"] = k.name;
  out["plaintext"] = hex(plaintext);
  out["associated_data"] = hex(ByteView(frame).first(kFrameHeaderLen));
  out["frame_ID"] = hex(frame_id(offset));
  out["N"] = hex(frame_nonce(k.traffic_key.view().subspan(sch.info->key_len), offset));
  return out;
}

Json open_frame(const Schedule& sch, const Json& f) {
  Json out;
  SenderKey k = key_for(sch, string_field(f, "sender"), int_field(f, "generation"));
  Bytes frame = hex_field(f, "frame");
  auto opened = k.key.open_in_place(uint64_t(int_field(f, "offset")), frame);
  if (!opened) {
    out["result"] = "FAIL";
    return out;
  }
  out["result"] = "ok";
  out["rekey"] = opened->fields.rekey ? 1 : 0;
  out["FINp"] = opened->fields.finp ? 1 : 0;
  out["URGp"] = opened->fields.urgent ? 1 : 0;
  if (opened->fields.urgent) out["urgent"] = *opened->fields.urgent;
  out["data"] = hex(opened->data);
  return out;
}

Json hex_list(const std::vector<SecretBytes>& v) {
  Json l = Json::array();
  for (const auto& s : v) l.push_back(hex(s.view()));
  return l;
}

}  // namespace

Json compute_connection(const Json& in) {
  Json out;
  Json errors = Json::array();
  const Bytes opt_a = hex_field(in, "eno_option_A"), opt_b = hex_field(in, "eno_option_B");
  const Bytes transcript = concat({opt_a, opt_b});
  out["eno_transcript"] = hex(transcript);

  crypto::DeterministicRandom unused_rng(0);  // judging never draws randomness
  PolicyConfig cfg;
  cfg.accept_any_halves = true;  // halves are checked against resume[i] below
  TcpcryptPolicy policy(cfg, unused_rng);
  const eno::Outcome outcome = eno::negotiate(opt_a, opt_b, policy);
  const auto* n = std::get_if<eno::Negotiated>(&outcome);
  if (!n) throw InputError(std::string("ENO negotiation disabled: ") +
                           eno::disable_reason_name(std::get<eno::Disabled>(outcome).reason));
  if (n->option_a.raw != opt_a) throw InputError("eno_option_A must be the option with b = 0");
  out["mode"] = n->resumption ? "resumption" : "fresh";
  out["negotiated_TEP"] = n->tep;
  out["TEP_byte"] = hex(ByteView(&n->tep_byte, 1));
  if (int_field(in, "TEP") != n->tep) errors.push_back("input TEP differs from the negotiated TEP");

  Schedule sch;
  sch.aead = AeadId(uint16_t(int_field(in, "sym_cipher")));
  sch.info = crypto::aead_info(uint16_t(sch.aead));
  if (!sch.info) throw InputError("sym_cipher is not a registered tcpcrypt AEAD");

  // ss[0] and the index i of the secret this connection uses.
  std::vector<SecretBytes> ss;
  size_t i = 0;
  Bytes sn;
  if (n->resumption) {
    if (!in.contains("resumption")) throw InputError("resumption negotiated but no \"resumption\" input");
    const Json& r = in["resumption"];
    i = size_t(int_field(r, "i"));
    if (i < 1 || i > 1'000'000) throw InputError("resumption.i must be >= 1");
    sch.a_was_original_a = string_field(r, "A_original_role") == "A";
    ss.emplace_back(hex_field(r, "ss_0"));
    if (ss[0].size() != kKLen) throw InputError("ss_0 must be 32 bytes");
    for (const char* k : {"Pub_A", "Pub_B", "Init1", "Init2", "ES", "PRK"}) out[k] = nullptr;
  } else {
    ss.push_back(fresh_exchange(in, n->tep, transcript, out));
  }
  const size_t n_ss = wanted(in, {"ss", "resume"}, i + 2);
  while (ss.size() < n_ss) ss.push_back(must(next_session_secret(ss.back().view()), "ss"));
  if (n->resumption) sn = check_resumption(in["resumption"], *n, ss, sch.a_was_original_a, errors);
  out["ss"] = hex_list(ss);
  out["sn"] = hex(sn);
  Json resume = Json::array();
  for (const auto& s : ss) resume.push_back(hex(must(resume_id(s.view()), "resume")));
  out["resume"] = resume;
  const SessionId sid = must(session_id(n->tep_byte, ss[i].view(), sn), "session_id");
  out["session_id"] = hex(sid);

  int64_t max_gen = 0;
  for (const char* list : {"frames", "received_frames"})
    if (in.contains(list))
      for (const auto& f : in[list]) max_gen = std::max(max_gen, int_field(f, "generation"));
  const size_t n_mk = wanted(in, {"mk", "k_ab", "k_ba"}, std::max<size_t>(2, size_t(max_gen) + 1));
  sch.mk.push_back(must(first_master_key(ss[i].view(), sn), "mk[0]"));
  while (sch.mk.size() < n_mk) sch.mk.push_back(must(next_master_key(sch.mk.back().view()), "mk"));
  out["mk"] = hex_list(sch.mk);
  for (auto [key, dir] : {std::pair{"k_ab", KeyDirection::Ab}, std::pair{"k_ba", KeyDirection::Ba}}) {
    Json l = Json::array();
    for (const auto& mk : sch.mk) l.push_back(hex(must(traffic_key(mk.view(), dir, *sch.info), key).view()));
    out[key] = l;
  }

  if (in.contains("frames")) {
    check_frame_trace(in["frames"], errors);
    out["frames"] = Json::array();
    for (const auto& f : in["frames"]) out["frames"].push_back(seal_frame(sch, f));
  }
  if (in.contains("received_frames")) {
    out["received_frames"] = Json::array();
    for (const auto& f : in["received_frames"]) out["received_frames"].push_back(open_frame(sch, f));
  }
  out["consistency_errors"] = errors;
  return out;
}

}  // namespace vectors
