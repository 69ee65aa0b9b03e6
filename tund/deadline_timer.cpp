#include "tund/deadline_timer.h"

namespace tund {

void DeadlineTimer::arm(std::optional<proto::Instant> due) {
  const uint64_t generation = ++generation_;
  timer_.cancel();
  if (!due) return;
  timer_.expires_at(clock_.to_time_point(*due));
  timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec || generation != generation_) return;
    on_due_(clock_.now());
  });
}

}  // namespace tund
