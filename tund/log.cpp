#include "tund/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace tund {

void setup_logging(const std::string& level) {
  auto logger = spdlog::get("tund");
  if (!logger) logger = spdlog::stderr_logger_st("tund");
  logger->set_pattern("tund[%l] %v");
  spdlog::set_default_logger(logger);
  set_log_level(level);
}

void set_log_level(const std::string& level) {
  spdlog::level::level_enum l = spdlog::level::from_str(level);
  spdlog::set_level(l);
  spdlog::flush_on(spdlog::level::trace);  // stderr is unbuffered anyway; keep order with exits
}

std::optional<uint64_t> RateLimit::allow(proto::Instant now) {
  if (!window_start_ || now - *window_start_ >= interval_) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ >= burst_) {
    ++suppressed_;
    return std::nullopt;
  }
  ++in_window_;
  return std::exchange(suppressed_, 0);
}

void warn_limited(RateLimit& limit, proto::Instant now, const std::string& message) {
  auto suppressed = limit.allow(now);
  if (!suppressed) return;
  if (*suppressed == 0)
    spdlog::warn("{}", message);
  else
    spdlog::warn("{} ({} similar suppressed)", message, *suppressed);
}

}  // namespace tund
