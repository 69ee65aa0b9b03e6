// CUBIC (RFC 9438): window growth as a cubic function of the time since the last
// congestion event, with the Reno-friendly region (§4.3), fast convergence (§4.7) and
// beta_cubic = 0.7, C = 0.4. Slow start as in NewReno.
#pragma once

#include "proto/tcp/congestion.h"

namespace proto::tcp {

class Cubic final : public CongestionControl {
 public:
  explicit Cubic(uint32_t mss);
  uint32_t cwnd() const override { return uint32_t(cwnd_); }
  uint32_t ssthresh() const override { return ssthresh_; }
  void on_ack(uint32_t acked, std::optional<Duration> srtt, Instant now) override;
  void on_congestion(uint32_t flight, Instant now) override;
  void on_rto(uint32_t flight, Instant now) override;
  void on_mss_change(uint32_t mss) override { mss_ = mss; }

 private:
  void reduce(uint32_t flight);
  double w_cubic(double t_seconds) const;  // in segments

  uint32_t mss_;
  double cwnd_;                 // bytes
  uint32_t ssthresh_ = UINT32_MAX;
  double w_max_ = 0;            // segments
  double w_est_ = 0;            // segments, Reno-friendly estimate
  double k_ = 0;                // seconds
  std::optional<Instant> epoch_start_;
};

}  // namespace proto::tcp
