#include "proto/eno/negotiator.h"

#include <gtest/gtest.h>

#include "test_policy.h"

namespace proto::eno {
namespace {

using testing::hex;
using testing::tep;
using testing::TestPolicy;

constexpr SegmentFlags kSyn{true, false};
constexpr SegmentFlags kSynAck{true, true};
constexpr SegmentFlags kAck{false, true};

NegotiatorConfig config(std::vector<TepSuboption> offer = {}) {
  NegotiatorConfig c;
  c.randomness_ready = true;
  c.offer = std::move(offer);
  return c;
}

struct Host {
  Host(Opener opener, NegotiatorConfig c) : eno(opener, std::move(c), policy) {}
  TestPolicy policy;  // declared first: outlives eno's use of it
  Negotiator eno;
};

// The option `h` puts in its next segment (empty: none).
Bytes poll(Host& h, SegmentFlags flags) {
  auto option = h.eno.option_for_next_segment(flags);
  return option ? Bytes(option->begin(), option->end()) : Bytes{};
}

// One segment from `from` to `to`; `strip` removes its ENO option in transit. Returns
// the option the sender put in (empty: none).
Bytes send(Host& from, Host& to, SegmentFlags flags, bool strip = false) {
  const Bytes sent = poll(from, flags);
  std::vector<ByteView> seen;
  if (!sent.empty() && !strip) seen.push_back(sent);
  to.eno.on_segment_received(flags, seen);
  return sent;
}

// Simultaneous open: both hosts emit their segment before either receives the other's.
std::pair<Bytes, Bytes> cross(Host& x, Host& y, SegmentFlags flags) {
  const Bytes from_x = poll(x, flags);
  const Bytes from_y = poll(y, flags);
  auto deliver = [flags](Host& to, const Bytes& option) {
    std::vector<ByteView> seen;
    if (!option.empty()) seen.push_back(option);
    to.eno.on_segment_received(flags, seen);
  };
  deliver(y, from_x);
  deliver(x, from_y);
  return {from_x, from_y};
}

void expect_disabled(const Host& h, DisableReason reason) {
  EXPECT_EQ(h.eno.state(), NegotiationState::Disabled);
  EXPECT_EQ(h.eno.disable_reason(), reason);
  EXPECT_EQ(h.eno.negotiated(), nullptr);
}

// Fig. 9 with bytes: A offers X = 0x21, Y = 0x23; B picks Y.
TEST(EnoHandshake, SuccessfulThreeWayHandshake) {
  Host a(Opener::Active, config({tep(0x21), tep(0x23)}));
  Host b(Opener::Passive, config());
  EXPECT_EQ(send(a, b, kSyn), hex("45042123"));
  EXPECT_EQ(b.eno.state(), NegotiationState::Pending);
  // ENO-7, ENO-12: explicit global with b = 1, a single valid TEP.
  EXPECT_EQ(send(b, a, kSynAck), hex("45040123"));
  EXPECT_EQ(a.eno.state(), NegotiationState::Pending);
  // ENO-13: the third segment carries the non-SYN form; ENO-1: empty contents.
  EXPECT_EQ(send(a, b, kAck), hex("4502"));
  // ENO-16: enabled after sending and receiving an ACK segment with ENO.
  ASSERT_EQ(a.eno.state(), NegotiationState::Enabled);
  ASSERT_EQ(b.eno.state(), NegotiationState::Enabled);
  for (const Host* h : {&a, &b}) {
    ASSERT_NE(h->eno.negotiated(), nullptr);
    EXPECT_EQ(h->eno.negotiated()->tep, 0x23);
    EXPECT_EQ(h->eno.negotiated()->tep_byte, 0x23);
    // §4.8: A's option then B's, the same bytes at both ends.
    EXPECT_EQ(h->eno.negotiated()->transcript, hex("4504212345040123"));
  }
  EXPECT_EQ(a.eno.local_role(), Role::A);
  EXPECT_EQ(b.eno.local_role(), Role::B);
  // ENO-13: A keeps sending `45 02` until it receives a non-SYN segment; B, which has,
  // sends none.
  EXPECT_EQ(send(a, b, kAck), hex("4502"));
  EXPECT_EQ(send(b, a, kAck), Bytes{});
  EXPECT_EQ(send(a, b, kAck), Bytes{});
  EXPECT_EQ(a.eno.state(), NegotiationState::Enabled);
  EXPECT_EQ(b.eno.state(), NegotiationState::Enabled);
}

// ENO-16, ENO-13: the third ACK is lost; A's next data segment still carries ENO and
// B, for whom that is the first ACK received, enables encryption on it.
TEST(EnoHandshake, LostThirdAckRecoveredByNextSegment) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  send(b, a, kSynAck);
  ASSERT_TRUE(a.eno.option_for_next_segment(kAck));  // lost
  EXPECT_EQ(a.eno.state(), NegotiationState::Enabled);
  EXPECT_EQ(b.eno.state(), NegotiationState::Pending);
  EXPECT_EQ(send(a, b, kAck), hex("4502"));
  EXPECT_EQ(b.eno.state(), NegotiationState::Enabled);
}

// Fig. 10: B does not speak ENO; its SYN-ACK has none (ENO-14).
TEST(EnoHandshake, SynAckWithoutEnoDisables) {
  Host a(Opener::Active, config({tep(0x21), tep(0x23)}));
  EXPECT_EQ(poll(a, kSyn), hex("45042123"));
  a.eno.on_segment_received(kSynAck, {});
  expect_disabled(a, DisableReason::MissingOption);
  EXPECT_FALSE(a.eno.option_for_next_segment(kAck));
  EXPECT_FALSE(a.eno.option_for_next_segment(kSyn));
}

// Fig. 10 case 2: B supports neither TEP, so it disables and sends no ENO; then A too.
TEST(EnoHandshake, PassiveWithoutCommonTepSendsNoOption) {
  Host a(Opener::Active, config({tep(0x21), tep(0x23)}));
  Host b(Opener::Passive, config());
  b.policy.supported.reset();
  send(a, b, kSyn);
  expect_disabled(b, DisableReason::NoValidTep);
  EXPECT_EQ(send(b, a, kSynAck), Bytes{});
  expect_disabled(a, DisableReason::MissingOption);
  EXPECT_EQ(send(a, b, kAck), Bytes{});
}

// Fig. 10 case 3, ENO-5: B in mandatory application-aware mode, A sent a = 0.
TEST(EnoHandshake, MandatoryAppAwarePassiveDisablesWithoutPeerA) {
  Host a(Opener::Active, config({tep(0x23)}));
  auto c = config();
  c.app_aware_mandatory = true;
  Host b(Opener::Passive, c);
  send(a, b, kSyn);
  expect_disabled(b, DisableReason::PeerNotAppAware);
  EXPECT_EQ(b.eno.peer_global(), 0x00);
  EXPECT_EQ(send(b, a, kSynAck), Bytes{});
  expect_disabled(a, DisableReason::MissingOption);
}

// ENO-5: a defaults to 0, can be set, and the peer's value is readable; mandatory mode
// succeeds when the peer sent a = 1.
TEST(EnoHandshake, AppAwareBitsSetAndRead) {
  auto ca = config({tep(0x23)});
  ca.app_aware = true;
  Host a(Opener::Active, ca);
  auto cb = config();
  cb.app_aware = true;
  cb.app_aware_mandatory = true;
  Host b(Opener::Passive, cb);
  EXPECT_EQ(send(a, b, kSyn), hex("45040223"));
  EXPECT_EQ(send(b, a, kSynAck), hex("45040323"));
  send(a, b, kAck);
  EXPECT_EQ(a.eno.state(), NegotiationState::Enabled);
  EXPECT_EQ(b.eno.state(), NegotiationState::Enabled);
  EXPECT_EQ(a.eno.local_global(), 0x02);
  EXPECT_EQ(a.eno.peer_global(), 0x03);
  EXPECT_EQ(b.eno.peer_global(), 0x02);
  Host d(Opener::Active, config({tep(0x23)}));
  EXPECT_EQ(d.eno.local_global(), 0x00);  // ENO-4, ENO-5 defaults
}

// ENO-5: mandatory application-aware mode on the active side.
TEST(EnoHandshake, MandatoryAppAwareActiveDisablesWithoutPeerA) {
  auto ca = config({tep(0x23)});
  ca.app_aware_mandatory = true;
  Host a(Opener::Active, ca);
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  send(b, a, kSynAck);
  expect_disabled(a, DisableReason::PeerNotAppAware);
  EXPECT_EQ(send(a, b, kAck), Bytes{});  // ENO-14
  expect_disabled(b, DisableReason::MissingOption);
}

// Fig. 10 case 4, ENO-17: the SYN's ENO is stripped; B may not answer with ENO at all,
// not even a vacuous option.
TEST(EnoHandshake, StrippedSynGetsNoEnoInReply) {
  Host a(Opener::Active, config({tep(0x23)}));
  auto cb = config();
  cb.vacuous_reply = true;
  Host b(Opener::Passive, cb);
  send(a, b, kSyn, /*strip=*/true);
  expect_disabled(b, DisableReason::MissingOption);
  EXPECT_EQ(send(b, a, kSynAck), Bytes{});
  expect_disabled(a, DisableReason::MissingOption);
}

// ENO-17: with vacuous replies configured, a passive opener that got ENO but has no
// valid TEP answers `45 03 01` (b = 1), identical on retransmission; A then falls back.
TEST(EnoHandshake, VacuousReplyOnlyAfterEnoSyn) {
  Host a(Opener::Active, config({tep(0x23)}));
  auto cb = config();
  cb.vacuous_reply = true;
  Host b(Opener::Passive, cb);
  b.policy.supported.reset();
  send(a, b, kSyn);
  expect_disabled(b, DisableReason::NoValidTep);
  EXPECT_EQ(send(b, a, kSynAck), hex("450301"));
  EXPECT_EQ(send(b, a, kSynAck), hex("450301"));
  expect_disabled(a, DisableReason::VacuousOption);
  EXPECT_EQ(send(a, b, kAck), Bytes{});
  EXPECT_EQ(b.eno.option_for_next_segment(kAck), std::nullopt);

  // Configured off: vacuous only in answer to a well-formed ENO SYN.
  cb.enabled = false;
  Host off(Opener::Passive, cb);
  EXPECT_EQ(off.eno.option_for_next_segment(kSynAck), std::nullopt);
  Host a2(Opener::Active, config({tep(0x23)}));
  send(a2, off, kSyn);
  EXPECT_EQ(send(off, a2, kSynAck), hex("450301"));
  expect_disabled(off, DisableReason::ConfiguredOff);
}

// Fig. 11: the SYN-ACK's ENO is stripped on the way back; A sends its ACK without ENO
// and B falls back too.
TEST(EnoHandshake, SynAckStrippedOnTheWayBack) {
  Host a(Opener::Active, config({tep(0x21), tep(0x23)}));
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  EXPECT_EQ(send(b, a, kSynAck, /*strip=*/true), hex("45040123"));
  expect_disabled(a, DisableReason::MissingOption);
  EXPECT_EQ(send(a, b, kAck), Bytes{});
  expect_disabled(b, DisableReason::MissingOption);
}

// ENO-14, §4.6 rule 1: the third ACK loses its ENO option. B falls back; A has already
// enabled encryption (a type-2 failure the RFC accepts, tcp-eno.md §9).
TEST(EnoHandshake, ThirdAckStrippedDisablesPassiveSide) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  send(b, a, kSynAck);
  send(a, b, kAck, /*strip=*/true);
  EXPECT_EQ(a.eno.state(), NegotiationState::Enabled);
  expect_disabled(b, DisableReason::MissingOption);
  // A later segment with ENO does not re-enable B (fallback is final).
  send(a, b, kAck);
  expect_disabled(b, DisableReason::MissingOption);
  EXPECT_EQ(send(b, a, kAck), Bytes{});
}

// Fig. 12: simultaneous open, B set b = 1 beforehand (ENO-4). Each SYN-ACK repeats that
// host's SYN option (ENO-15); the last valid TEP in B's list is Y = 0x23 (Z = 0x24 is
// not offered by A).
TEST(EnoHandshake, SimultaneousOpenWithOneSideB) {
  Host a(Opener::Active, config({tep(0x23), tep(0x21)}));
  auto cb = config({tep(0x21), tep(0x23), tep(0x24)});
  cb.passive_role_bit = true;
  Host b(Opener::Active, cb);
  const auto [a_syn, b_syn] = cross(a, b, kSyn);
  EXPECT_EQ(a_syn, hex("45042321"));
  EXPECT_EQ(b_syn, hex("450601212324"));
  EXPECT_EQ(cross(a, b, kSynAck), std::pair(a_syn, b_syn));
  ASSERT_EQ(a.eno.state(), NegotiationState::Enabled);
  ASSERT_EQ(b.eno.state(), NegotiationState::Enabled);
  EXPECT_EQ(a.eno.local_role(), Role::A);
  EXPECT_EQ(b.eno.local_role(), Role::B);
  for (const Host* h : {&a, &b}) {
    EXPECT_EQ(h->eno.negotiated()->tep, 0x23);
    EXPECT_EQ(h->eno.negotiated()->transcript, concat({a_syn, b_syn}));
  }
}

// §4.3: simultaneous open where both kept b = 0, or both set b = 1, falls back; the
// SYN-ACKs then carry no ENO (§4.6 exception 2).
TEST(EnoHandshake, SimultaneousOpenRoleClash) {
  for (bool b_bit : {false, true}) {
    auto c = config({tep(0x23)});
    c.passive_role_bit = b_bit;
    Host x(Opener::Active, c);
    Host y(Opener::Active, c);
    const auto syns = cross(x, y, kSyn);
    EXPECT_FALSE(syns.first.empty());
    EXPECT_EQ(syns.first, syns.second);
    expect_disabled(x, DisableReason::RoleClash);
    expect_disabled(y, DisableReason::RoleClash);
    EXPECT_EQ(cross(x, y, kSynAck), std::pair(Bytes{}, Bytes{}));
  }
}

// §4.3: an active opener with b = 1 meets a passive opener (always b = 1).
TEST(EnoHandshake, ActiveWithBBitAgainstPassiveFails) {
  auto ca = config({tep(0x23)});
  ca.passive_role_bit = true;
  Host a(Opener::Active, ca);
  Host b(Opener::Passive, config());
  EXPECT_EQ(send(a, b, kSyn), hex("45040123"));  // ENO-4: API to set b = 1
  expect_disabled(b, DisableReason::RoleClash);
  EXPECT_EQ(send(b, a, kSynAck), Bytes{});
  expect_disabled(a, DisableReason::MissingOption);
}

// §8.1: a middlebox reflecting A's SYN option back gives both b = 0.
TEST(EnoHandshake, ReflectedOptionFails) {
  Host a(Opener::Active, config({tep(0x23)}));
  const Bytes syn = poll(a, kSyn);
  const std::vector<ByteView> reflected{syn};
  a.eno.on_segment_received(kSynAck, reflected);
  expect_disabled(a, DisableReason::RoleClash);
}

// ENO-15: the SYN-form option is identical on every retransmission, SYN and SYN-ACK.
TEST(EnoHandshake, RetransmittedSynOptionsIdentical) {
  Host a(Opener::Active, config({tep(0x21), testing::tep_v(0x23, hex("0102"))}));
  Host b(Opener::Passive, config());
  a.policy.accept_data = true;
  b.policy.accept_data = true;
  const Bytes first = send(a, b, kSyn);
  EXPECT_EQ(send(a, b, kSyn), first);
  EXPECT_EQ(send(a, b, kSyn), first);
  const Bytes reply = send(b, a, kSynAck);
  EXPECT_EQ(send(b, a, kSynAck), reply);
  EXPECT_EQ(a.eno.state(), NegotiationState::Pending);
  EXPECT_EQ(b.eno.state(), NegotiationState::Pending);
}

// ENO-15 (receiver side): a retransmitted SYN with a different option disables.
TEST(EnoHandshake, ChangedPeerSynOptionDisables) {
  Host b(Opener::Passive, config());
  const Bytes one = hex("45042123");
  const Bytes two = hex("45042321");
  b.eno.on_segment_received(kSyn, std::vector<ByteView>{one});
  EXPECT_EQ(b.eno.state(), NegotiationState::Pending);
  b.eno.on_segment_received(kSyn, std::vector<ByteView>{two});
  expect_disabled(b, DisableReason::SynOptionChanged);
}

// §4.6 exception 1: an active opener may drop ENO between SYN retransmissions.
TEST(EnoHandshake, ActiveOpenerMayDropEnoOnRetransmission) {
  Host a(Opener::Active, config({tep(0x23)}));
  EXPECT_TRUE(a.eno.option_for_next_segment(kSyn));
  a.eno.on_local_disable();
  expect_disabled(a, DisableReason::LocalDisable);
  EXPECT_FALSE(a.eno.option_for_next_segment(kSyn));
}

// ENO-16: once enabled, a local disable cannot turn encryption off (found by
// fuzz_eno_negotiation: it used to move Enabled to Disabled).
TEST(EnoHandshake, LocalDisableAfterEnabledIsIgnored) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  send(b, a, kSynAck);
  send(a, b, kAck);
  ASSERT_EQ(a.eno.state(), NegotiationState::Enabled);
  a.eno.on_local_disable();
  EXPECT_EQ(a.eno.state(), NegotiationState::Enabled);
  EXPECT_FALSE(a.eno.disable_reason().has_value());
  ASSERT_NE(a.eno.negotiated(), nullptr);
  EXPECT_EQ(a.eno.negotiated()->tep, 0x23);
}

// ENO-2: two ENO options in a SYN count as none, and disable.
TEST(EnoHandshake, TwoEnoOptionsInSynDisable) {
  Host b(Opener::Passive, config());
  const Bytes one = hex("45042123");
  b.eno.on_segment_received(kSyn, std::vector<ByteView>{one, one});
  expect_disabled(b, DisableReason::MultipleSynOptions);
  EXPECT_FALSE(b.eno.option_for_next_segment(kSynAck));
}

// ENO-1 / §4.1: several ENO options in a non-SYN segment count as one, and their
// contents are ignored.
TEST(EnoHandshake, NonSynContentsIgnored) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  send(a, b, kSyn);
  send(b, a, kSynAck);
  ASSERT_TRUE(a.eno.option_for_next_segment(kAck));
  const Bytes odd = hex("4505aabbcc");
  const Bytes bare = hex("4502");
  b.eno.on_segment_received(kAck, std::vector<ByteView>{odd, bare});
  EXPECT_EQ(b.eno.state(), NegotiationState::Enabled);
}

// ENO-11, ENO-14: a malformed SYN option disables; B answers without ENO.
TEST(EnoHandshake, MalformedSynOptionDisables) {
  auto cb = config();
  cb.vacuous_reply = true;  // even then: the option is ignored, as if absent
  Host b(Opener::Passive, cb);
  const Bytes bad = hex("45048223");
  b.eno.on_segment_received(kSyn, std::vector<ByteView>{bad});
  expect_disabled(b, DisableReason::MalformedOption);
  EXPECT_FALSE(b.eno.option_for_next_segment(kSynAck));
  EXPECT_EQ(b.eno.peer_global(), std::nullopt);
}

// ENO-14: a malformed SYN-ACK option disables the active opener.
TEST(EnoHandshake, MalformedSynAckOptionDisables) {
  Host a(Opener::Active, config({tep(0x23)}));
  a.eno.option_for_next_segment(kSyn);
  const Bytes bad = hex("45050182a3");
  a.eno.on_segment_received(kSynAck, std::vector<ByteView>{bad});
  expect_disabled(a, DisableReason::MalformedOption);
  EXPECT_FALSE(a.eno.option_for_next_segment(kAck));
}

// ENO-14: B's SYN-ACK names a TEP that the TEP rules reject -> no valid TEP.
TEST(EnoHandshake, InvalidTepInReplyDisables) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  b.policy.reply_override = std::vector{tep(0x21)};  // A never offered it
  send(a, b, kSyn);
  expect_disabled(b, DisableReason::NoValidTep);
  EXPECT_EQ(send(b, a, kSynAck), Bytes{});
}

// ENO-28: no ENO option at all without a good randomness source; configured off, none.
TEST(EnoHandshake, NoOptionWithoutRandomnessOrWhenOff) {
  auto c = config({tep(0x23)});
  c.randomness_ready = false;
  c.vacuous_reply = true;
  Host a(Opener::Active, c);
  expect_disabled(a, DisableReason::NoRandomness);
  EXPECT_FALSE(a.eno.option_for_next_segment(kSyn));
  Host b(Opener::Passive, c);
  const Bytes syn = hex("45040023");
  b.eno.on_segment_received(kSyn, std::vector<ByteView>{syn});
  EXPECT_FALSE(b.eno.option_for_next_segment(kSynAck));
  auto off = config({tep(0x23)});
  off.enabled = false;
  Host d(Opener::Active, off);
  expect_disabled(d, DisableReason::ConfiguredOff);
  EXPECT_FALSE(d.eno.option_for_next_segment(kSyn));
}

// An offer that does not fit the option space left by other TCP options disables ENO
// rather than sending a truncated option.
TEST(EnoHandshake, OfferLargerThanBudgetDisables) {
  auto c = config({tep(0x21), tep(0x22), tep(0x23)});
  c.option_budget = 4;
  Host a(Opener::Active, c);
  expect_disabled(a, DisableReason::OptionTooLong);
  EXPECT_FALSE(a.eno.option_for_next_segment(kSyn));
  auto bad = config({TepSuboption{0x10, false, {}, false}});
  Host x(Opener::Active, bad);
  expect_disabled(x, DisableReason::InvalidLocalOption);
}

// ENO-31: every option this layer emits is kind 69, never 253.
TEST(EnoHandshake, OnlyKind69Emitted) {
  Host a(Opener::Active, config({tep(0x23)}));
  Host b(Opener::Passive, config());
  for (const Bytes& o : {send(a, b, kSyn), send(b, a, kSynAck), send(a, b, kAck)}) {
    ASSERT_FALSE(o.empty());
    EXPECT_EQ(o[0], kEnoKind);
  }
}

// ENO-21: SYN data is off.
TEST(EnoHandshake, SynDataDisallowed) { EXPECT_FALSE(Negotiator::syn_data_allowed()); }

}  // namespace
}  // namespace proto::eno
