#include "proto/eno/syn_data.h"

#include <gtest/gtest.h>

namespace proto::eno {
namespace {

ReceivedSynData keepable() {
  ReceivedSynData s;
  s.segment_has_eno = true;
  s.syn_tep = 0x23;
  s.negotiated_tep = 0x23;
  s.tep_defines_syn_data = true;
  return s;
}

// ENO-19: the four cases in which received SYN+ENO data is discarded.
TEST(EnoSynData, ReceiverDiscardsInEachListedCase) {
  EXPECT_FALSE(must_discard_syn_data(keepable()));
  auto failed = keepable();
  failed.negotiated_tep = std::nullopt;  // ENO failed or disabled by configuration
  EXPECT_TRUE(must_discard_syn_data(failed));
  auto other_tep = keepable();
  other_tep.negotiated_tep = 0x21;
  EXPECT_TRUE(must_discard_syn_data(other_tep));
  auto undefined = keepable();
  undefined.tep_defines_syn_data = false;  // tcpcrypt: always this case
  EXPECT_TRUE(must_discard_syn_data(undefined));
  auto tfo = keepable();
  tfo.conflicting_option = true;
  EXPECT_TRUE(must_discard_syn_data(tfo));
  auto vacuous = keepable();
  vacuous.syn_tep = std::nullopt;
  EXPECT_TRUE(must_discard_syn_data(vacuous));
}

// ENO-19 covers only SYNs that carry ENO; others follow plain TCP rules.
TEST(EnoSynData, SynWithoutEnoIsOutsideTheRule) {
  ReceivedSynData s;
  EXPECT_FALSE(must_discard_syn_data(s));
}

// ENO-20: sender-side aborts after SYN data.
TEST(EnoSynData, SenderAbortsWhenItsSynDataMayBeMisread) {
  SentSynData s;
  s.sent_syn_data = true;
  s.own_syn_tep = 0x23;
  s.negotiated_tep = 0x23;
  s.data_acknowledged = true;
  EXPECT_FALSE(must_abort_after_syn_data(s));
  auto other = s;
  other.negotiated_tep = 0x21;
  EXPECT_TRUE(must_abort_after_syn_data(other));
  auto failed = s;
  failed.negotiated_tep = std::nullopt;
  EXPECT_TRUE(must_abort_after_syn_data(failed));
  failed.data_acknowledged = false;
  EXPECT_FALSE(must_abort_after_syn_data(failed));
  // A SYN-ACK without ENO aborts even if the data was not acknowledged...
  auto no_eno = failed;
  no_eno.syn_ack_had_eno = false;
  EXPECT_TRUE(must_abort_after_syn_data(no_eno));
  // ...unless the non-default mode allows unacknowledged data to survive.
  no_eno.unacked_data_may_survive = true;
  EXPECT_FALSE(must_abort_after_syn_data(no_eno));
  no_eno.data_acknowledged = true;
  EXPECT_TRUE(must_abort_after_syn_data(no_eno));
  SentSynData none;
  none.syn_ack_had_eno = false;
  EXPECT_FALSE(must_abort_after_syn_data(none));
}

}  // namespace
}  // namespace proto::eno
