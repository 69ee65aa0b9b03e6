#include "tests/sim/link.h"

namespace sim {

bool Link::send(Bytes pkt, Instant now) {
  if (!filter_) return send_one(std::move(pkt), now);
  bool fits = true;
  for (Bytes& p : filter_(std::move(pkt))) fits = send_one(std::move(p), now) && fits;
  return fits;
}

bool Link::send_one(Bytes pkt, Instant now) {
  ++stats_.sent;
  if (down_) return true;
  size_t wire = pkt.size() + overhead_;
  if (wire > p_.mtu) {
    ++stats_.too_big;
    return false;
  }
  if (chance(p_.loss_ppm)) {
    ++stats_.lost;
    return true;
  }
  Instant depart = now;
  if (p_.rate_bytes_per_s > 0) {
    uint64_t backlog =
        busy_until_ > now ? uint64_t((busy_until_ - now).count()) * p_.rate_bytes_per_s / 1'000'000 : 0;
    if (backlog > p_.queue_packets * p_.mtu) {
      ++stats_.queue_drops;
      return true;
    }
    Instant start = busy_until_ > now ? busy_until_ : now;
    depart = start + Duration{int64_t(wire * 1'000'000 / p_.rate_bytes_per_s)};
    busy_until_ = depart;
  }
  Instant at = depart + p_.delay;
  if (chance(p_.reorder_ppm) && p_.jitter.count() > 0)
    at = at + Duration{int64_t(rng_() % uint64_t(p_.jitter.count()))};
  if (chance(p_.duplicate_ppm)) {
    ++stats_.duplicated;
    enqueue(pkt, at + Duration{int64_t(rng_() % 5000)});
  }
  enqueue(std::move(pkt), at);
  return true;
}

void Link::enqueue(Bytes pkt, Instant at) {
  if (chance(p_.corrupt_ppm) && !pkt.empty()) {  // each copy independently
    ++stats_.corrupted;
    size_t bit = rng_() % (pkt.size() * 8);
    pkt[bit / 8] ^= uint8_t(1u << (bit % 8));
  }
  queue_.push(Pending{at, next_id_++, std::move(pkt)});
}

std::optional<Bytes> Link::deliver(Instant now) {
  if (queue_.empty() || queue_.top().at > now) return std::nullopt;
  Bytes b = std::move(const_cast<Pending&>(queue_.top()).pkt);
  queue_.pop();
  return b;
}

std::optional<Instant> Link::next_delivery() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.top().at;
}

}  // namespace sim
