#include "proto/tcpcrypt/tep_policy.h"

#include <algorithm>

namespace proto::tcpcrypt {

TcpcryptPolicy::TcpcryptPolicy(PolicyConfig cfg, crypto::RandomSource& rng, SessionCache* cache,
                               ByteView peer, Instant now)
    : cfg_(std::move(cfg)), rng_(rng), cache_(cache), peer_(peer.begin(), peer.end()), now_(now) {
  cfg_.resume_nonce_len = std::min(cfg_.resume_nonce_len, kMaxResumeNonceLen);
}

bool TcpcryptPolicy::supports(uint8_t tep) const {
  return is_tcpcrypt_tep(tep) && std::find(cfg_.teps.begin(), cfg_.teps.end(), tep) != cfg_.teps.end();
}

eno::TepVerdict TcpcryptPolicy::judge(uint8_t tep, std::span<const eno::TepSuboption> from_a,
                                      std::span<const eno::TepSuboption> from_b) {
  constexpr eno::TepVerdict kInvalid{false, false};
  if (!supports(tep)) return kInvalid;
  // Interpretation 11: a tcpcrypt TEP repeated within one option is not valid.
  if (from_a.size() != 1 || from_b.size() != 1) return kInvalid;
  SuboptionKind ka = classify(from_a[0]);
  SuboptionKind kb = classify(from_b[0]);
  if (ka == SuboptionKind::Invalid || kb == SuboptionKind::Invalid) return kInvalid;
  if (kb == SuboptionKind::Fresh) return {true, false};  // TC-18: v=1, < 9 bytes = fresh
  // B sent a resumption suboption: ignored (so the TEP is not valid) unless A sent one for
  // the same TEP and the halves are the two halves of resume[i] (TC-19).
  if (ka != SuboptionKind::Resume) return kInvalid;
  auto ra = parse_resume(from_a[0]);
  auto rb = parse_resume(from_b[0]);
  if (!ra || !rb) return kInvalid;
  if (cfg_.accept_any_halves) return {true, true};
  if (!pending_ || pending_->secret.tep != tep) return kInvalid;
  const CachedSecret& s = pending_->secret;
  bool a_is_mine = ra->half == s.my_half && rb->half == s.peer_half;
  bool b_is_mine = rb->half == s.my_half && ra->half == s.peer_half;
  if (!a_is_mine && !b_is_mine) return kInvalid;
  // Interpretation 6: nonce_a travels with the half of the host that was A originally.
  const ResumeHalf& orig_a_half = s.was_a ? s.my_half : s.peer_half;
  bool a_sent_orig_a = ra->half == orig_a_half;
  // judge() may be asked again about the same TEP: record the match, move nothing yet.
  matched_ = Match{tep, a_sent_orig_a ? ra->nonce : rb->nonce, a_sent_orig_a ? rb->nonce : ra->nonce};
  return {true, true};
}

Result<eno::TepSuboption> TcpcryptPolicy::take_pending(std::optional<CachedSecret> secret) {
  if (!secret) return fail(Errc::InvalidState, "no cached secret");
  Bytes nonce(cfg_.resume_nonce_len);
  rng_.fill(nonce);  // TC-14: random nonce per connection attempt
  auto sub = resume_suboption(secret->tep, secret->my_half, nonce);
  if (!sub) return sub;
  pending_ = Pending{std::move(*secret), std::move(nonce)};
  return sub;
}

std::vector<eno::TepSuboption> TcpcryptPolicy::passive_reply(
    std::span<const eno::TepSuboption> offered) {
  auto count = [&](uint8_t tep) {
    return std::count_if(offered.begin(), offered.end(), [&](const auto& s) { return s.tep == tep; });
  };
  auto usable = [&](const eno::TepSuboption& s) {
    return supports(s.tep) && count(s.tep) == 1 && classify(s) != SuboptionKind::Invalid;
  };
  // TC-16: agree to resumption when the half names a cached secret of the same TEP.
  if (cache_ && !cfg_.ignore_resumption) {
    for (const auto& s : offered) {
      if (!usable(s) || classify(s) != SuboptionKind::Resume) continue;
      auto r = parse_resume(s);
      if (!r) continue;
      auto sub = take_pending(cache_->take_by_half(peer_, r->tep, r->half, now_));
      if (sub) return {std::move(*sub)};
    }
  }
  // TC-17: otherwise fresh key exchange with the most preferred offered TEP.
  for (uint8_t tep : cfg_.teps) {
    auto it = std::find_if(offered.begin(), offered.end(), [&](const auto& s) { return s.tep == tep; });
    if (it != offered.end() && usable(*it)) return {fresh_suboption(tep)};
  }
  return {};
}

std::vector<eno::TepSuboption> TcpcryptPolicy::active_offer() {
  std::optional<eno::TepSuboption> resume;
  if (cache_ && !cfg_.ignore_resumption) {
    auto secret = cache_->propose(peer_, now_);  // advances the chain even if B declines
    if (secret && supports(secret->tep)) {
      auto sub = take_pending(std::move(secret));
      if (sub) resume = std::move(*sub);
    }
  }
  std::vector<eno::TepSuboption> out;
  for (auto it = cfg_.teps.rbegin(); it != cfg_.teps.rend(); ++it)
    if (!resume || *it != resume->tep) out.push_back(fresh_suboption(*it));
  if (resume) out.push_back(std::move(*resume));
  return out;
}

std::optional<ResumedStart> TcpcryptPolicy::take_resumption(uint8_t tep) {
  if (!matched_ || matched_->tep != tep || !pending_) return std::nullopt;
  ResumedStart out{std::move(pending_->secret), std::move(matched_->nonce_a),
                   std::move(matched_->nonce_b)};
  pending_.reset();
  matched_.reset();
  return out;
}

}  // namespace proto::tcpcrypt
