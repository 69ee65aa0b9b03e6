// proto/control codec: every message round-trips; every malformed form is a typed error.
#include "proto/control/codec.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "proto/control/wire.h"
#include "tests/unit/control/sample_frames.h"

namespace proto::control {
namespace {

using testing::ep;
using testing::sample_frames;

// A whole message with a hand-made body (for malformed bodies the encoder refuses to write).
Bytes frame_bytes(MessageType type, const Bytes& body, uint16_t flags = 0) {
  Bytes out;
  put_be16(out, kMagic);
  put_u8(out, kVersion);
  put_u8(out, uint8_t(type));
  put_be16(out, flags);
  put_be32(out, 1);
  put_be32(out, uint32_t(body.size()));
  put_bytes(out, body);
  return out;
}

template <class F>
Bytes body(F&& write_fields) {
  Bytes b;
  wire::Writer w(b);
  write_fields(w);
  return b;
}

Errc parse_error(ByteView in) {
  auto f = parse_frame(in);
  EXPECT_FALSE(f.has_value());
  return f ? Errc::InvalidState : f.error().code;
}

TEST(ControlCodec, EveryMessageRoundTrips) {
  std::set<size_t> types;
  for (const Frame& f : sample_frames()) {
    auto bytes = encode(f);
    ASSERT_TRUE(bytes) << message_type_name(type_of(f.body)) << ": " << bytes.error().detail;
    auto back = parse_frame(*bytes);
    ASSERT_TRUE(back) << message_type_name(type_of(f.body)) << ": " << back.error().detail;
    EXPECT_EQ(*back, f) << message_type_name(type_of(f.body));
    types.insert(f.body.index());
  }
  EXPECT_EQ(types.size(), std::variant_size_v<Body>) << "a message type has no sample";
}

TEST(ControlCodec, HeaderErrorsAreTyped) {
  Bytes good = *encode(Frame{1, false, Abort{5}});
  Bytes b = good;
  b[0] = 'X';
  EXPECT_EQ(parse_error(b), Errc::BadMagic);
  b = good;
  b[2] = kVersion + 1;
  EXPECT_EQ(parse_error(b), Errc::BadVersion);
  b = good;
  b[3] = 0;
  EXPECT_EQ(parse_error(b), Errc::UnknownMessage);
  b[3] = kMessageTypeMax + 1;
  EXPECT_EQ(parse_error(b), Errc::UnknownMessage);
  b = good;
  b[5] = 0x02;  // unknown flag bit
  EXPECT_EQ(parse_error(b), Errc::BadValue);
  b = good;
  b[5] = 0x01;  // fd flag on Abort, which carries none
  EXPECT_EQ(parse_error(b), Errc::BadValue);
  EXPECT_EQ(parse_error(ByteView(good).first(kHeaderLen - 1)), Errc::Truncated);
  EXPECT_EQ(parse_error(ByteView(good).first(good.size() - 1)), Errc::Truncated);
  b = good;
  b.push_back(0);
  EXPECT_EQ(parse_error(b), Errc::TrailingBytes);
}

TEST(ControlCodec, SizeLimitIsEnforcedFromTheHeader) {
  Bytes header = frame_bytes(MessageType::StatusReply, {});
  store_be32(header, 10, uint32_t(kMaxMessageLen - kHeaderLen));
  EXPECT_TRUE(parse_header(header));
  store_be32(header, 10, uint32_t(kMaxMessageLen - kHeaderLen + 1));
  auto h = parse_header(header);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, Errc::TooLong);
  store_be32(header, 10, 0xffffffff);
  EXPECT_FALSE(parse_header(header));
  // A receiver's own smaller limit.
  Bytes hello = *encode(Frame{1, false, Hello{}});
  EXPECT_FALSE(parse_frame(hello, hello.size() - 1));
  EXPECT_TRUE(parse_frame(hello, hello.size()));
}

TEST(ControlCodec, EncoderRefusesOversizedMessages) {
  StatusReply big;
  big.connections.resize(1000);  // ~100 bytes each: over 64 KiB
  auto r = encode(Frame{1, false, big});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::TooLong);
}

TEST(ControlCodec, TrailingBytesInsideTheBody) {
  Bytes b = body([](wire::Writer& w) {
    w.u64(5);
    w.u8(0);  // one byte more than Abort has
  });
  EXPECT_EQ(parse_error(frame_bytes(MessageType::Abort, b)), Errc::TrailingBytes);
}

TEST(ControlCodec, TruncatedBodies) {
  for (const Frame& f : sample_frames()) {
    Bytes full = *encode(f);
    // Shorten the body and tell the header so: the body then ends inside a field.
    for (size_t cut = 1; cut <= full.size() - kHeaderLen; ++cut) {
      Bytes b(full.begin(), full.end() - static_cast<ptrdiff_t>(cut));
      store_be32(b, 10, uint32_t(b.size() - kHeaderLen));
      auto r = parse_frame(b);
      EXPECT_FALSE(r) << message_type_name(type_of(f.body)) << " cut " << cut;
    }
  }
}

TEST(ControlCodec, BadEnumValues) {
  EXPECT_EQ(parse_error(frame_bytes(MessageType::Shutdown, body([](wire::Writer& w) {
                                      w.u64(1);
                                      w.u8(3);  // no such direction
                                    }))),
            Errc::BadValue);
  EXPECT_EQ(parse_error(frame_bytes(MessageType::OpReply, body([](wire::Writer& w) {
                                      w.u8(kConnErrorMax + 1);
                                    }))),
            Errc::BadValue);
  EXPECT_EQ(parse_error(frame_bytes(MessageType::Error, body([](wire::Writer& w) {
                                      w.u8(0);  // fault codes start at 1
                                      w.u8(0);
                                    }))),
            Errc::BadValue);
  auto connect_with = [](auto&& tweak) {
    return frame_bytes(MessageType::Connect, body([&](wire::Writer& w) {
                         w.endpoint(ep("198.19.0.2", 80));
                         w.u8(0);  // no local address
                         EnoOptions o;
                         tweak(w, o);
                       }));
  };
  // Mode 4 does not exist (3 = Default, tund's configured mode).
  EXPECT_EQ(parse_error(connect_with([](wire::Writer& w, EnoOptions&) {
              w.u8(4);
              w.u8(0);
              w.u8(0);
              w.u8(0);
              w.u8(0);
              w.u8(0);
            })),
            Errc::BadValue);
  // Unknown ENO flag bit.
  EXPECT_EQ(parse_error(connect_with([](wire::Writer& w, EnoOptions&) {
              w.u8(1);
              w.u8(0x20);
              w.u8(0);
              w.u8(0);
              w.u8(0);
              w.u8(0);
            })),
            Errc::BadValue);
  // Boolean 2 (nonblocking).
  EXPECT_EQ(parse_error(connect_with([](wire::Writer& w, EnoOptions& o) {
              w.eno_options(o);
              w.u8(2);
            })),
            Errc::BadValue);
  // Address family 5.
  EXPECT_EQ(parse_error(frame_bytes(MessageType::Listen, body([](wire::Writer& w) {
                                      w.u8(5);
                                      w.u32(0);
                                    }))),
            Errc::BadValue);
}

// ENO option rules (api.md §9.2): TEP range and duplicates, AEAD ids, list limits.
TEST(ControlCodec, EnoOptionValuesAreValidated) {
  auto connect_with = [](const EnoOptions& o) {
    Connect c{ep("198.19.0.2", 80), std::nullopt, o, false};
    Bytes b = body([&](wire::Writer& w) {
      w.endpoint(c.destination);
      w.u8(0);
      w.eno_options(o);
      w.u8(0);
    });
    return parse_frame(frame_bytes(MessageType::Connect, b));
  };
  EnoOptions o;
  EXPECT_TRUE(connect_with(o));
  for (uint8_t bad : {0x00, 0x1f, 0x80, 0x9f, 0xa3}) {
    o.teps = {0x21, bad};
    EXPECT_FALSE(connect_with(o)) << int(bad);
  }
  o.teps = {0x21, 0x21};
  EXPECT_FALSE(connect_with(o));
  o.teps = Bytes(kMaxTeps + 1, 0x21);
  EXPECT_FALSE(connect_with(o));
  o.teps = {};
  o.aeads_offer = {0x0001, 0x0000};
  EXPECT_FALSE(connect_with(o));
  o.aeads_offer = {0x0001, 0x0001};
  EXPECT_FALSE(connect_with(o));
  o.aeads_offer = {};
  o.aeads_prefer = std::vector<uint16_t>(kMaxAeads + 1, 1);
  EXPECT_FALSE(connect_with(o));
  // The encoder refuses the same values.
  o.aeads_prefer = {};
  o.teps = {0x21, 0x21};
  EXPECT_FALSE(encode(Frame{1, false, Connect{ep("198.19.0.2", 80), std::nullopt, o, false}}));
}

TEST(ControlCodec, SecurityInfoConsistency) {
  auto accepted_with = [](const SecurityInfo& s) {
    return encode(Frame{1, true, Accepted{1, 2, ep("198.19.0.9", 1), ep("198.18.0.1", 2), s}});
  };
  SecurityInfo s = testing::encrypted_info();
  EXPECT_TRUE(accepted_with(s));
  s.session_id.clear();  // RFC 8547 §5.1: never "encrypted" without a session ID
  EXPECT_FALSE(accepted_with(s));
  s = testing::encrypted_info();
  s.tep = 0x05;
  EXPECT_FALSE(accepted_with(s));
  s = testing::encrypted_info();
  s.session_id = Bytes(kMaxSessionId + 1, 1);
  EXPECT_FALSE(accepted_with(s));
  s = {};
  s.aead = 1;  // plaintext with an AEAD
  EXPECT_FALSE(accepted_with(s));
  s = {};
  s.peer_gopt = 32;
  EXPECT_FALSE(accepted_with(s));
}

TEST(ControlCodec, RequestRules) {
  EXPECT_FALSE(encode(Frame{1, false, Hello{3, 1}}));                        // min > max
  EXPECT_FALSE(encode(Frame{1, false, HelloReply{1, 50000, 40000, {}}}));    // empty range
  EXPECT_FALSE(encode(Frame{1, false, Connect{ep("198.19.0.2", 0), {}, {}, false}}));
  EXPECT_FALSE(encode(Frame{1, true, Hello{}}));  // Hello carries no fd
}

TEST(ControlCodec, RandomAndMutatedInputNeverCrash) {
  std::mt19937_64 rng(20261126);
  std::vector<Bytes> valid;
  for (const Frame& f : sample_frames()) valid.push_back(*encode(f));
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b = valid[rng() % valid.size()];
    int flips = 1 + int(rng() % 4);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] ^= uint8_t(1u << (rng() % 8));
    if (auto f = parse_frame(b)) {
      ++accepted;
      EXPECT_TRUE(encode(*f)) << "parsed but not re-encodable";
    }
    Bytes noise(rng() % 64);
    for (auto& x : noise) x = uint8_t(rng());
    (void)parse_frame(noise);
  }
  EXPECT_LT(accepted, 20000u);
}

}  // namespace
}  // namespace proto::control
