// tund's logging: one spdlog logger ("tund") writing to stderr (journald adds time and unit
// when run as a service, so the pattern stays short), and a limiter against log storms.
//
// Threading: tund is single-threaded; the logger is the synchronous single-threaded sink.
// A packet flood must never become a log flood: per-packet conditions are counted in stats
// and logged through a RateLimit, which lets `burst` messages through per `interval` and
// reports how many it swallowed since the last one it let through.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <optional>
#include <string>

#include "proto/common/time.h"

namespace tund {

// Creates the "tund" logger (idempotent) at `level` (a name is_log_level() accepts) and
// makes it spdlog's default, so spdlog::info(...) etc. go to it.
void setup_logging(const std::string& level);
// Changes the level of the running logger (SIGHUP reload).
void set_log_level(const std::string& level);

class RateLimit {
 public:
  explicit RateLimit(proto::Duration interval = std::chrono::seconds(10), uint32_t burst = 5)
      : interval_(interval), burst_(burst) {}

  // nullopt: stay quiet. Otherwise log, mentioning the returned number of messages that were
  // suppressed since the previous allowed one (0 most of the time).
  std::optional<uint64_t> allow(proto::Instant now);

 private:
  proto::Duration interval_;
  uint32_t burst_;
  std::optional<proto::Instant> window_start_;
  uint32_t in_window_ = 0;
  uint64_t suppressed_ = 0;
};

// Logs `message` at warn level through `limit`, appending "(N similar suppressed)" when some
// were swallowed.
void warn_limited(RateLimit& limit, proto::Instant now, const std::string& message);

}  // namespace tund
