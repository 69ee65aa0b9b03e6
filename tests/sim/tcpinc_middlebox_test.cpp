// Middleboxes between two SecureConnections (Link filters that rewrite segments and fix
// the TCP checksum): stripped or altered ENO options (RFC 8547 §4.6, §4.8, §9), tampered
// ciphertext (RFC 8548 §3.6), FIN games (§3.7), URG injection and resegmentation.
#include <cerrno>
#include <memory>

#include <gtest/gtest.h>

#include "tests/sim/tcpinc_util.h"

namespace sim {
namespace {

using proto::Errc;
using proto::eno::DisableReason;
using proto::tcp::CloseReason;
using proto::tcp::kFin;
using proto::tcp::kPsh;
using proto::tcp::kRst;
using proto::tcp::kSyn;
using proto::tcp::kUrg;
using proto::tcpinc::Protection;

bool is_syn(const SegmentRepr& r) { return r.has(kSyn) && !r.ack; }
bool is_syn_ack(const SegmentRepr& r) { return r.has(kSyn) && r.ack.has_value(); }
bool is_data(const SegmentRepr& r) { return !r.has(kSyn) && !r.has(kRst) && !r.payload.empty(); }

IpAddress addr_a() { return host_tuple(true, false).local_addr; }
IpAddress addr_b() { return host_tuple(false, false).local_addr; }

// Edits A->B segments that `match` selects.
void on_ab(SecurePair& p, std::function<bool(const SegmentRepr&)> match, SegmentEdit edit) {
  p.ab().set_filter(edit_when(addr_a(), addr_b(), std::move(match), std::move(edit)));
}

// True if `got` is a prefix of `sent`: no wrong byte was delivered.
bool prefix_of(const Bytes& got, const Bytes& sent) {
  return got.size() <= sent.size() && std::equal(got.begin(), got.end(), sent.begin());
}

// ENO-14: a middlebox strips ENO from the SYN: B answers plainly, both fall back.
TEST(TcpincMiddlebox, EnoStrippedFromSyn) {
  SecurePair p(lossy(10'000), 1);
  on_ab(p, is_syn, [](SegmentRepr& r, Bytes&) { strip_eno(r); });
  ASSERT_TRUE(secure_exchange(p, 1, 20'000, 20'000));
  EXPECT_EQ(p.a().secure().protection(), Protection::Plain);
  EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
  EXPECT_EQ(p.a().secure().disable_reason(), DisableReason::MissingOption);
  EXPECT_EQ(p.b().secure().disable_reason(), DisableReason::MissingOption);
}

// ENO-14, RFC 8547 Figure 11: stripped from the SYN-ACK: A falls back and its plain third
// ACK makes B fall back too.
TEST(TcpincMiddlebox, EnoStrippedFromSynAck) {
  SecurePair p(lossy(10'000), 2);
  p.ba().set_filter(edit_when(addr_b(), addr_a(), is_syn_ack, [](SegmentRepr& r, Bytes&) { strip_eno(r); }));
  ASSERT_TRUE(secure_exchange(p, 2, 20'000, 20'000));
  EXPECT_EQ(p.a().secure().protection(), Protection::Plain);
  EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
}

// RFC 8547 §9 "type 2" failure, third ACK stripped only: A has enabled ENO (it sent and
// received ACK segments with ENO) while B fell back (its first ACK had none). A's Init1
// then arrives with `45 02` (ENO-13) on a data segment; B recognises that the peer runs a
// TEP, and aborts with EnoMismatch instead of handing the Init1 bytes to its application.
// A sees the RST. No application byte is delivered on either side or sent in the clear.
TEST(TcpincMiddlebox, EnoStrippedFromThirdAckFailsTheConnection) {
  SecurePair p(SecurePairOptions{}, 3);
  on_ab(p, [](const SegmentRepr& r) { return !r.has(kSyn) && r.payload.empty(); },
        [](SegmentRepr& r, Bytes&) { strip_eno(r); });
  p.a().to_send = marked(5000, 1);
  p.b().to_send = marked(5000, 2);
  ASSERT_TRUE(run_to_close(p));
  EXPECT_EQ(p.b().closed()->error, Errc::EnoMismatch);
  EXPECT_EQ(proto::control::to_errno(*proto::tcpinc::conn_error(*p.b().closed())), ECONNRESET);
  EXPECT_EQ(p.a().closed()->reason, CloseReason::Reset);
  EXPECT_TRUE(p.a().received.empty());
  EXPECT_TRUE(p.b().received.empty());
  EXPECT_FALSE(wire_contains(p.a().sent, marker()));
  EXPECT_FALSE(wire_contains(p.b().sent, marker()));
}

// Type 2 with every non-SYN ENO option stripped (B cannot tell): B runs plain TCP and its
// application does receive A's Init1 bytes (visible: they start with the Init1 magic),
// never A's application data. B's plaintext reply is not a valid Init2, so A aborts
// (BadMagic) without delivering a byte; A never sends application data at all.
TEST(TcpincMiddlebox, EnoStrippedFromAllLaterSegments) {
  SecurePair p(SecurePairOptions{}, 4);
  on_ab(p, [](const SegmentRepr& r) { return !r.has(kSyn); }, [](SegmentRepr& r, Bytes&) { strip_eno(r); });
  p.a().to_send = marked(5000, 1);
  p.b().to_send = marked(5000, 2);
  ASSERT_TRUE(run_to_close(p));
  EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
  ASSERT_GE(p.b().received.size(), 4u);
  EXPECT_EQ(Bytes(p.b().received.begin(), p.b().received.begin() + 4), (Bytes{0x15, 0x10, 0x1a, 0x0e}));
  EXPECT_FALSE(wire_contains(p.a().sent, marker()));
  EXPECT_EQ(p.a().closed()->error, Errc::BadMagic);
  EXPECT_TRUE(p.a().received.empty());
}

// Init2 never arrives (every B payload segment dropped): A gives up after
// handshake_timeout with HandshakeTimeout (ETIMEDOUT), never Connected, nothing sent in
// the clear.
TEST(TcpincMiddlebox, MissingInit2TimesOut) {
  SecurePairOptions opt;
  opt.a.cfg.handshake_timeout = 5s;
  SecurePair p(opt, 10);
  IpAddress a = addr_a(), b = addr_b();
  p.ba().set_filter([a, b](Bytes pkt) -> std::vector<Bytes> {
    auto r = inspect(pkt, b, a);
    if (r && is_data(*r)) return {};
    return {std::move(pkt)};
  });
  p.a().to_send = marked(3000, 1);
  ASSERT_TRUE(run_to_close(p));
  EXPECT_EQ(p.a().closed()->error, Errc::HandshakeTimeout);
  EXPECT_EQ(proto::control::to_errno(*proto::tcpinc::conn_error(*p.a().closed())), ETIMEDOUT);
  EXPECT_FALSE(p.a().saw(SecureEvent::Kind::Connected));
  EXPECT_FALSE(wire_contains(p.a().sent, marker()));
  EXPECT_GE(p.now() - Instant{1'000'000}, 5s);
}

// ENO-19: data added to the SYN+ENO by a middlebox is discarded (only the ISN is
// acknowledged), never delivered; the connection goes on encrypted.
TEST(TcpincMiddlebox, SynDataIsDiscarded) {
  SecurePair p(SecurePairOptions{}, 11);
  on_ab(p, is_syn, [](SegmentRepr&, Bytes& payload) { payload.assign(kMarker.begin(), kMarker.end()); });
  ASSERT_TRUE(secure_exchange(p, 11, 5000, 5000));
  EXPECT_TRUE(p.b().secure().encrypted());
}

// ENO-23, RFC 8547 §4.8: a SYN option altered on the way (two TEP suboptions swapped, still
// well-formed): the transcripts differ, so the keys differ, the first frame fails
// authentication and the receiver aborts. Nothing is delivered.
TEST(TcpincMiddlebox, AlteredSynOptionBreaksTheKeys) {
  SecurePair p(SecurePairOptions{}, 5);
  on_ab(p, is_syn, [](SegmentRepr& r, Bytes&) {
    static Bytes altered;
    ByteView o = r.opts.unknown.at(0);
    altered.assign(o.begin(), o.end());
    std::swap(altered[2], altered[3]);  // first two TEP bytes (no global suboption from A)
    r.opts.unknown[0] = altered;
  });
  p.a().to_send = marked(5000, 1);
  p.b().to_send = marked(5000, 2);
  ASSERT_TRUE(run_to_close(p));
  auto a = p.a().closed(), b = p.b().closed();
  EXPECT_TRUE(a->error == Errc::AuthFailed || b->error == Errc::AuthFailed);
  EXPECT_TRUE(p.a().received.empty());
  EXPECT_TRUE(p.b().received.empty());
  EXPECT_FALSE(wire_contains(p.a().sent, marker()));
}

// TC-30, TC-10, TC-47: one ciphertext bit flipped with the checksum fixed (TCP accepts
// it): the receiver aborts with AuthFailed (ECONNRESET, not EOF) and has delivered only a
// correct prefix. Tried at several points of the stream.
TEST(TcpincMiddlebox, FlippedCiphertextBitAborts) {
  for (int target = 2; target <= 12; target += 2) {
    SecurePair p(SecurePairOptions{}, 6);
    auto count = std::make_shared<int>(0);
    on_ab(p, [count, target](const SegmentRepr& r) { return is_data(r) && ++*count == target; },
          [](SegmentRepr&, Bytes& payload) { payload[payload.size() / 2] ^= 0x10; });
    p.a().to_send = marked(60'000, 1);
    Bytes sent = p.a().to_send;
    ASSERT_TRUE(run_to_close(p));
    auto b = p.b().closed();
    EXPECT_EQ(b->error, Errc::AuthFailed) << target;
    EXPECT_EQ(proto::control::to_errno(*proto::tcpinc::conn_error(*b)), ECONNRESET);
    EXPECT_FALSE(p.b().saw(SecureEvent::Kind::PeerFin));
    EXPECT_TRUE(prefix_of(p.b().received, sent)) << target;
    EXPECT_LT(p.b().received.size(), sent.size());
    EXPECT_EQ(p.a().closed()->reason, CloseReason::Reset);
    EXPECT_FALSE(p.b().secure().holds_keys());
  }
}

// TC-33: a FIN set on a data segment by a middlebox (no FINp in the stream): abort with
// FinWithoutFinp, distinct from EOF.
TEST(TcpincMiddlebox, InjectedFinAborts) {
  SecurePair p(SecurePairOptions{}, 7);
  auto count = std::make_shared<int>(0);
  on_ab(p, [count](const SegmentRepr& r) { return is_data(r) && ++*count == 5; },
        [](SegmentRepr& r, Bytes&) { r.flags |= kFin; });
  p.a().to_send = marked(60'000, 1);
  Bytes sent = p.a().to_send;
  ASSERT_TRUE(run_to_close(p));
  EXPECT_EQ(p.b().closed()->error, Errc::FinWithoutFinp);
  EXPECT_FALSE(p.b().saw(SecureEvent::Kind::PeerFin));
  EXPECT_TRUE(prefix_of(p.b().received, sent));
}

// TC-32: FIN removed from every A segment: B still reports EOF, exactly on the
// authenticated FINp frame; A's FIN is never acknowledged, so A times out.
TEST(TcpincMiddlebox, RemovedFinStillEndsOnFinp) {
  SecurePairOptions opt;
  opt.a.cfg.tcp.data_retries = 3;
  SecurePair p(opt, 8);
  on_ab(p, [](const SegmentRepr& r) { return r.has(kFin); }, [](SegmentRepr& r, Bytes&) { r.flags &= uint8_t(~kFin); });
  p.a().to_send = marked(20'000, 1);
  p.a().close_when_done = true;
  Bytes sent = p.a().to_send;
  ASSERT_TRUE(p.run_until([&] { return p.b().saw(SecureEvent::Kind::PeerFin); }, 60s));
  EXPECT_EQ(p.b().received, sent);
  EXPECT_TRUE(p.b().secure().at_eof());
}

// ENO-24 / RFC 8548 §3.7: URG and an urgent pointer injected by a middlebox create no
// urgent data and change no byte.
TEST(TcpincMiddlebox, InjectedUrgIsIgnored) {
  SecurePair p(lossy(5'000), 9);
  on_ab(p, is_data, [](SegmentRepr& r, Bytes&) {
    r.flags |= kUrg;
    r.urgent = 3;
  });
  ASSERT_TRUE(secure_exchange(p, 9, 40'000, 10'000));
  EXPECT_TRUE(p.b().secure().encrypted());
}

// Resegmentation: A's data segments split in two, B's consecutive segments merged; frames
// and Init messages are found in the byte stream whatever the segment boundaries.
TEST(TcpincMiddlebox, ResegmentationWorks) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SecurePair p(lossy(5'000), seed);
    IpAddress a = addr_a(), b = addr_b();
    p.ab().set_filter([a, b, seed](Bytes pkt) -> std::vector<Bytes> {
      auto r = inspect(pkt, a, b);
      if (!r || !is_data(*r) || r->has(kFin) || r->payload.size() < 2) return {std::move(pkt)};
      size_t k = 1 + (r->seq.v + seed) % (r->payload.size() - 1);
      Bytes first = rewrite(pkt, a, b, [k](SegmentRepr& s, Bytes& pl) {
        pl.resize(k);
        s.flags &= uint8_t(~kPsh);
      });
      Bytes second = rewrite(pkt, a, b, [k](SegmentRepr& s, Bytes& pl) {
        pl.erase(pl.begin(), pl.begin() + std::ptrdiff_t(k));
        s.seq = s.seq + uint32_t(k);
      });
      return {std::move(first), std::move(second)};
    });
    auto held = std::make_shared<std::optional<Bytes>>();
    p.ba().set_filter([a, b, held](Bytes pkt) -> std::vector<Bytes> {
      auto r = inspect(pkt, b, a);
      const bool mergeable = r && is_data(*r) && !r->has(kFin);
      std::vector<Bytes> out;
      if (*held) {
        auto h = inspect(**held, b, a);
        if (mergeable && h->seq + uint32_t(h->payload.size()) == r->seq &&
            h->payload.size() + r->payload.size() <= 1400) {
          Bytes prefix(h->payload.begin(), h->payload.end());
          out.push_back(rewrite(pkt, b, a, [&](SegmentRepr& s, Bytes& pl) {
            pl.insert(pl.begin(), prefix.begin(), prefix.end());
            s.seq = h->seq;
          }));
          held->reset();
          return out;
        }
        out.push_back(std::move(**held));
        held->reset();
      }
      if (mergeable) *held = std::move(pkt);
      else out.push_back(std::move(pkt));
      return out;
    });
    ASSERT_TRUE(secure_exchange(p, seed, 50'000, 50'000)) << seed;
    EXPECT_TRUE(p.a().secure().encrypted());
  }
}

}  // namespace
}  // namespace sim
