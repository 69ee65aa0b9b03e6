// Fuzz target for two tcpcrypt Sessions back to back (RFC 8548 §3.3-§3.9), driven by a
// fuzzed script of application sends, partial and tampered deliveries, rekeys and FINs.
//
// Input: setup(1) | script of (op(1), arg(1)) pairs. Setup bits 0-1 pick the TEP, bit 2 a
// resumed start (no key exchange), bits 3-4 B's AEAD, bit 5 tiny frames (7 data bytes).
// Ops (op % 8; bit 3 of op = direction B->A, else A->B):
//   0 send arg bytes      1 send arg bytes with FINp    2 deliver arg+1 bytes
//   3 deliver everything  4 deliver up to a byte flipped by arg|1 (tampering)
//   5 request rekey       6 TCP FIN without FINp        7 deliver everything, then TCP FIN
// After the script, everything pending is delivered.
//
// Invariants: each side's application data is always a prefix of what the peer sent;
// after a tampered byte reached a side it gets no further application data and no PeerEof
// (the frame holding that byte FAILs, TC-30); PeerEof only after the peer's FINp and all
// its data (TC-32); a TCP FIN before PeerEof fails the session (TC-33); without tampering
// or failure, both sides agree on the session ID and, after the final delivery, have all
// of the peer's data (and PeerEof after its FINp); never a crash.
#include <array>
#include <cstdint>
#include <optional>

#include "crypto/random.h"
#include "proto/tcpcrypt/session.h"
#include "tests/fuzz/fixtures.h"
#include "tests/fuzz/fuzz_input.h"

using namespace proto;
using namespace proto::tcpcrypt;

namespace {

constexpr std::array<uint8_t, 4> kTeps{kTepP256, kTepP521, kTepX25519, kTepX448};
constexpr std::array<AeadId, 3> kAeads{AeadId::Aes128Gcm, AeadId::Aes256Gcm,
                                       AeadId::ChaCha20Poly1305};

struct Side {
  Session s;
  Bytes sent;           // application bytes accepted by send_app
  bool fin_sent = false;
  Bytes received;       // application bytes the peer's frames delivered
  bool eof = false;
  Bytes wire;           // stream bytes polled, not yet delivered to the peer
  uint64_t wire_offset = 0;       // stream offset of wire[0]
  std::optional<size_t> frozen;   // received.size() when a tampered byte arrived
};

std::optional<Session> make_session(Role role, uint8_t setup) {
  const uint8_t tep = kTeps[setup & 3];
  const AeadId b_aead = kAeads[((setup >> 3) & 3) % kAeads.size()];
  SessionConfig cfg;
  if (role == Role::B) cfg.aeads = {b_aead};
  if (setup & 0x20) cfg.max_frame_data = 7;
  SessionStart start{role, tep, {0x45, 0x03, tep, 0x45, 0x04, 0x01, tep}, std::nullopt};
  if (setup & 4) start.resumed = fuzz::resumed_start(tep, b_aead, role == Role::A);
  crypto::DeterministicRandom rng(role == Role::A ? 1 : 2);
  auto s = Session::create(std::move(start), std::move(cfg), rng);
  FUZZ_CHECK(s.has_value());
  return std::move(*s);
}

bool is_prefix(const Bytes& part, const Bytes& whole) {
  return part.size() <= whole.size() && std::equal(part.begin(), part.end(), whole.begin());
}

// Collects what `from` emitted and what `to` decrypted, and checks the invariants.
void settle(Side& from, Side& to) {
  for (Side* side : {&from, &to}) {
    while (auto chunk = side->s.poll_stream_bytes()) put_bytes(side->wire, chunk->bytes);
  }
  for (auto [peer, self] : {std::pair{&from, &to}, std::pair{&to, &from}}) {
    put_bytes(self->received, self->s.poll_app_data());
    FUZZ_CHECK(is_prefix(self->received, peer->sent));
    if (self->frozen) FUZZ_CHECK(self->received.size() == *self->frozen);
    while (auto ev = self->s.poll_event()) {
      if (!std::holds_alternative<PeerEof>(*ev)) continue;
      FUZZ_CHECK(!self->eof && !self->frozen);
      FUZZ_CHECK(peer->fin_sent && self->received == peer->sent);  // TC-32
      self->eof = true;
    }
    FUZZ_CHECK(self->eof == self->s.peer_eof());
  }
}

// Delivers n pending bytes of from's stream to `to`, the last one xor-ed with `flip`.
void deliver(Side& from, Side& to, size_t n, uint8_t flip = 0) {
  n = std::min(n, from.wire.size());
  if (n == 0) return;
  Bytes chunk(from.wire.begin(), from.wire.begin() + ptrdiff_t(n));
  chunk.back() ^= flip;
  from.wire.erase(from.wire.begin(), from.wire.begin() + ptrdiff_t(n));
  from.wire_offset += n;
  (void)to.s.on_stream_bytes(chunk);
  settle(from, to);
  if (flip != 0 && !to.frozen) to.frozen = to.received.size();
}

void tcp_fin(Side& from, Side& to) {
  const bool had_eof = to.eof;
  (void)to.s.on_tcp_fin();
  settle(from, to);
  if (!had_eof) FUZZ_CHECK(to.s.failed());  // TC-33: FIN without FINp is an error
}

void send(Side& from, Side& to, uint8_t n, bool fin) {
  Bytes data(n);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(from.sent.size() + i);
  if (from.s.send_app(data, fin)) {
    put_bytes(from.sent, data);
    from.fin_sent = from.fin_sent || fin;
  }
  settle(from, to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint8_t setup = in.byte();
  Side a{std::move(*make_session(Role::A, setup))};
  Side b{std::move(*make_session(Role::B, setup))};
  settle(a, b);
  for (size_t steps = 0; in.size() >= 2 && steps < 64; ++steps) {
    const uint8_t op = in.byte(), arg = in.byte();
    Side& from = (op & 8) ? b : a;
    Side& to = (op & 8) ? a : b;
    switch (op % 8) {
      case 0: send(from, to, arg, false); break;
      case 1: send(from, to, arg, true); break;
      case 2: deliver(from, to, size_t(arg) + 1); break;
      case 3: deliver(from, to, from.wire.size()); break;
      case 4: deliver(from, to, size_t(arg) + 1, uint8_t(arg | 1)); break;
      case 5:
        (void)from.s.request_rekey();
        settle(from, to);
        break;
      case 6: tcp_fin(from, to); break;
      case 7:
        deliver(from, to, from.wire.size());
        if (from.fin_sent) tcp_fin(from, to);
        break;
    }
  }
  for (int round = 0; round < 4; ++round) {  // flush: rekey answers may add bytes
    deliver(a, b, a.wire.size());
    deliver(b, a, b.wire.size());
  }
  if (a.frozen || b.frozen || a.s.failed() || b.s.failed()) return 0;
  FUZZ_CHECK(a.s.established() && b.s.established() && a.s.session_id() == b.s.session_id());
  for (auto [peer, self] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    FUZZ_CHECK(self->received == peer->sent);
    FUZZ_CHECK(self->eof == peer->fin_sent);
  }
  return 0;
}
