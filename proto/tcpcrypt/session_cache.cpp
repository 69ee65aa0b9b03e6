#include "proto/tcpcrypt/session_cache.h"

#include <algorithm>

namespace proto::tcpcrypt {

namespace {

bool same_peer(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

Status SessionCache::set_secret(Entry& e, SecretBytes ss, uint64_t index) {
  auto id = resume_id(ss.view());
  if (!id) return tl::unexpected(id.error());
  e.my_half = resume_half(*id, e.was_a);
  e.peer_half = resume_half(*id, !e.was_a);
  e.ss = std::move(ss);
  e.index = index;
  return {};
}

Result<uint64_t> SessionCache::insert(ByteView peer, CacheSeed seed, Instant now) {
  if (seed.ss.size() != kKLen) return fail(Errc::InvalidArgument, "session secret length");
  expire(now);
  if (cfg_.max_entries == 0) return fail(Errc::InvalidState, "cache disabled");
  if (entries_.size() >= cfg_.max_entries) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const Entry& a, const Entry& b) { return a.deadline < b.deadline; });
    entries_.erase(oldest);  // SecretBytes erases the secret
  }
  Entry e{Bytes(peer.begin(), peer.end()), next_chain_id_++, seed.tep, seed.aead, seed.was_a,
          0, SecretBytes(), {}, {}, now + cfg_.lifetime};
  if (auto ok = set_secret(e, std::move(seed.ss), seed.index); !ok) return tl::unexpected(ok.error());
  entries_.push_back(std::move(e));
  return entries_.back().chain_id;
}

std::optional<CachedSecret> SessionCache::take(size_t at, Instant now) {
  Entry& e = entries_[at];
  auto next = next_session_secret(e.ss.view());
  if (!next) return std::nullopt;
  CachedSecret out{e.chain_id, e.tep, e.aead, e.was_a, e.index, std::move(e.ss), e.my_half, e.peer_half};
  // ss[i] leaves the cache now, used or not (TC-24, TC-25); ss[i+1] replaces it.
  if (!set_secret(e, std::move(*next), e.index + 1)) {
    entries_.erase(entries_.begin() + std::ptrdiff_t(at));
  } else {
    e.deadline = now + cfg_.lifetime;
  }
  return out;
}

std::optional<CachedSecret> SessionCache::propose(ByteView peer, Instant now) {
  expire(now);
  std::optional<size_t> best;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (same_peer(entries_[i].peer, peer) && (!best || entries_[i].chain_id > entries_[*best].chain_id))
      best = i;
  if (!best) return std::nullopt;
  return take(*best, now);
}

std::optional<CachedSecret> SessionCache::take_by_half(ByteView peer, uint8_t tep,
                                                       const ResumeHalf& half, Instant now) {
  expire(now);
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    // Constant-time compare: the half is the only thing that lets a peer advance a chain.
    if (same_peer(e.peer, peer) && e.tep == tep && crypto::ct_equal(e.peer_half, half))
      return take(i, now);
  }
  return std::nullopt;
}

void SessionCache::expire(Instant now) {
  std::erase_if(entries_, [now](const Entry& e) { return e.deadline <= now; });
}

std::optional<Instant> SessionCache::next_expiry() const {
  std::optional<Instant> first;
  for (const auto& e : entries_)
    if (!first || e.deadline < *first) first = e.deadline;
  return first;
}

size_t SessionCache::flush_peer(ByteView peer) {
  return std::erase_if(entries_, [peer](const Entry& e) { return same_peer(e.peer, peer); });
}

bool SessionCache::flush_chain(uint64_t chain_id) {
  return std::erase_if(entries_, [chain_id](const Entry& e) { return e.chain_id == chain_id; }) > 0;
}

void SessionCache::flush_all() { entries_.clear(); }

}  // namespace proto::tcpcrypt
