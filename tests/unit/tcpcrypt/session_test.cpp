// Two Sessions wired back to back (RFC 8548 §3.3-§3.9): fresh for every TEP x AEAD,
// digest §17 bytes on the wire, resumption through policies and caches, rekeying, FIN,
// and every abort path (distinct from EOF).
#include "proto/tcpcrypt/session.h"

#include <gtest/gtest.h>

#include "proto/tcpcrypt/public_key.h"
#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct Side {
  Session s;
  Bytes app;
  Bytes wire;  // everything this side emitted, in order
  std::vector<SessionEvent> events;
  std::vector<StreamChunk> chunks;

  void drain() {
    Bytes d = s.poll_app_data();
    put_bytes(app, d);
    while (auto e = s.poll_event()) events.push_back(*e);
  }
  bool has_eof() const {
    return std::any_of(events.begin(), events.end(), [](auto& e) { return std::holds_alternative<PeerEof>(e); });
  }
  std::optional<Error> error() const {
    for (auto& e : events)
      if (auto* f = std::get_if<Failed>(&e)) return f->error;
    return std::nullopt;
  }
  std::optional<Established> established() const {
    for (auto& e : events)
      if (auto* f = std::get_if<Established>(&e)) return *f;
    return std::nullopt;
  }
};

// Moves bytes both ways until nothing moves; `chunk_limit` splits deliveries (TC-4).
void pump(Side& a, Side& b, size_t chunk_limit = SIZE_MAX) {
  for (bool moved = true; moved;) {
    moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      while (auto c = from->s.poll_stream_bytes()) {
        moved = true;
        put_bytes(from->wire, c->bytes);
        for (size_t at = 0; at < c->bytes.size(); at += chunk_limit) {
          size_t n = std::min(chunk_limit, c->bytes.size() - at);
          (void)to->s.on_stream_bytes(ByteView(c->bytes).subspan(at, n));
        }
        from->chunks.push_back(std::move(*c));
      }
      from->drain();
      to->drain();
    }
  }
}

SessionStart start(Role r, uint8_t tep_byte, Bytes transcript = hex(kTranscript)) {
  return SessionStart{r, tep_byte, std::move(transcript), std::nullopt};
}

Side fresh(Role r, uint8_t tep, crypto::RandomSource& rng, SessionConfig cfg = {}) {
  auto s = Session::create(start(r, tep), std::move(cfg), rng);
  EXPECT_TRUE(s) << (s ? "" : s.error().detail);
  return Side{std::move(*s)};
}

Side digest_side(Role r, SessionConfig cfg) {
  bool a = r == Role::A;
  auto key = crypto::EcdhPrivateKey::from_bytes(crypto::Group::X25519, hex(a ? kPrivA : kPrivB));
  EphemeralInput eph{std::move(*key), {}};
  Bytes n = hex(a ? kNA : kNB);
  std::copy(n.begin(), n.end(), eph.nonce.begin());
  auto s = Session::create(start(r, kTepX25519), std::move(cfg), std::move(eph));
  EXPECT_TRUE(s);
  return Side{std::move(*s)};
}

TEST(Session, DigestExampleOnTheWire) {  // digest §16/§17; TC-4, TC-9, TC-11, TC-31
  Side a = digest_side(Role::A, {});
  Side b = digest_side(Role::B, SessionConfig{{AeadId::Aes128Gcm}});
  // A sends only Init1 until Init2 arrives (TC-2, TC-9).
  ASSERT_TRUE(a.s.send_app(text("hello")));
  auto first = a.s.poll_stream_bytes();
  ASSERT_TRUE(first);
  EXPECT_EQ(hx(first->bytes), kInit1);
  EXPECT_TRUE(first->push);
  EXPECT_FALSE(a.s.poll_stream_bytes());
  // B receives Init1, answers Init2 (PSH), may send frames right after (TC-9).
  ASSERT_TRUE(b.s.on_stream_bytes(first->bytes));
  ASSERT_TRUE(b.s.send_app(text("hi")));
  auto init2 = b.s.poll_stream_bytes();
  auto hi = b.s.poll_stream_bytes();
  ASSERT_TRUE(init2 && hi);
  EXPECT_EQ(hx(init2->bytes), kInit2);
  EXPECT_TRUE(init2->push);
  EXPECT_EQ(hx(hi->bytes), "00001371e6cf1369491c3039d0a5d344dd93cb505475");
  // A gets Init2 + frame in one segment; its queued "hello" goes out now.
  ASSERT_TRUE(a.s.on_stream_bytes(concat({init2->bytes, hi->bytes})));
  EXPECT_EQ(a.s.poll_app_data(), text("hi"));
  auto hello = a.s.poll_stream_bytes();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hx(hello->bytes), "000016101923f659cf2b9f4e8ca87752a312f8273cf443d4bd");
  ASSERT_TRUE(a.s.send_app({}, true));
  auto fin = a.s.poll_stream_bytes();
  ASSERT_TRUE(fin);
  EXPECT_TRUE(fin->fin);
  EXPECT_EQ(hx(fin->bytes), "00001163c2eb94836763f238d62cef85d141a39f");
  EXPECT_EQ(hx(*a.s.session_id()), "232ca5e0b6692af92298c7988ad0544f28e56bc6ea653c2a324235d1f49140e39f");
  EXPECT_EQ(*b.s.session_id(), *a.s.session_id());
  ASSERT_TRUE(b.s.on_stream_bytes(concat({hello->bytes, fin->bytes})));
  b.drain();
  EXPECT_EQ(b.app, text("hello"));
  EXPECT_TRUE(b.has_eof());
  EXPECT_TRUE(b.s.on_tcp_fin());
  // The cache seed is ss[1] of digest §17 (TC-23).
  auto seed = a.s.take_cache_seed();
  ASSERT_TRUE(seed);
  EXPECT_EQ(hx(seed->ss.view()), "3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3");
  EXPECT_TRUE(seed->was_a);
  EXPECT_FALSE(b.s.take_cache_seed()->was_a);
}

TEST(Session, FreshEveryTepAndAead) {  // TC-45, TC-46, TC-8
  for (uint8_t tep : {kTepP256, kTepP521, kTepX25519, kTepX448}) {
    for (AeadId aead : {AeadId::Aes128Gcm, AeadId::Aes256Gcm, AeadId::ChaCha20Poly1305}) {
      crypto::DeterministicRandom ra{tep}, rb{uint64_t(aead)};
      Side a = fresh(Role::A, tep, ra);
      Side b = fresh(Role::B, tep, rb, SessionConfig{{aead}});
      ASSERT_TRUE(a.s.send_app(Bytes(40000, 0x61), true));
      ASSERT_TRUE(b.s.send_app(text("pong"), false));
      pump(a, b);
      ASSERT_TRUE(a.established() && b.established()) << int(tep);
      EXPECT_EQ(a.established()->session_id, b.established()->session_id);
      EXPECT_EQ(a.established()->session_id[0], tep);
      EXPECT_EQ(*a.s.aead(), aead);
      EXPECT_EQ(b.app, Bytes(40000, 0x61));
      EXPECT_EQ(a.app, text("pong"));
      EXPECT_TRUE(b.has_eof());
      EXPECT_FALSE(a.has_eof());
      EXPECT_FALSE(a.error() || b.error());
    }
  }
}

TEST(Session, FreshEphemeralKeyAndNoncePerConnection) {  // TC-5, TC-48
  crypto::DeterministicRandom rng(3);
  Side a1 = fresh(Role::A, kTepX25519, rng);
  Side a2 = fresh(Role::A, kTepX25519, rng);
  auto i1 = parse_init1(kTepX25519, a1.s.poll_stream_bytes()->bytes);
  auto i2 = parse_init1(kTepX25519, a2.s.poll_stream_bytes()->bytes);
  ASSERT_TRUE(i1 && i2);
  EXPECT_NE(i1->pub, i2->pub);
  EXPECT_NE(i1->n_a, i2->n_a);
}

TEST(Session, InitSplitIntoSingleBytes) {  // TC-4
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepP521, ra);
  Side b = fresh(Role::B, kTepP521, rb);
  ASSERT_TRUE(a.s.send_app(text("abc"), true));
  pump(a, b, 1);
  EXPECT_EQ(b.app, text("abc"));
  EXPECT_TRUE(b.has_eof());
}

TEST(Session, VBitTepByteInSessionId) {  // interpretation 10: v=1 with < 9 bytes is fresh
  crypto::DeterministicRandom ra(1), rb(2);
  auto sa = Session::create(start(Role::A, 0xa3), {}, ra);
  auto sb = Session::create(start(Role::B, 0xa3), {}, rb);
  Side a{std::move(*sa)}, b{std::move(*sb)};
  pump(a, b);
  ASSERT_TRUE(a.established());
  EXPECT_EQ(a.established()->session_id[0], 0xa3);
  EXPECT_EQ(a.established()->session_id, b.established()->session_id);
}

TEST(Session, ResumedThroughPoliciesAndCaches) {  // TC-12, TC-16, TC-20, TC-23, TC-25
  const Bytes host_a{198, 18, 0, 1}, host_b{198, 18, 0, 2};
  crypto::DeterministicRandom ra(11), rb(12);
  SessionCache cache_a, cache_b;
  {
    Side a = fresh(Role::A, kTepX25519, ra);
    Side b = fresh(Role::B, kTepX25519, rb, SessionConfig{{AeadId::ChaCha20Poly1305}});
    pump(a, b);
    ASSERT_TRUE(cache_a.insert(host_b, std::move(*a.s.take_cache_seed()), Instant{}));
    ASSERT_TRUE(cache_b.insert(host_a, std::move(*b.s.take_cache_seed()), Instant{}));
  }
  // Twice, with roles swapped the second time: the original B opens actively.
  for (bool swapped : {false, true}) {
    SessionCache& ca = swapped ? cache_b : cache_a;
    SessionCache& cb = swapped ? cache_a : cache_b;
    TcpcryptPolicy pa({}, ra, &ca, swapped ? host_a : host_b);
    TcpcryptPolicy pb({}, rb, &cb, swapped ? host_b : host_a);
    auto offer = pa.active_offer();
    auto reply = pb.passive_reply(offer);
    ASSERT_EQ(reply.size(), 1u);
    ASSERT_TRUE(pa.judge(kTepX25519, std::span(offer).last(1), reply).resumption);
    ASSERT_TRUE(pb.judge(kTepX25519, std::span(offer).last(1), reply).resumption);
    auto sa = Session::create(SessionStart{Role::A, 0xa3, {}, pa.take_resumption(kTepX25519)}, {}, ra);
    auto sb = Session::create(SessionStart{Role::B, 0xa3, {}, pb.take_resumption(kTepX25519)}, {}, rb);
    ASSERT_TRUE(sa && sb);
    Side a{std::move(*sa)}, b{std::move(*sb)};
    a.drain();
    b.drain();
    ASSERT_TRUE(a.established() && a.established()->resumed);  // frames from offset 0
    EXPECT_EQ(*a.s.aead(), AeadId::ChaCha20Poly1305);          // interpretation 8
    EXPECT_EQ(a.established()->session_id[0], 0xa3);
    ASSERT_TRUE(a.s.send_app(text("resumed"), true));
    ASSERT_TRUE(b.s.send_app(text("ok"), true));
    pump(a, b);
    EXPECT_EQ(b.app, text("resumed"));
    EXPECT_EQ(a.app, text("ok"));
    EXPECT_EQ(a.established()->session_id, b.established()->session_id);
    EXPECT_FALSE(a.s.take_cache_seed());  // the cache already holds ss[i+1]
    EXPECT_EQ(a.wire.size(), 3u + 1 + 7 + 16);  // no Init message
  }
}

TEST(Session, ResumedDigestExample) {  // digest §17 resumption block, interpretation 9
  auto make = [](Role role, bool was_a) {
    ResumedStart r;
    r.secret.tep = kTepX25519;
    r.secret.aead = AeadId::Aes128Gcm;
    r.secret.was_a = was_a;
    r.secret.ss = SecretBytes(ByteView(hex("3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3")));
    r.nonce_a = hex("a0a1a2a3a4a5a6a7");
    r.nonce_b = hex("b0b1b2b3b4b5b6b7");
    crypto::DeterministicRandom rng(0);
    return std::move(*Session::create(SessionStart{role, 0xa3, {}, std::move(r)}, {}, rng));
  };
  // Current A was B originally: it still sends with k_ba.
  Session now_a = make(Role::A, false);
  EXPECT_EQ(hx(*now_a.session_id()), "a3de033f250725eed9d4f113214194090d5018ab51c632c393fe7fc9a4a3f76150");
  ASSERT_TRUE(now_a.send_app(text("x")));
  Bytes frame = now_a.poll_stream_bytes()->bytes;
  auto k_ba = FrameKey::create(AeadId::Aes128Gcm, hex("83ce24dd95293f758b061679b7c4b6afa08d762ee8019c9da904cca1"));
  EXPECT_TRUE(k_ba->open_in_place(0, frame));
}

TEST(Session, RekeyBothDirections) {  // TC-34, TC-35, TC-36, TC-39
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  EXPECT_EQ(a.s.request_rekey().error().code, Errc::InvalidState);  // no keys yet
  pump(a, b);
  ASSERT_TRUE(a.s.request_rekey());
  EXPECT_EQ(a.s.request_rekey().error().code, Errc::InvalidState);  // TC-36: not answered yet
  pump(a, b);
  EXPECT_EQ(a.s.local_generation(), 1u);
  EXPECT_EQ(b.s.remote_generation(), 1u);
  EXPECT_EQ(b.s.local_generation(), 1u);  // B answered at once
  EXPECT_EQ(a.s.remote_generation(), 1u);
  ASSERT_TRUE(b.s.request_rekey());
  ASSERT_TRUE(b.s.send_app(text("after rekey")));
  pump(a, b);
  EXPECT_EQ(a.s.local_generation(), 2u);
  EXPECT_EQ(b.s.remote_generation(), 2u);
  ASSERT_TRUE(a.s.send_app(text("gen2"), true));
  pump(a, b);
  EXPECT_EQ(a.app, text("after rekey"));
  EXPECT_EQ(b.app, text("gen2"));
  EXPECT_FALSE(a.error() || b.error());
}

TEST(Session, NoRekeyAnswerAfterFinp) {  // TC-35: unless FIN already sent
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  pump(a, b);
  ASSERT_TRUE(b.s.send_app({}, true));
  pump(a, b);
  ASSERT_TRUE(a.s.request_rekey());
  pump(a, b);
  EXPECT_EQ(b.s.remote_generation(), 1u);
  EXPECT_EQ(b.s.local_generation(), 0u);
  EXPECT_FALSE(b.error());
}

// TC-34, TC-36: a rekey carried by a data frame needs no answer, so a sender whose peer has
// sent its FIN (and so never answers, TC-35) still updates its keys again and again; a
// peer rekey that arrives while a raise waits for its frame sends that frame first.
TEST(Session, DataFrameRekeysWithoutAnswer) {
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  EXPECT_EQ(a.s.rekey_with_next_frame().error().code, Errc::InvalidState);  // no keys yet
  pump(a, b);
  ASSERT_TRUE(b.s.send_app({}, true));
  pump(a, b);
  Bytes sent;
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(a.s.rekey_with_next_frame());
    EXPECT_EQ(a.s.rekey_with_next_frame().error().code, Errc::InvalidState);  // not carried yet
    EXPECT_EQ(a.s.request_rekey().error().code, Errc::InvalidState);  // TC-36: empty frame waits
    const Bytes chunk = text("gen" + std::to_string(i));
    ASSERT_TRUE(a.s.send_app(chunk));
    put_bytes(sent, chunk);
    pump(a, b);
    EXPECT_EQ(a.s.local_generation(), uint64_t(i));
    EXPECT_EQ(b.s.remote_generation(), uint64_t(i));
  }
  EXPECT_EQ(a.s.remote_generation(), 0u);  // B never answered: its FIN is out
  EXPECT_EQ(b.app, sent);
  EXPECT_FALSE(a.error() || b.error());

  crypto::DeterministicRandom rc(3), rd(4);
  Side c = fresh(Role::A, kTepX25519, rc);
  Side d = fresh(Role::B, kTepX25519, rd);
  pump(c, d);
  ASSERT_TRUE(c.s.rekey_with_next_frame());  // generation 1, no frame yet
  ASSERT_TRUE(d.s.request_rekey());          // generation 1 (empty frame)
  ASSERT_TRUE(d.s.rekey_with_next_frame());  // generation 2, on the next data frame
  ASSERT_TRUE(d.s.send_app(text("y")));
  pump(c, d);  // c must answer generation 2: its pending rekey frame first, then its own
  EXPECT_EQ(c.s.local_generation(), 2u);
  EXPECT_EQ(d.s.remote_generation(), 2u);
  ASSERT_TRUE(c.s.send_app(text("x"), true));
  pump(c, d);
  EXPECT_EQ(c.app, text("y"));
  EXPECT_EQ(d.app, text("x"));
  EXPECT_FALSE(c.error() || d.error());
}

TEST(Session, FinWithoutFinpIsErrorNotEof) {  // TC-33, TC-47
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  ASSERT_TRUE(a.s.send_app(text("partial")));
  pump(a, b);
  EXPECT_EQ(b.s.on_tcp_fin().error().code, Errc::FinWithoutFinp);
  b.drain();
  EXPECT_FALSE(b.has_eof());
  ASSERT_TRUE(b.error());
  EXPECT_EQ(b.error()->code, Errc::FinWithoutFinp);
  EXPECT_EQ(b.s.send_app(text("x")).error().code, Errc::InvalidState);
}

TEST(Session, TamperedByteIsErrorNotEof) {  // TC-30, TC-47
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  pump(a, b);
  ASSERT_TRUE(a.s.send_app(text("secret"), true));
  Bytes frame = a.s.poll_stream_bytes()->bytes;
  frame[5] ^= 0x40;
  EXPECT_EQ(b.s.on_stream_bytes(frame).error().code, Errc::AuthFailed);
  b.drain();
  EXPECT_TRUE(b.app.empty());
  EXPECT_FALSE(b.has_eof());
  EXPECT_EQ(b.error()->code, Errc::AuthFailed);
  EXPECT_EQ(b.s.on_stream_bytes(frame).error().code, Errc::InvalidState);
}

TEST(Session, DataAfterFinpAborts) {
  crypto::DeterministicRandom ra(1), rb(2);
  Side a = fresh(Role::A, kTepX25519, ra);
  Side b = fresh(Role::B, kTepX25519, rb);
  pump(a, b);
  ASSERT_TRUE(a.s.send_app({}, true));
  Bytes frame = a.s.poll_stream_bytes()->bytes;
  frame.push_back(0);
  EXPECT_EQ(b.s.on_stream_bytes(frame).error().code, Errc::DataAfterFinp);
  EXPECT_EQ(a.s.send_app(text("x")).error().code, Errc::InvalidState);  // TC-31
}

// Drives B with a hand-made Init1 (A side simulated) and returns B's error.
Error init1_error(uint8_t tep, std::vector<uint16_t> ciphers, Bytes pub, Bytes prefix = {}) {
  crypto::DeterministicRandom rb(2);
  Side b = fresh(Role::B, tep, rb);
  Init1 m;
  m.sym_ciphers = std::move(ciphers);
  m.pub = std::move(pub);
  Bytes wire = prefix.empty() ? *encode(tep, m) : prefix;
  auto r = b.s.on_stream_bytes(wire);
  b.drain();
  EXPECT_FALSE(r);
  EXPECT_FALSE(b.has_eof());
  EXPECT_TRUE(b.error());
  EXPECT_FALSE(b.s.poll_stream_bytes());  // no Init2 after an abort
  return r ? Error{Errc::InvalidState, ""} : r.error();
}

TEST(Session, InitAborts) {  // TC-6, TC-43, TC-44, digest §5.6
  EXPECT_EQ(init1_error(kTepX25519, {1}, Bytes(32, 0)).code, Errc::InvalidPublicKey);  // all-zero ES
  Bytes p256(35, 0x11);
  store_be16(p256, 0, 33);  // pubkey_len counting only the point
  p256[2] = 0x02;
  EXPECT_EQ(init1_error(kTepP256, {1}, p256).code, Errc::InvalidPublicKey);
  store_be16(p256, 0, 35);
  p256[2] = 0x04;  // uncompressed marker
  EXPECT_EQ(init1_error(kTepP256, {1}, p256).code, Errc::InvalidPublicKey);
  EXPECT_EQ(init1_error(kTepX25519, {0x0003, 0xffff}, Bytes(32, 9)).code, Errc::NoCommonAead);
  EXPECT_EQ(init1_error(kTepX25519, {}, Bytes(32, 9)).code, Errc::NoCommonAead);
  EXPECT_EQ(init1_error(kTepX25519, {}, {}, hex(kInit2)).code, Errc::BadMagic);
  Bytes short_len = hex(kInit1);
  store_be32(short_len, 4, 20);
  EXPECT_EQ(init1_error(kTepX25519, {}, {}, short_len).code, Errc::BadMessageLength);
}

TEST(Session, Init2WithUnofferedAeadAborts) {  // TC-7
  crypto::DeterministicRandom ra(1);
  Side a = fresh(Role::A, kTepX25519, ra, SessionConfig{{AeadId::Aes128Gcm}});
  (void)a.s.poll_stream_bytes();
  Init2 m;
  m.sym_cipher = uint16_t(AeadId::ChaCha20Poly1305);
  m.pub = hex(kPubB);
  EXPECT_EQ(a.s.on_stream_bytes(*encode(kTepX25519, m)).error().code, Errc::AeadNotOffered);
  a.drain();
  EXPECT_EQ(a.error()->code, Errc::AeadNotOffered);
  EXPECT_FALSE(a.has_eof());
}

TEST(Session, IgnoredInitTailAccepted) {  // TC-40
  crypto::DeterministicRandom ra(1), rb(2);
  Side b = fresh(Role::B, kTepX25519, rb);
  Init1 m;
  m.sym_ciphers = {1};
  m.pub = hex(kPubA);
  m.ignored = {1, 2, 3};
  ASSERT_TRUE(b.s.on_stream_bytes(*encode(kTepX25519, m)));
  b.drain();
  EXPECT_TRUE(b.established());
  auto init2 = b.s.poll_stream_bytes();
  EXPECT_EQ(init2->bytes.size(), 74u);  // our own Init2 carries no tail
}

TEST(Session, NoCachingAndBadConfig) {  // TC-27 (2)
  crypto::DeterministicRandom ra(1), rb(2);
  SessionConfig nc;
  nc.no_caching = true;
  Side a = fresh(Role::A, kTepX25519, ra, nc);
  Side b = fresh(Role::B, kTepX25519, rb);
  pump(a, b);
  EXPECT_FALSE(a.s.take_cache_seed());
  EXPECT_TRUE(b.s.take_cache_seed());
  EXPECT_EQ(Session::create(start(Role::A, 0x25), {}, ra).error().code, Errc::InvalidArgument);
  EXPECT_EQ(Session::create(start(Role::A, kTepX25519), SessionConfig{{}}, ra).error().code,
            Errc::InvalidArgument);
}

TEST(Session, UrgentMarkFromAuthenticatedFrame) {  // interpretation 13
  Side b = digest_side(Role::B, {});
  ASSERT_TRUE(b.s.on_stream_bytes(hex(kInit1)));
  SecretBytes mk0(ByteView(hex("f31214fd6fc7fdfc2d4574ce4cb881bc1dff4e243ca3b72f5d66de0e7970c186")));
  auto sealer = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 79);
  Bytes frames;
  ASSERT_TRUE(sealer->seal(text("abcd"), false, std::nullopt, frames));
  ASSERT_TRUE(sealer->seal(text("URG!"), false, uint16_t(3), frames));
  ASSERT_TRUE(b.s.on_stream_bytes(frames));
  b.drain();
  EXPECT_EQ(b.app, text("abcdURG!"));
  EXPECT_EQ(b.s.urgent_mark(), 4u + 3u);  // index of '!' in the application stream
}

TEST(Session, RandomBytesGiveTypedErrorsOnly) {  // malformed input of every kind
  crypto::DeterministicRandom junk(77);
  for (int round = 0; round < 200; ++round) {
    crypto::DeterministicRandom ra(round), rb(round + 1000);
    Side a = fresh(Role::A, kTepX25519, ra);
    Side b = fresh(Role::B, kTepX25519, rb);
    if (round % 2) pump(a, b);  // half the rounds hit the frame parser instead
    Bytes noise(1 + round * 3);
    junk.fill(noise);
    if (round % 4 == 1) noise[0] = 0x00;  // plausible control byte, random clen
    auto r = b.s.on_stream_bytes(noise);
    b.drain();
    if (!r) {
      EXPECT_TRUE(b.error());
      EXPECT_FALSE(b.has_eof());
    }
  }
}

}  // namespace
}  // namespace proto::tcpcrypt
