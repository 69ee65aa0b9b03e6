#include "proto/tcp/rtt.h"

#include <algorithm>

namespace proto::tcp {

void RttEstimator::on_sample(Duration r) {
  if (r < Duration{0}) return;
  if (!srtt_) {
    srtt_ = r;  // (2.2)
    rttvar_ = r / 2;
  } else {  // (2.3): beta = 1/4, alpha = 1/8
    Duration delta = *srtt_ > r ? *srtt_ - r : r - *srtt_;
    rttvar_ = (3 * rttvar_ + delta) / 4;
    srtt_ = (7 * *srtt_ + r) / 8;
  }
  base_rto_ = *srtt_ + std::max(cfg_.granularity, 4 * rttvar_);
  backoff_ = 0;
}

void RttEstimator::on_syn_timeout_recovered() {
  if (!srtt_) base_rto_ = std::chrono::seconds(3);
}

Duration RttEstimator::rto() const {
  Duration r = std::clamp(base_rto_, cfg_.min, cfg_.max);  // (2.4), (2.5)
  for (unsigned i = 0; i < backoff_ && r < cfg_.max; ++i) r *= 2;
  return std::min(r, cfg_.max);
}

}  // namespace proto::tcp
