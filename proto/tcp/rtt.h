// Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing (§2), a lower bound (200 ms
// by default, below the RFC's conservative 1 s, as Linux does), exponential backoff (§5.5)
// and an upper bound of at least 60 s (§2.5). Single owner.
#pragma once

#include <optional>

#include "proto/common/time.h"

namespace proto::tcp {

struct RtoConfig {
  Duration initial{std::chrono::seconds(1)};  // RFC 6298 §2.1
  Duration min{std::chrono::milliseconds(200)};
  Duration max{std::chrono::seconds(60)};
  Duration granularity{std::chrono::milliseconds(1)};  // G
};

class RttEstimator {
 public:
  explicit RttEstimator(const RtoConfig& cfg) : cfg_(cfg) {}

  // A new RTT measurement R (§2.2, §2.3). Clears the backoff (§5.7 of RFC 6298 and
  // Karn's algorithm: callers only sample segments that were not retransmitted).
  void on_sample(Duration r);
  // §5.5: the timer expired; double the RTO up to max.
  void backoff() { backoff_ = backoff_ < 16 ? backoff_ + 1 : backoff_; }
  void reset_backoff() { backoff_ = 0; }
  // §5.7: after a SYN timed out, use 3 s once data transfer begins if no sample exists.
  void on_syn_timeout_recovered();

  Duration rto() const;
  std::optional<Duration> srtt() const { return srtt_; }
  Duration rttvar() const { return rttvar_; }
  unsigned backoff_count() const { return backoff_; }

 private:
  RtoConfig cfg_;
  std::optional<Duration> srtt_;
  Duration rttvar_{};
  Duration base_rto_{cfg_.initial};
  unsigned backoff_ = 0;
};

}  // namespace proto::tcp
