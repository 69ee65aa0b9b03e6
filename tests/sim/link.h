// One direction of a simulated network path, deterministic for a given seed: loss,
// duplication, corruption (a flipped bit), delay with jitter (which reorders), and an
// optional bottleneck rate with a drop-tail queue.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <random>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/time.h"

namespace sim {

using proto::Bytes;
using proto::ByteView;
using proto::Duration;
using proto::Instant;

struct LinkParams {
  uint32_t loss_ppm = 0;
  uint32_t duplicate_ppm = 0;
  uint32_t corrupt_ppm = 0;
  uint32_t reorder_ppm = 0;        // packets that get an extra random delay up to `jitter`
  Duration delay{std::chrono::milliseconds(10)};
  Duration jitter{std::chrono::milliseconds(10)};
  uint64_t rate_bytes_per_s = 0;   // 0: unlimited
  size_t queue_packets = 100;      // with a rate: drop-tail queue of this many MTUs
  size_t mtu = 1500;               // bigger packets are dropped (counted)
};

struct LinkStats {
  uint64_t sent = 0, lost = 0, duplicated = 0, corrupted = 0, queue_drops = 0, too_big = 0;
};

class Link {
 public:
  Link(const LinkParams& p, uint64_t seed) : p_(p), rng_(seed) {}

  // Returns false if the packet was dropped for exceeding the MTU (the caller plays
  // ICMP "packet too big").
  bool send(Bytes pkt, Instant now);
  // A middlebox on the path: each sent packet goes through it first and is replaced by
  // what it returns (nothing: dropped; several: split or released packets), before loss,
  // delay and the other impairments.
  using Filter = std::function<std::vector<Bytes>(Bytes pkt)>;
  void set_filter(Filter f) { filter_ = std::move(f); }
  size_t mtu() const { return p_.mtu; }
  std::optional<Bytes> deliver(Instant now);
  std::optional<Instant> next_delivery() const;
  const LinkStats& stats() const { return stats_; }
  void set_params(const LinkParams& p) { p_ = p; }
  // Header bytes (IP) counted against the MTU and the rate but not carried or corrupted.
  void set_overhead(size_t bytes) { overhead_ = bytes; }
  // Drops everything in flight and everything sent until restored (peer "vanishes").
  void set_down(bool down) {
    down_ = down;
    if (down) queue_ = {};
  }

 private:
  struct Pending {
    Instant at;
    uint64_t id;
    Bytes pkt;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : id > o.id; }
  };
  bool chance(uint32_t ppm) { return ppm > 0 && rng_() % 1'000'000 < ppm; }
  void enqueue(Bytes pkt, Instant at);
  bool send_one(Bytes pkt, Instant now);

  LinkParams p_;
  std::mt19937_64 rng_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
  uint64_t next_id_ = 0;
  Instant busy_until_{};
  bool down_ = false;
  size_t overhead_ = 0;
  Filter filter_;
  LinkStats stats_;
};

}  // namespace sim
