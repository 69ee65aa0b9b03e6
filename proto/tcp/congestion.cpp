#include "proto/tcp/congestion.h"

#include <algorithm>

#include "proto/tcp/cubic.h"
#include "proto/tcp/new_reno.h"

namespace proto::tcp {

uint32_t initial_window(uint32_t mss) {
  return std::min(10 * mss, std::max(2 * mss, 14600u));
}

std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm algo,
                                                           uint32_t mss) {
  if (algo == CongestionAlgorithm::NewReno) return std::make_unique<NewReno>(mss);
  return std::make_unique<Cubic>(mss);
}

}  // namespace proto::tcp
