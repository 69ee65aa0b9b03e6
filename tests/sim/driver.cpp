#include "tests/sim/driver.h"

#include <algorithm>
#include <array>

#include "proto/tcp/segment.h"

namespace sim {

using proto::tcp::FourTuple;
using proto::tcp::IpAddress;

namespace {

constexpr std::array<uint8_t, 16> kSecretA{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
constexpr std::array<uint8_t, 16> kSecretB{9, 9, 9, 9, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

IpAddress address(bool v6, uint8_t last) {
  if (v6) {
    std::array<uint8_t, 16> b{0xfd, 0x00, 0x00, 0x18};
    b[15] = last;
    return IpAddress::v6(b);
  }
  return IpAddress::v4({198, 18, 0, last});
}

}  // namespace

ByteView host_secret(bool a) { return a ? ByteView(kSecretA) : ByteView(kSecretB); }

FourTuple host_tuple(bool a, bool ipv6) {
  return a ? FourTuple{address(ipv6, 1), 40000, address(ipv6, 2), 80}
           : FourTuple{address(ipv6, 2), 80, address(ipv6, 1), 40000};
}

std::optional<Instant> earliest(std::optional<Instant> x, std::optional<Instant> y) {
  if (!x) return y;
  if (!y) return x;
  return *y < *x ? y : x;
}

Driver::Driver(const LinkParams& ab, const LinkParams& ba, bool ipv6, Instant start,
               uint64_t seed)
    : now_(start),
      ab_(ab, seed * 2 + 1),
      ba_(ba, seed * 2 + 2),
      buf_(proto::tcp::kMaxHeaderLen + 65535) {
  ab_.set_overhead(proto::tcp::ip_header_len(host_tuple(true, ipv6).local_addr));
  ba_.set_overhead(proto::tcp::ip_header_len(host_tuple(false, ipv6).local_addr));
}

std::optional<Instant> Driver::next_wakeup() const {
  return earliest(next_timeout(), earliest(ab_.next_delivery(), ba_.next_delivery()));
}

bool Driver::step() {
  flush();
  std::optional<Instant> t = next_wakeup();
  if (!t) return false;
  now_ = std::max(now_, *t);
  deliver_and_fire();
  flush();
  return true;
}

bool Driver::drive(Instant until) {
  // The step cap turns a livelock (a timer that never advances time) into a failure.
  for (int steps = 0; now_ <= until && steps < 2'000'000; ++steps) {
    if (!step()) return true;
  }
  return false;
}

void Driver::run_until(Instant t) {
  while (now_ < t) {
    flush();
    std::optional<Instant> next = next_wakeup();
    if (!next || *next > t) {
      now_ = t;
      flush();
      return;
    }
    step();
  }
}

bool Driver::run_until(const std::function<bool()>& done, Duration limit) {
  Instant end = now_ + limit;
  flush();
  for (int steps = 0; !done() && now_ < end && steps < 2'000'000; ++steps)
    if (!step()) break;
  return done();
}

}  // namespace sim
