#include "proto/tcp/cubic.h"

#include <algorithm>
#include <cmath>


namespace proto::tcp {
namespace {
constexpr double kBeta = 0.7;  // RFC 9438 §4.6
constexpr double kC = 0.4;     // RFC 9438 §5
constexpr double kAlpha = 3.0 * (1.0 - kBeta) / (1.0 + kBeta);  // §4.3
}  // namespace

Cubic::Cubic(uint32_t mss) : mss_(mss), cwnd_(initial_window(mss)) {}

double Cubic::w_cubic(double t) const {  // §4.2 eq. (1)
  double d = t - k_;
  return kC * d * d * d + w_max_;
}

void Cubic::on_ack(uint32_t acked, std::optional<Duration> srtt, Instant now) {
  double mss = mss_;
  if (cwnd_ < ssthresh_) {
    cwnd_ += std::min<double>(acked, 2 * mss);
    return;
  }
  double cwnd_seg = cwnd_ / mss;
  if (!epoch_start_) {  // §4.2: first ACK of a congestion-avoidance epoch
    epoch_start_ = now;
    if (cwnd_seg < w_max_) {
      k_ = std::cbrt((w_max_ - cwnd_seg) / kC);
    } else {
      k_ = 0;
      w_max_ = cwnd_seg;
    }
    w_est_ = cwnd_seg;
  }
  double rtt = srtt ? double(srtt->count()) / 1e6 : 0.1;
  double t = double((now - *epoch_start_).count()) / 1e6;
  // §4.2: target is W_cubic(t + RTT), bounded to [cwnd, 1.5 cwnd].
  double target = std::clamp(w_cubic(t + rtt), cwnd_seg, 1.5 * cwnd_seg);
  double acked_seg = double(acked) / mss;
  w_est_ += kAlpha * acked_seg / cwnd_seg;  // §4.3
  double next;
  if (w_cubic(t) < w_est_) {
    next = w_est_;  // Reno-friendly region
  } else {
    next = cwnd_seg + (target - cwnd_seg) / cwnd_seg * acked_seg;  // §4.4, §4.5
  }
  cwnd_ = std::max(cwnd_, next * mss);
}

void Cubic::reduce(uint32_t flight) {
  double cwnd_seg = cwnd_ / mss_;
  // §4.7 fast convergence.
  w_max_ = cwnd_seg < w_max_ ? cwnd_seg * (1.0 + kBeta) / 2.0 : cwnd_seg;
  double base = std::min<double>(cwnd_, std::max<double>(flight, mss_));
  ssthresh_ = std::max(uint32_t(base * kBeta), 2 * mss_);  // §4.6
  k_ = std::cbrt(std::max(0.0, w_max_ - double(ssthresh_) / mss_) / kC);
  epoch_start_.reset();
}

void Cubic::on_congestion(uint32_t flight, Instant) {
  reduce(flight);
  cwnd_ = ssthresh_;
}

void Cubic::on_rto(uint32_t flight, Instant) {
  reduce(flight);
  cwnd_ = mss_;  // §4.8
}

}  // namespace proto::tcp
