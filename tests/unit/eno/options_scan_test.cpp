#include "proto/eno/options_scan.h"

#include <gtest/gtest.h>

#include "test_policy.h"

namespace proto::eno {
namespace {

using testing::hex;

TEST(EnoOptionsScan, FindsEnoAmongOtherOptions) {
  // MSS, NOP, NOP, SACK-permitted, ENO, EOL, padding.
  const Bytes area = hex("020405b4010104024504212300000000");
  auto r = find_eno_options(area);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->options.size(), 1u);
  EXPECT_EQ(Bytes(r->options[0].begin(), r->options[0].end()), hex("45042123"));
  EXPECT_FALSE(r->legacy_experimental);
}

TEST(EnoOptionsScan, CountsSeveralEnoOptions) {
  // ENO-2 needs the count: two kind-69 options in one segment.
  auto r = find_eno_options(hex("450423214502"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->options.size(), 2u);
}

TEST(EnoOptionsScan, LegacyExperimentalEncodingIsReportedNotUsed) {
  // ENO-31: kind 253 with ExID 0x454E is not an ENO option here.
  auto r = find_eno_options(hex("fd05454e23"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->options.empty());
  EXPECT_TRUE(r->legacy_experimental);
  auto other = find_eno_options(hex("fd05123423"));
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->legacy_experimental);
}

TEST(EnoOptionsScan, StopsAtEndOfList) {
  auto r = find_eno_options(hex("00450421230000"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->options.empty());
}

TEST(EnoOptionsScan, MalformedAreaIsTypedError) {
  auto missing_len = find_eno_options(hex("0101020405b445"));
  ASSERT_FALSE(missing_len);
  EXPECT_EQ(missing_len.error().code, Errc::Truncated);
  auto overrun = find_eno_options(hex("450621"));
  ASSERT_FALSE(overrun);
  EXPECT_EQ(overrun.error().code, Errc::Truncated);
  auto short_len = find_eno_options(hex("4501"));
  ASSERT_FALSE(short_len);
  EXPECT_EQ(short_len.error().code, Errc::BadValue);
}

}  // namespace
}  // namespace proto::eno
