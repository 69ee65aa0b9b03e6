// NewReno window sizing (RFC 5681 §3.1): slow start with appropriate byte counting
// (RFC 3465, L = 2*SMSS) and byte-counting congestion avoidance.
#pragma once

#include "proto/tcp/congestion.h"

namespace proto::tcp {

class NewReno final : public CongestionControl {
 public:
  explicit NewReno(uint32_t mss);
  uint32_t cwnd() const override { return cwnd_; }
  uint32_t ssthresh() const override { return ssthresh_; }
  void on_ack(uint32_t acked, std::optional<Duration> srtt, Instant now) override;
  void on_congestion(uint32_t flight, Instant now) override;
  void on_rto(uint32_t flight, Instant now) override;
  void on_mss_change(uint32_t mss) override { mss_ = mss; }

 private:
  uint32_t mss_;
  uint32_t cwnd_;
  uint32_t ssthresh_ = UINT32_MAX;
  uint32_t acked_in_ca_ = 0;
};

}  // namespace proto::tcp
