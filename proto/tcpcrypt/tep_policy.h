// tcpcrypt's answer to TCP-ENO's TepPolicy (RFC 8547 §4.5; RFC 8548 §3.2, §3.5;
// interpretation 11): which tcpcrypt suboptions are valid, whether a TEP is resumed, what a
// passive opener replies, and what an active opener offers.
//
// One TcpcryptPolicy per connection attempt: it may take a secret out of the cache
// (active_offer() or passive_reply()), and hands it to the Session via take_resumption()
// once judge() has decided. Both hosts judge both options, their own included, and reach
// the same result. Not thread-safe. The cache must outlive the policy.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/random.h"
#include "proto/common/time.h"
#include "proto/eno/tep_policy.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpcrypt/suboptions.h"

namespace proto::tcpcrypt {

struct PolicyConfig {
  // Allowed TEPs, most preferred first (administrators may restrict, TC-45). A passive
  // opener picks the first of these that the peer offered (TC-3).
  std::vector<uint8_t> teps{kTepX25519, kTepX448, kTepP256, kTepP521};
  bool ignore_resumption = false;  // TC-27 (1): fresh key exchange only
  size_t resume_nonce_len = kDefaultResumeNonceLen;  // TC-15: 0-8, default 8
  // For the `eno` vector kind: no cache; a resumption suboption from B is accepted when A
  // sent one for the same TEP, whatever the halves (vectors.md §4).
  bool accept_any_halves = false;
};

// The cached secret of a resumed connection, with the session nonce parts (TC-20).
struct ResumedStart {
  CachedSecret secret;
  Bytes nonce_a;  // nonce next to the original-A half (interpretation 6)
  Bytes nonce_b;
  Bytes sn() const { return concat({nonce_a, nonce_b}); }
};

class TcpcryptPolicy final : public eno::TepPolicy {
 public:
  // cache may be null (no resumption). peer keys the cache; now is used for expiry.
  TcpcryptPolicy(PolicyConfig cfg, crypto::RandomSource& rng, SessionCache* cache = nullptr,
                 ByteView peer = {}, Instant now = {});

  bool supports(uint8_t tep) const override;
  eno::TepVerdict judge(uint8_t tep, std::span<const eno::TepSuboption> from_a,
                        std::span<const eno::TepSuboption> from_b) override;
  std::vector<eno::TepSuboption> passive_reply(std::span<const eno::TepSuboption> offered) override;

  // Active opener's TEP suboptions: a fresh suboption per allowed TEP, in increasing order
  // of preference, and at most one resumption suboption, last (TC-21, TC-22, TC-24); the
  // resumed TEP is then not also listed fresh.
  std::vector<eno::TepSuboption> active_offer();

  // After judge() returned {valid, resumption} for `tep`: the cached secret and nonces
  // (moved out; nullopt in accept_any_halves mode or if there is none).
  std::optional<ResumedStart> take_resumption(uint8_t tep);

 private:
  struct Pending {
    CachedSecret secret;
    Bytes my_nonce;
  };
  Result<eno::TepSuboption> take_pending(std::optional<CachedSecret> secret);

  PolicyConfig cfg_;
  crypto::RandomSource& rng_;
  SessionCache* cache_;
  Bytes peer_;
  Instant now_;
  std::optional<Pending> pending_;  // the one secret this connection may resume with
  struct Match {
    uint8_t tep;
    Bytes nonce_a, nonce_b;
  };
  std::optional<Match> matched_;
};

}  // namespace proto::tcpcrypt
