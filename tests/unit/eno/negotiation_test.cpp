#include "proto/eno/negotiation.h"

#include <gtest/gtest.h>

#include "test_policy.h"

namespace proto::eno {
namespace {

using testing::hex;
using testing::TestPolicy;

// By value: the Outcome passed in is usually a temporary.
Negotiated expect_negotiated(const Outcome& o) {
  auto* n = std::get_if<Negotiated>(&o);
  EXPECT_NE(n, nullptr) << "disabled: "
                        << (n ? "" : disable_reason_name(std::get<Disabled>(o).reason));
  return n ? *n : Negotiated{};
}

DisableReason expect_disabled(const Outcome& o) {
  auto* d = std::get_if<Disabled>(&o);
  EXPECT_NE(d, nullptr);
  return d ? d->reason : DisableReason::ConfiguredOff;
}

TEST(EnoNegotiate, DigestExampleTranscript) {
  // ENO-23 input (§4.8): A sends 45 03 23, B answers 45 04 01 23.
  TestPolicy policy;
  const auto n = expect_negotiated(negotiate(hex("450323"), hex("45040123"), policy));
  EXPECT_EQ(n.tep, 0x23);
  EXPECT_EQ(n.tep_byte, 0x23);
  EXPECT_FALSE(n.resumption);
  EXPECT_EQ(n.transcript, hex("45032345040123"));
  EXPECT_EQ(n.option_a.global, 0x00);
  EXPECT_EQ(n.option_b.global, 0x01);
}

TEST(EnoNegotiate, TranscriptIsAThenBWhateverTheArgumentOrder) {
  // §4.8: the order is by role, not by who is local.
  TestPolicy policy;
  const auto one = negotiate(hex("45042123"), hex("45040123"), policy);
  const auto two = negotiate(hex("45040123"), hex("45042123"), policy);
  EXPECT_EQ(expect_negotiated(one).transcript, hex("4504212345040123"));
  EXPECT_EQ(expect_negotiated(two).transcript, hex("4504212345040123"));
}

TEST(EnoNegotiate, LastValidTepInBsOptionWins) {
  // §4.5: B lists in increasing preference; A's order does not matter.
  TestPolicy policy;
  EXPECT_EQ(expect_negotiated(negotiate(hex("45042321"), hex("45040123"), policy)).tep, 0x23);
  EXPECT_EQ(expect_negotiated(negotiate(hex("45042321"), hex("4505012123"), policy)).tep, 0x23);
  EXPECT_EQ(expect_negotiated(negotiate(hex("45042321"), hex("4505012321"), policy)).tep, 0x21);
  // A TEP only B offers is not valid (§4.5 rule 1): Fig. 12 shape, Z = 0x24.
  EXPECT_EQ(expect_negotiated(negotiate(hex("45042321"), hex("450601212324"), policy)).tep, 0x23);
}

TEST(EnoNegotiate, UnsupportedAndRejectedTepsAreSkipped) {
  TestPolicy policy;
  policy.supported.reset(0x23);
  EXPECT_EQ(expect_negotiated(negotiate(hex("45042123"), hex("4505012123"), policy)).tep, 0x21);
  policy.supported.reset(0x21);
  EXPECT_EQ(expect_disabled(negotiate(hex("45042123"), hex("4505012123"), policy)),
            DisableReason::NoValidTep);
}

TEST(EnoNegotiate, RepeatedTepInvalidWhenPolicySaysSo) {
  // §4.5 rule 3, vectors.md §8 item 11: A repeats 0x23, so only 0x21 is valid.
  TestPolicy policy;
  policy.reject_repeats = true;
  const auto n = expect_negotiated(negotiate(hex("4505212323"), hex("4505012123"), policy));
  EXPECT_EQ(n.tep, 0x21);
  EXPECT_EQ(policy.judged, (std::vector<uint8_t>{0x23, 0x21}));
  // Without the rule the same options negotiate 0x23.
  TestPolicy lenient;
  EXPECT_EQ(expect_negotiated(negotiate(hex("4505212323"), hex("4505012123"), lenient)).tep, 0x23);
}

TEST(EnoNegotiate, TepByteKeepsBsVBitAndResumptionComesFromTheTep) {
  // §5.1: the session ID's first byte is the TEP byte with the v bit as B sent it.
  TestPolicy policy;
  policy.accept_data = true;
  const auto fresh = expect_negotiated(negotiate(hex("4504a301"), hex("45040123"), policy));
  EXPECT_EQ(fresh.tep_byte, 0x23);
  EXPECT_FALSE(fresh.resumption);
  const auto resumed = expect_negotiated(negotiate(hex("4505a30102"), hex("450601a30304"), policy));
  EXPECT_EQ(resumed.tep_byte, 0xa3);
  EXPECT_TRUE(resumed.resumption);
}

TEST(EnoNegotiate, IllFormedOptionDisables) {
  // ENO-11: either option ill-formed.
  TestPolicy policy;
  EXPECT_EQ(expect_disabled(negotiate(hex("45048223"), hex("45040123"), policy)),
            DisableReason::MalformedOption);
  EXPECT_EQ(expect_disabled(negotiate(hex("45042123"), hex("4505018223"), policy)),
            DisableReason::MalformedOption);
  EXPECT_TRUE(policy.judged.empty());
}

TEST(EnoNegotiate, EqualBBitsDisable) {
  // §4.3: both b = 0 (e.g. a reflected option) or both b = 1.
  TestPolicy policy;
  EXPECT_EQ(expect_disabled(negotiate(hex("45042123"), hex("45042123"), policy)), DisableReason::RoleClash);
  EXPECT_EQ(expect_disabled(negotiate(hex("45040123"), hex("45040323"), policy)), DisableReason::RoleClash);
  // ENO-3: the second global suboption (b = 1) does not count.
  EXPECT_EQ(expect_disabled(negotiate(hex("4505002301"), hex("45040023"), policy)),
            DisableReason::RoleClash);
}

TEST(EnoNegotiate, VacuousOptionDisables) {
  // ENO-17: either side vacuous.
  TestPolicy policy;
  EXPECT_EQ(expect_disabled(negotiate(hex("45042123"), hex("450301"), policy)), DisableReason::VacuousOption);
  EXPECT_EQ(expect_disabled(negotiate(hex("4502"), hex("45040123"), policy)), DisableReason::VacuousOption);
}

TEST(EnoNegotiate, EnoVectorFieldsAreComputable) {
  // vectors.md §4: mode, negotiated_TEP, TEP_byte, globals and suboptions come from
  // parse_syn_option() and negotiate() with the four tcpcrypt TEPs supported.
  TestPolicy policy;
  policy.supported.reset();
  for (uint8_t t = 0x21; t <= 0x24; ++t) policy.supported.set(t);
  auto pa = parse_syn_option(hex("45090282a3d0d1d224"));
  ASSERT_TRUE(pa);
  EXPECT_EQ(pa->global, 0x02);
  EXPECT_EQ(pa->teps, (std::vector<TepSuboption>{testing::tep_v(0x23, hex("d0d1d2"), true),
                                                 testing::tep(0x24)}));
  const auto n = expect_negotiated(negotiate(hex("45090282a3d0d1d224"), hex("4505012524"), policy));
  EXPECT_EQ(n.tep, 0x24);
  EXPECT_EQ(n.tep_byte, 0x24);
}

}  // namespace
}  // namespace proto::eno
