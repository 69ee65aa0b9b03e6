// Congestion control interface (RFC 5681 vocabulary) and the algorithms behind it:
// NewReno (RFC 5681 + RFC 6582 recovery, run by the connection) and CUBIC (RFC 9438).
// The connection owns loss detection and recovery; an algorithm only sizes cwnd and
// ssthresh from the events below. All sizes in bytes. Single owner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "proto/common/time.h"

namespace proto::tcp {

class CongestionControl {
 public:
  virtual ~CongestionControl() = default;
  virtual uint32_t cwnd() const = 0;
  virtual uint32_t ssthresh() const = 0;
  // `acked` bytes of new data were acknowledged outside loss recovery.
  virtual void on_ack(uint32_t acked, std::optional<Duration> srtt, Instant now) = 0;
  // Fast retransmit started a recovery episode (once per episode); `flight` = FlightSize.
  virtual void on_congestion(uint32_t flight, Instant now) = 0;
  // The retransmission timer expired (RFC 5681 §3.1 eq. 4: cwnd = loss window).
  virtual void on_rto(uint32_t flight, Instant now) = 0;
  // RFC 7661-style restart is not done; path MSS changes only rescale the unit.
  virtual void on_mss_change(uint32_t mss) = 0;
};

enum class CongestionAlgorithm : uint8_t { NewReno, Cubic };

// Initial window per RFC 6928 (IW10 within the 14600-byte cap) with the given MSS.
std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm algo,
                                                           uint32_t mss);

// Shared helper: the initial window for `mss` (RFC 6928 §2).
uint32_t initial_window(uint32_t mss);

}  // namespace proto::tcp
