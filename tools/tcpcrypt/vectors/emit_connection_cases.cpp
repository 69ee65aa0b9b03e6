// Connection vectors: every TEP x every AEAD, key update, resumption (both original
// roles, short and empty nonces), FIN and URG frames, empty and maximum-size frames,
// Init messages with ignored tails, and tampered received frames.
#include <string_view>

#include "proto/eno/option.h"
#include "proto/tcpcrypt/constants.h"
#include "proto/tcpcrypt/key_schedule.h"
#include "proto/tcpcrypt/suboptions.h"
#include "tools/tcpcrypt/vectors/compute.h"
#include "tools/tcpcrypt/vectors/emit_cases.h"
#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {
namespace {

using namespace proto;
using namespace proto::tcpcrypt;

const char* tep_name(uint8_t tep) {
  switch (tep) {
    case kTepP256: return "p256";
    case kTepP521: return "p521";
    case kTepX25519: return "x25519";
    default: return "x448";
  }
}

const char* aead_name(uint16_t id) {
  switch (id) {
    case 0x0001: return "aes128gcm";
    case 0x0002: return "aes256gcm";
    default: return "chacha20poly1305";
  }
}

ByteView text(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

Bytes option(std::optional<uint8_t> global, std::vector<eno::TepSuboption> teps) {
  auto o = eno::encode_syn_option(global, teps);
  if (!o) throw InputError(std::string("cannot encode ENO option: ") + o.error().detail);
  return *o;
}

Json fresh_inputs(VectorRng& rng, const std::string& name, const std::string& comment, uint8_t tep,
                  uint16_t aead, const Bytes& opt_a, const Bytes& opt_b) {
  Json v;
  v["name"] = name;
  v["kind"] = "connection";
  v["comment"] = comment;
  v["TEP"] = tep;
  v["sym_cipher"] = aead;
  v["sym_cipher_list"] = {1, 2, 16};
  v["eno_option_A"] = hex(opt_a);
  v["eno_option_B"] = hex(opt_b);
  v["priv_A"] = hex(rng.private_key(tep));
  v["priv_B"] = hex(rng.private_key(tep));
  v["N_A"] = hex(rng.bytes(kNonceLen));
  v["N_B"] = hex(rng.bytes(kNonceLen));
  return v;
}

// Received copies of sealed frames: one intact, then single-bit changes in the
// ciphertext, the tag, a reserved control bit and clen, each of which must FAIL.
Json tampered_copies(const Json& sealed_frame_entry) {
  const Bytes frame = *from_hex(sealed_frame_entry["frame"].get<std::string>());
  Json base;
  base["sender"] = sealed_frame_entry["sender"];
  base["offset"] = sealed_frame_entry["offset"];
  base["generation"] = sealed_frame_entry["generation"];
  Json list = Json::array();
  auto add = [&](const std::string& comment, Bytes f) {
    Json e = base;
    e["comment"] = comment;
    e["frame"] = hex(f);
    list.push_back(e);
  };
  add("as sent", frame);
  Bytes ct = frame, tag = frame, ctl = frame, len = frame;
  ct[3] ^= 0x01;
  tag.back() ^= 0x80;
  ctl[0] ^= 0x02;
  len[2] ^= 0x01;
  add("first ciphertext byte altered", ct);
  add("last tag byte altered", tag);
  add("reserved control bit set in transit (authenticated, interpretation 12)", ctl);
  add("clen altered", len);
  return list;
}

// A typical exchange: request, response, half-closes in both directions.
void typical_frames(FrameTrace& t) {
  t.add("A", text("GET / HTTP/1.0\r\n\r\n"));
  t.add("B", text("HTTP/1.0 200 OK\r\n\r\nhello"));
  t.add("A", {}, true, std::nullopt, false, "empty FINp frame: A's end of stream");
  t.add("B", text("bye"), true, std::nullopt, false, "last data with FINp");
}

// Adds the trace's frames and, if asked, received copies of one of them (sealed first).
Json with_frames(Json v, const FrameTrace& t, std::optional<size_t> tamper = std::nullopt) {
  v["frames"] = t.frames();
  if (!tamper) return v;
  Json done = complete_vector(v);
  v["received_frames"] = tampered_copies(done["frames"][*tamper]);
  return v;
}

std::vector<Json> fresh_matrix(VectorRng& rng) {
  std::vector<Json> out;
  const Bytes offer = option(std::nullopt, {fresh_suboption(kTepP256), fresh_suboption(kTepP521),
                                            fresh_suboption(kTepX448), fresh_suboption(kTepX25519)});
  for (uint8_t tep : {kTepP256, kTepP521, kTepX25519, kTepX448}) {
    for (uint16_t aead : {0x0001, 0x0002, 0x0010}) {
      const std::string name = std::string("fresh-") + tep_name(tep) + "-" + aead_name(aead);
      Json v = fresh_inputs(rng, name, "Fresh key exchange; A offers all four TEPs, B (passive, b=1) picks one.",
                            tep, aead, offer, option(0x01, {fresh_suboption(tep)}));
      FrameTrace t(init1_len(tep, 3), init2_len(tep));
      typical_frames(t);
      out.push_back(with_frames(v, t, 0));
    }
  }
  return out;
}

std::vector<Json> frame_cases(VectorRng& rng) {
  std::vector<Json> out;
  const Bytes a_opt = option(std::nullopt, {fresh_suboption(kTepX25519)});
  const Bytes b_opt = option(0x01, {fresh_suboption(kTepX25519)});
  {
    Json v = fresh_inputs(rng, "rekey-x25519-aes128gcm",
                          "Key update (RFC 8548 §3.8): A raises its generation twice; B answers each rekey with an "
                          "empty rekey frame (TC-34, TC-35).",
                          kTepX25519, 0x0001, a_opt, b_opt);
    FrameTrace t(init1_len(kTepX25519, 3), init2_len(kTepX25519));
    t.add("A", text("generation 0"));
    t.add("B", text("B, generation 0"));
    t.add("A", text("generation 1"), false, std::nullopt, true, "A initiates a key update");
    t.add("B", {}, false, std::nullopt, true, "B's mandatory answer: empty frame, rekey=1");
    t.add("A", text("generation 2"), false, std::nullopt, true);
    t.add("B", text("answer under generation 2"), false, std::nullopt, true);
    t.add("B", text("more, generation 2, rekey=0"));
    out.push_back(with_frames(v, t, 4));
  }
  {
    Json v = fresh_inputs(rng, "urgent-and-empty-x25519-chacha20poly1305",
                          "URGp frames (urgent field big-endian, interpretations 3 and 13) and empty frames.",
                          kTepX25519, 0x0010, a_opt, b_opt);
    FrameTrace t(init1_len(kTepX25519, 3), init2_len(kTepX25519));
    t.add("A", text("!urgent"), false, uint16_t(0), false, "urgent data is the first byte");
    t.add("A", {}, false, std::nullopt, false, "empty frame");
    t.add("B", text("0123456789"), false, uint16_t(9));
    t.add("B", {}, true, uint16_t(0), false, "empty FINp frame that also has URGp");
    out.push_back(with_frames(v, t, 0));
  }
  for (auto [aead, urgent] : {std::pair<uint16_t, bool>{0x0001, false}, std::pair<uint16_t, bool>{0x0010, true}}) {
    const std::string name = std::string("max-frame-x25519-") + aead_name(aead) + (urgent ? "-urg" : "");
    Json v = fresh_inputs(rng, name,
                          "Largest frame: clen = 65535, i.e. 65518 data bytes, or 65516 with URGp (interpretation 14).",
                          kTepX25519, aead, a_opt, b_opt);
    FrameTrace t(init1_len(kTepX25519, 3), init2_len(kTepX25519));
    t.add("A", rng.bytes(urgent ? kMaxFrameDataUrgent : kMaxFrameData), false,
          urgent ? std::optional<uint16_t>(100) : std::nullopt);
    out.push_back(with_frames(v, t));
  }
  {
    Json v = fresh_inputs(rng, "init-ignored-tails-p256-aes256gcm",
                          "Init1 and Init2 carry bytes in the ignored field: receivers accept them and they enter "
                          "the PRK (TC-40, interpretation 4).",
                          kTepP256, 0x0002, option(std::nullopt, {fresh_suboption(kTepP256)}),
                          option(0x01, {fresh_suboption(kTepP256)}));
    v["Init1_ignored"] = "00112233";
    v["Init2_ignored"] = "ff";
    FrameTrace t(init1_len(kTepP256, 3) + 4, init2_len(kTepP256) + 1);
    typical_frames(t);
    out.push_back(with_frames(v, t));
  }
  {
    Json v = fresh_inputs(rng, "declined-resumption-x25519-aes128gcm",
                          "A offers resumption; B answers the same TEP with v=0: a fresh key exchange (TC-17).",
                          kTepX25519, 0x0001, Bytes{}, b_opt);
    auto sub = resume_suboption(kTepX25519, ResumeHalf{1, 2, 3, 4, 5, 6, 7, 8, 9}, rng.bytes(8));
    v["eno_option_A"] = hex(option(std::nullopt, {fresh_suboption(kTepX448), *sub}));
    FrameTrace t(init1_len(kTepX25519, 3), init2_len(kTepX25519));
    typical_frames(t);
    out.push_back(with_frames(v, t));
  }
  {
    Json v = fresh_inputs(rng, "b-v1-no-data-x448-aes128gcm",
                          "B answers with v=1 and no data: fresh key exchange, and the session ID starts with the "
                          "byte B sent, 0xa4 (interpretations 10, 11).",
                          kTepX448, 0x0001, option(0x00, {fresh_suboption(kTepX448)}), Bytes{});
    eno::TepSuboption s = fresh_suboption(kTepX448);
    s.v = true;
    v["eno_option_B"] = hex(option(0x01, {s}));
    FrameTrace t(init1_len(kTepX448, 3), init2_len(kTepX448));
    typical_frames(t);
    out.push_back(with_frames(v, t));
  }
  return out;
}

std::vector<Json> resumption_cases(VectorRng& rng) {
  struct Case {
    const char* name;
    const char* comment;
    uint8_t tep;
    uint16_t aead;
    uint64_t i;
    bool a_was_a;
    size_t nonce_a_len, nonce_b_len;
  };
  const Case cases[] = {
      {"resume-x25519-aes128gcm-i1", "First resumption after a fresh session (i = 1); both hosts keep their roles.",
       kTepX25519, 0x0001, 1, true, 8, 8},
      {"resume-x448-chacha20poly1305-i3-roles-swapped",
       "Host A of this connection was B in the original session: it sends resume[i]{9..17} and nonce_b, and "
       "encrypts with k_ba (TC-12, interpretations 6 and 9).",
       kTepX448, 0x0010, 3, false, 8, 3},
      {"resume-p256-aes256gcm-empty-nonces", "Resumption with zero-length nonces (TC-15: API allows 0).", kTepP256,
       0x0002, 2, true, 0, 0},
  };
  std::vector<Json> out;
  for (const Case& c : cases) {
    const Bytes ss0 = rng.bytes(kKLen);
    SecretBytes ss(ss0);
    for (uint64_t k = 0; k < c.i; ++k) ss = *next_session_secret(ss.view());
    const ResumeId id = *resume_id(ss.view());
    const Bytes nonce_a = rng.bytes(c.nonce_a_len), nonce_b = rng.bytes(c.nonce_b_len);
    // The current host A sends the half and nonce of its original role.
    auto sub_for = [&](bool original_a) {
      return *resume_suboption(c.tep, resume_half(id, original_a), original_a ? nonce_a : nonce_b);
    };
    Json v;
    v["name"] = c.name;
    v["kind"] = "connection";
    v["comment"] = c.comment;
    v["TEP"] = c.tep;
    v["sym_cipher"] = c.aead;
    v["eno_option_A"] = hex(option(std::nullopt, {fresh_suboption(c.tep == kTepX448 ? kTepX25519 : kTepX448),
                                                   sub_for(c.a_was_a)}));
    v["eno_option_B"] = hex(option(0x01, {sub_for(!c.a_was_a)}));
    v["resumption"] = {{"ss_0", hex(ss0)},
                       {"i", c.i},
                       {"A_original_role", c.a_was_a ? "A" : "B"},
                       {"nonce_a", hex(nonce_a)},
                       {"nonce_b", hex(nonce_b)}};
    FrameTrace t(0, 0);
    typical_frames(t);
    out.push_back(with_frames(v, t, 0));
  }
  return out;
}

}  // namespace

std::vector<Json> connection_cases() {
  VectorRng rng(0x7463706372797074ull);  // "tcpcrypt"
  std::vector<Json> out = fresh_matrix(rng);
  for (auto* more : {frame_cases, resumption_cases})
    for (Json& v : more(rng)) out.push_back(std::move(v));
  return out;
}

}  // namespace vectors
