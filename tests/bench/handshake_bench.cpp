// Handshake cost per TEP (RFC 8548 §3.3-§3.5): two in-process Sessions from creation to
// the first frame each way (Init1, Init2, key schedule, frame keys, one sealed and opened
// frame per direction), all through the public Session API, beside the raw work that
// cannot be avoided: 2x key generation, 2x ECDH derive, and per host HKDF-Extract plus the
// six HKDF-Expand calls of the schedule (mk[0], session ID, ss[1], resume[1], k_ab, k_ba).
// The ratio lines compare them (target: ours within 1.2x raw). "resumed" runs a resumed
// start (no Init messages, no public-key work) for contrast.
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "crypto/ecdh.h"
#include "crypto/hkdf.h"
#include "crypto/random.h"
#include "proto/tcpcrypt/public_key.h"
#include "proto/tcpcrypt/session.h"
#include "tests/bench/ratio_report.h"

namespace {

using namespace proto;
using namespace proto::tcpcrypt;

struct TepCase {
  uint8_t tep;
  const char* name;
};
constexpr TepCase kTeps[] = {
    {kTepP256, "p256"}, {kTepP521, "p521"}, {kTepX25519, "x25519"}, {kTepX448, "x448"}};
const Bytes kTranscript{0x45, 0x03, kTepX25519, 0x45, 0x04, 0x01, kTepX25519};
constexpr uint8_t kHello[] = {'h', 'i'};

// Moves stream bytes both ways until neither side has any; true once both got app data.
bool run_to_first_frames(Session& a, Session& b) {
  if (!a.send_app(kHello) || !b.send_app(kHello)) return false;
  Bytes got_a, got_b;
  for (bool moved = true; moved;) {
    moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}})
      while (auto chunk = from->poll_stream_bytes()) {
        moved = true;
        if (!to->on_stream_bytes(chunk->bytes)) return false;
      }
    put_bytes(got_a, a.poll_app_data());
    put_bytes(got_b, b.poll_app_data());
  }
  return got_a.size() == sizeof kHello && got_b.size() == sizeof kHello;
}

SessionStart start(Role role, uint8_t tep, std::optional<ResumedStart> resumed = {}) {
  Bytes transcript = kTranscript;
  transcript[2] = transcript[6] = tep;
  return SessionStart{role, tep, std::move(transcript), std::move(resumed)};
}

void ours(benchmark::State& state, TepCase tc) {
  crypto::DeterministicRandom rng(1);
  for (auto _ : state) {
    auto a = Session::create(start(Role::A, tc.tep), {}, rng);
    auto b = Session::create(start(Role::B, tc.tep), {}, rng);
    if (!a || !b || !run_to_first_frames(*a, *b)) return state.SkipWithError("handshake failed");
  }
}

void raw(benchmark::State& state, TepCase tc) {
  crypto::DeterministicRandom rng(1);
  const crypto::Group group = *tep_group(tc.tep);
  std::array<uint8_t, kNonceLen> n_a{};
  std::array<uint8_t, 128> init_bytes{};  // stands in for transcript | Init1 | Init2
  std::array<uint8_t, crypto::kSha256Len> prk{};
  std::array<uint8_t, 44> out{};
  const uint8_t info[] = {kConstRekey, 1, 2, 3, 4, 5, 6, 7, 8};
  for (auto _ : state) {
    auto ka = crypto::EcdhPrivateKey::generate(group, rng);
    auto kb = crypto::EcdhPrivateKey::generate(group, rng);
    if (!ka || !kb) return state.SkipWithError("keygen failed");
    for (auto [own, peer] : {std::pair{&*ka, &*kb}, std::pair{&*kb, &*ka}}) {
      auto es = own->derive(peer->public_key());
      if (!es) return state.SkipWithError("derive failed");
      crypto::hkdf_extract(n_a, {init_bytes, es->view()}, prk);
      for (int i = 0; i < 6; ++i)
        if (!crypto::hkdf_expand(prk, {info}, std::span(out).first(i < 4 ? 32 : 28)))
          return state.SkipWithError("expand failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
}

void resumed(benchmark::State& state, TepCase tc) {
  crypto::DeterministicRandom rng(1);
  auto resume = [&](bool was_a) {
    ResumedStart r;
    r.secret.tep = tc.tep;
    r.secret.was_a = was_a;
    r.secret.index = 1;
    r.secret.ss = crypto::SecretBytes(kKLen);
    r.nonce_a = Bytes(8, 0xa0);
    r.nonce_b = Bytes(8, 0xb0);
    return r;
  };
  for (auto _ : state) {
    auto a = Session::create(start(Role::A, tc.tep, resume(true)), {}, rng);
    auto b = Session::create(start(Role::B, tc.tep, resume(false)), {}, rng);
    if (!a || !b || !run_to_first_frames(*a, *b)) return state.SkipWithError("resumption failed");
  }
}

void register_all() {
  for (const TepCase& tc : kTeps) {
    for (auto [kind, fn] :
         {std::pair{"ours", &ours}, std::pair{"raw", &raw}, std::pair{"resumed", &resumed}}) {
      std::string name = std::string("handshake/") + kind + "/" + tc.name;
      benchmark::RegisterBenchmark(name.c_str(), fn, tc)->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return bench::run_with_ratios(argc, argv);
}
