// Session-resumption cache (RFC 8548 §3.5; digest §8.6). One entry per (peer, chain): the
// chain's lowest unused session secret ss[i], the TEP and AEAD of the original fresh
// session (interpretation 8), this host's role in it (which half it sends, which key it
// encrypts with, TC-12), and the two halves of resume[i].
//
// Taking a secret out (propose() as active opener, take_by_half() as passive opener)
// advances the entry to ss[i+1] at once and erases ss[i] from the cache: a secret is used
// for at most one connection (TC-25), and an active opener's failed attempts count as used
// (TC-24). Secrets live in SecretBytes (RAM only, erased on removal, eviction, expiry or
// flush; TC-23). The peer key is opaque bytes chosen by the owner (e.g. the peer's IP).
// Time comes in as Instant. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/aead.h"
#include "crypto/secure.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/common/time.h"
#include "proto/tcpcrypt/key_schedule.h"

namespace proto::tcpcrypt {

struct CacheConfig {
  size_t max_entries = 256;
  Duration lifetime = std::chrono::minutes(10);  // bounded time until secrets are erased
};

// What a fresh (or resumed) session leaves for the cache: ss[index] of its chain.
struct CacheSeed {
  uint8_t tep = 0;
  AeadId aead = AeadId::Aes128Gcm;
  bool was_a = false;  // role in the original session
  SecretBytes ss;      // ss[index], never used yet
  uint64_t index = 1;
};

// One secret handed out for one connection attempt.
struct CachedSecret {
  uint64_t chain_id = 0;
  uint8_t tep = 0;
  AeadId aead = AeadId::Aes128Gcm;
  bool was_a = false;
  uint64_t index = 0;   // i of ss[i]
  SecretBytes ss;       // ss[i]
  ResumeHalf my_half{};    // resume[i] half this host sends
  ResumeHalf peer_half{};  // the half the peer must send
};

class SessionCache {
 public:
  explicit SessionCache(CacheConfig cfg = {}) : cfg_(cfg) {}

  // Adds a chain for `peer`; evicts the entry closest to expiry when full. Returns the
  // chain id. InvalidArgument if seed.ss is not a 32-byte secret.
  Result<uint64_t> insert(ByteView peer, CacheSeed seed, Instant now);

  // Active opener: the lowest unused secret of the newest chain for `peer` (TC-24).
  std::optional<CachedSecret> propose(ByteView peer, Instant now);

  // Passive opener: the secret whose expected peer half is `half` and whose TEP is `tep`
  // (TC-16); nullopt otherwise (then the caller MUST NOT resume).
  std::optional<CachedSecret> take_by_half(ByteView peer, uint8_t tep, const ResumeHalf& half,
                                           Instant now);

  void expire(Instant now);
  // When expire() next has something to erase (the owner's timer), nullopt when empty.
  std::optional<Instant> next_expiry() const;
  size_t flush_peer(ByteView peer);  // TC-27: flush state of an established connection
  // chain_id from insert() (fresh session) or CachedSecret::chain_id (resumed session).
  bool flush_chain(uint64_t chain_id);
  void flush_all();
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Bytes peer;
    uint64_t chain_id;
    uint8_t tep;
    AeadId aead;
    bool was_a;
    uint64_t index;
    SecretBytes ss;
    ResumeHalf my_half;
    ResumeHalf peer_half;
    Instant deadline;
  };
  std::optional<CachedSecret> take(size_t at, Instant now);
  static Status set_secret(Entry& e, SecretBytes ss, uint64_t index);

  CacheConfig cfg_;
  std::vector<Entry> entries_;
  uint64_t next_chain_id_ = 1;
};

}  // namespace proto::tcpcrypt
