#include "tund/conn_table/port_allocator.h"

namespace tund::conn_table {

std::optional<uint16_t> PortAllocator::allocate(const proto::ip::IpAddress& addr) {
  const uint32_t span = uint32_t(range_.last) - range_.first + 1;
  for (uint32_t i = 0; i < span; ++i) {
    uint16_t port = next_;
    next_ = port == range_.last ? range_.first : uint16_t(port + 1);
    if (taken_.insert({addr, port}).second) return port;
  }
  return std::nullopt;
}

bool PortAllocator::reserve(const proto::ip::IpAddress& addr, uint16_t port) {
  return in_range(port) && taken_.insert({addr, port}).second;
}

}  // namespace tund::conn_table
