#include "proto/eno/option.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "test_policy.h"

namespace proto::eno {
namespace {

using testing::hex;
using testing::tep;
using testing::tep_v;

TEST(EnoOptionParse, ExamplesFromDigest) {
  // tcp-eno.md §16: A offers 0x21 and 0x23 with no global suboption.
  auto a = parse_syn_option(hex("45042123"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->global, 0x00);
  EXPECT_FALSE(a->has_explicit_global);
  EXPECT_FALSE(a->b());
  EXPECT_EQ(a->teps, (std::vector<TepSuboption>{tep(0x21), tep(0x23)}));
  EXPECT_EQ(a->raw, hex("45042123"));

  // A offers 0x23 with a = 1; B picks 0x23; B picks 0x23 with a = 1.
  auto aa = parse_syn_option(hex("45040223"));
  ASSERT_TRUE(aa);
  EXPECT_TRUE(aa->a());
  EXPECT_FALSE(aa->b());
  auto b = parse_syn_option(hex("45040123"));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->b());
  EXPECT_FALSE(b->a());
  EXPECT_TRUE(b->has_explicit_global);
  auto ba = parse_syn_option(hex("45040323"));
  ASSERT_TRUE(ba);
  EXPECT_TRUE(ba->a() && ba->b());

  // Vacuous option from a passive opener.
  auto vac = parse_syn_option(hex("450301"));
  ASSERT_TRUE(vac);
  EXPECT_TRUE(vac->vacuous());
  EXPECT_TRUE(vac->b());
  EXPECT_EQ(vac->syn_tep(), std::nullopt);
}

TEST(EnoOptionParse, LengthByteSuboptionThenPlainTep) {
  // ENO-9, ENO-10: TEP 0x23 with 3 data bytes, not last, then TEP 0x24.
  auto o = parse_syn_option(hex("450882a3d0d1d224"));
  ASSERT_TRUE(o);
  ASSERT_EQ(o->teps.size(), 2u);
  EXPECT_EQ(o->teps[0], tep_v(0x23, hex("d0d1d2"), true));
  EXPECT_EQ(o->teps[0].wire_byte(), 0xa3);
  EXPECT_EQ(o->teps[1], tep(0x24));
  EXPECT_EQ(o->syn_tep(), 0x24);
}

TEST(EnoOptionParse, LastTepDataRunsToEndOfOption) {
  auto o = parse_syn_option(hex("450721a3010203"));
  ASSERT_TRUE(o);
  ASSERT_EQ(o->teps.size(), 2u);
  EXPECT_EQ(o->teps[1], tep_v(0x23, hex("010203")));
  // A v = 1 TEP as the final byte has zero data bytes (tcp-eno.md §5 corner case).
  auto empty = parse_syn_option(hex("4503a3"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->teps[0], tep_v(0x23, {}));
  // The last suboption may carry more than 32 bytes (RFC 8547 §4.4).
  Bytes long_opt{0x45, 0, 0xa3};
  long_opt.resize(40, 0x5a);
  long_opt[1] = 40;
  auto l = parse_syn_option(long_opt);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->teps[0].data.size(), 37u);
}

TEST(EnoOptionParse, OnlyFirstGlobalSuboptionCounts) {
  // ENO-3: later global suboptions are ignored, wherever they are.
  auto o = parse_syn_option(hex("4505230301"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->global, 0x03);
  EXPECT_EQ(o->teps, std::vector<TepSuboption>{tep(0x23)});
  auto p = parse_syn_option(hex("4505002301"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->global, 0x00);
  EXPECT_TRUE(p->has_explicit_global);
  EXPECT_FALSE(p->b());
}

TEST(EnoOptionParse, ZBitsIgnored) {
  // ENO-6: z bits do not change a or b.
  auto o = parse_syn_option(hex("45041d23"));
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->b());
  EXPECT_FALSE(o->a());
  auto p = parse_syn_option(hex("45041e23"));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->b());
  EXPECT_TRUE(p->a());
}

void expect_bad(const Bytes& option) {
  auto r = parse_syn_option(option);
  ASSERT_FALSE(r) << to_hex(option);
  EXPECT_EQ(r.error().code, Errc::BadEnoOption) << to_hex(option);
}

TEST(EnoOptionParse, MalformedFramingRejected) {
  expect_bad({});
  expect_bad(hex("45"));
  expect_bad(hex("44042123"));  // kind != 69
  expect_bad(hex("fd04454e"));  // legacy kind 253 is not ENO (ENO-31)
  expect_bad(hex("45052123"));  // length byte larger than the option
  expect_bad(hex("45032123"));  // length byte smaller than the option
  expect_bad(hex("4501"));
}

TEST(EnoOptionParse, MalformedLengthBytesRejected) {
  // ENO-11 / vectors.md §8 item 11: the digest's example.
  expect_bad(hex("45048223"));
  // ENO-10, ENO-11: a length byte followed by any byte in 0x00..0x9f.
  for (unsigned next = 0; next < 0xa0; ++next) expect_bad({0x45, 0x05, 0x80, uint8_t(next), 0x00});
  // A length byte as the last byte.
  expect_bad(hex("450380"));
  expect_bad(hex("45042180"));
  // ENO-11: a length byte whose data runs past the end of the option.
  expect_bad(hex("450582a3d0"));
  expect_bad(hex("45069fa3000000"));
  // Exactly fitting data is fine.
  EXPECT_TRUE(parse_syn_option(hex("450782a3d0d1d2")));
}

TEST(EnoOptionParse, AnyBytesAreSafe) {
  // Every 1- and 2-byte content, and a deterministic sweep of longer ones: either a typed
  // error or a parse whose pieces fit inside the option.
  uint32_t x = 12345;
  auto check = [](const Bytes& opt) {
    auto r = parse_syn_option(opt);
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::BadEnoOption);
      return;
    }
    size_t used = r->has_explicit_global ? 1 : 0;
    for (const auto& s : r->teps) used += 1 + s.data.size() + (s.length_byte ? 1 : 0);
    EXPECT_LE(used, opt.size() - 2);
  };
  for (unsigned c0 = 0; c0 < 256; ++c0) {
    check({0x45, 3, uint8_t(c0)});
    for (unsigned c1 = 0; c1 < 256; ++c1) check({0x45, 4, uint8_t(c0), uint8_t(c1)});
  }
  for (int n = 0; n < 20000; ++n) {
    x = x * 1103515245u + 12345u;
    Bytes opt{0x45, 0};
    const size_t len = 2 + (x >> 16) % 39;
    while (opt.size() < len) {
      x = x * 1103515245u + 12345u;
      opt.push_back(uint8_t(x >> 24));
    }
    opt[1] = uint8_t(opt.size());
    check(opt);
  }
}

TEST(EnoOptionEncode, ExamplesFromDigest) {
  EXPECT_EQ(encode_syn_option(std::nullopt, std::vector{tep(0x21), tep(0x23)}).value(), hex("45042123"));
  EXPECT_EQ(encode_syn_option(0x02, std::vector{tep(0x23)}).value(), hex("45040223"));
  EXPECT_EQ(encode_syn_option(0x01, std::vector{tep(0x23)}).value(), hex("45040123"));
  EXPECT_EQ(encode_syn_option(0x03, std::vector{tep(0x23)}).value(), hex("45040323"));
  // ENO-17: a vacuous option from a passive opener keeps b = 1.
  EXPECT_EQ(encode_syn_option(0x01, {}).value(), hex("450301"));
}

TEST(EnoOptionEncode, LengthByteForDataNotLast) {
  // ENO-9: data not last gets a length byte, whatever the caller's flag says.
  EXPECT_EQ(encode_syn_option(std::nullopt, std::vector{tep_v(0x23, hex("d0d1d2")), tep(0x24)}).value(),
            hex("450882a3d0d1d224"));
  // Last suboption: no length byte unless asked.
  EXPECT_EQ(encode_syn_option(std::nullopt, std::vector{tep(0x21), tep_v(0x23, hex("0102"))}).value(),
            hex("450621a30102"));
  EXPECT_EQ(encode_syn_option(std::nullopt, std::vector{tep_v(0x23, hex("0102"), true)}).value(),
            hex("450681a30102"));
  // A v = 1 last suboption without data is representable.
  EXPECT_EQ(encode_syn_option(std::nullopt, std::vector{tep_v(0x23, {})}).value(), hex("4503a3"));
}

TEST(EnoOptionEncode, RoundTripsThroughParse) {
  const std::vector<TepSuboption> teps{tep_v(0x21, Bytes(32, 0x11)), tep(0x22), tep_v(0x23, hex("aa"))};
  auto bytes = encode_syn_option(0x01, teps);
  ASSERT_TRUE(bytes);
  auto parsed = parse_syn_option(*bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->global, 0x01);
  EXPECT_EQ(parsed->teps[0], tep_v(0x21, Bytes(32, 0x11), true));
  EXPECT_EQ(parsed->teps[1], tep(0x22));
  EXPECT_EQ(parsed->teps[2], tep_v(0x23, hex("aa")));
}

void expect_encode_error(std::optional<uint8_t> global, std::vector<TepSuboption> teps, Errc code,
                         size_t max_len = kMaxTcpOptionSpace) {
  auto r = encode_syn_option(global, teps, max_len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code);
}

TEST(EnoOptionEncode, RejectsWhatCannotBeSent) {
  expect_encode_error(0x04, {tep(0x23)}, Errc::InvalidArgument);  // ENO-6: z bit
  expect_encode_error(0x20, {tep(0x23)}, Errc::InvalidArgument);  // not a global byte
  expect_encode_error(std::nullopt, {tep(0x1f)}, Errc::InvalidArgument);
  expect_encode_error(std::nullopt, {tep(0x80)}, Errc::InvalidArgument);
  expect_encode_error(std::nullopt, {TepSuboption{0x23, false, hex("01"), false}}, Errc::InvalidArgument);
  expect_encode_error(std::nullopt, {TepSuboption{0x23, false, {}, true}}, Errc::InvalidArgument);
  // Not last: data must be 1..32 bytes.
  expect_encode_error(std::nullopt, {tep_v(0x23, Bytes(33, 1)), tep(0x24)}, Errc::InvalidArgument);
  expect_encode_error(std::nullopt, {tep_v(0x23, {}), tep(0x24)}, Errc::InvalidArgument);
}

TEST(EnoOptionEncode, RespectsByteBudget) {
  const std::vector<TepSuboption> teps{tep(0x21), tep(0x22), tep(0x23)};
  EXPECT_TRUE(encode_syn_option(0x01, teps, 6));
  expect_encode_error(0x01, teps, Errc::TooLong, 5);
  // Never beyond the 40 bytes of TCP option space, whatever the budget.
  expect_encode_error(std::nullopt, {tep_v(0x23, Bytes(38, 1))}, Errc::TooLong, 255);
  EXPECT_TRUE(encode_syn_option(std::nullopt, std::vector{tep_v(0x23, Bytes(37, 1))}, 255));
}

TEST(EnoOptionEncode, NonSynFormIsEmpty) {
  // ENO-1: tcpcrypt gives the non-SYN form no contents.
  EXPECT_EQ(Bytes(kNonSynOption.begin(), kNonSynOption.end()), hex("4502"));
}

}  // namespace
}  // namespace proto::eno

namespace proto::eno {
namespace {

// Every global suboption is recorded in wire order (for vectors and diagnostics), while
// only the first one sets `global` (ENO-3).
TEST(EnoSynParse, RecordsEveryGlobalSuboptionInOrder) {
  auto o = parse_syn_option(*from_hex("45070021022324"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->global, 0x00);
  ASSERT_EQ(o->globals.size(), 2u);
  EXPECT_EQ(o->globals[0], (SynOption::GlobalAt{0x00, 0}));
  EXPECT_EQ(o->globals[1], (SynOption::GlobalAt{0x02, 1}));
}

}  // namespace
}  // namespace proto::eno
