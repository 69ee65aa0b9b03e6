#include "proto/tcp/new_reno.h"

#include <algorithm>

namespace proto::tcp {

NewReno::NewReno(uint32_t mss) : mss_(mss), cwnd_(initial_window(mss)) {}

void NewReno::on_ack(uint32_t acked, std::optional<Duration>, Instant) {
  if (cwnd_ < ssthresh_) {
    cwnd_ += std::min(acked, 2 * mss_);  // RFC 3465 §2.2, L = 2*SMSS
    return;
  }
  acked_in_ca_ += acked;  // RFC 5681 §3.1, byte counting variant of eq. (3)
  if (acked_in_ca_ >= cwnd_) {
    acked_in_ca_ -= cwnd_;
    cwnd_ += mss_;
  }
}

void NewReno::on_congestion(uint32_t flight, Instant) {
  ssthresh_ = std::max(flight / 2, 2 * mss_);  // RFC 5681 eq. (4)
  cwnd_ = ssthresh_;
  acked_in_ca_ = 0;
}

void NewReno::on_rto(uint32_t flight, Instant) {
  ssthresh_ = std::max(flight / 2, 2 * mss_);
  cwnd_ = mss_;  // loss window
  acked_in_ca_ = 0;
}

}  // namespace proto::tcp
