#include "proto/eno/syn_data.h"

namespace proto::eno {

bool must_discard_syn_data(const ReceivedSynData& syn) {
  if (!syn.segment_has_eno) return false;
  if (!syn.negotiated_tep) return true;                         // ENO failed or is off
  if (syn.syn_tep != syn.negotiated_tep) return true;           // SYN TEP not negotiated
  if (!syn.tep_defines_syn_data) return true;                   // TEP defines no SYN data
  return syn.conflicting_option;                                // e.g. non-empty TFO
}

bool must_abort_after_syn_data(const SentSynData& sent) {
  if (!sent.sent_syn_data) return false;
  // The peer may have cached the data even without acknowledging it.
  if (!sent.syn_ack_had_eno && !sent.unacked_data_may_survive) return true;
  const bool tep_kept = sent.negotiated_tep && sent.negotiated_tep == sent.own_syn_tep;
  return sent.data_acknowledged && !tep_kept;
}

}  // namespace proto::eno
