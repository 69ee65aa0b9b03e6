// Local ports of tund's active opens, from the configured ephemeral range (packet-path §5.3:
// the kernel has the range reserved, so only tund's own connections compete for it).
// A port stays taken per local address until release() — after the connection left TIME-WAIT.
// Round-robin, so a just-released port is reused last. Plain value; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <utility>

#include "proto/ip/address.h"
#include "tund/routing/rule.h"

namespace tund::conn_table {

class PortAllocator {
 public:
  explicit PortAllocator(routing::PortRange range) : range_(range), next_(range.first) {}

  // nullopt when every port of the range is taken on `addr`.
  std::optional<uint16_t> allocate(const proto::ip::IpAddress& addr);
  // A port the client chose (connect with an explicit local port): false if it is outside
  // the range or already taken on `addr`.
  bool reserve(const proto::ip::IpAddress& addr, uint16_t port);
  void release(const proto::ip::IpAddress& addr, uint16_t port) { taken_.erase({addr, port}); }
  bool in_range(uint16_t port) const { return port >= range_.first && port <= range_.last; }

 private:
  routing::PortRange range_;
  uint16_t next_;
  std::set<std::pair<proto::ip::IpAddress, uint16_t>> taken_;
};

}  // namespace tund::conn_table
