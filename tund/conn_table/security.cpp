#include "tund/conn_table/security.h"

#include <algorithm>

#include "proto/tcpcrypt/constants.h"

namespace tund::conn_table {

namespace pc = proto::control;
namespace tcpinc = proto::tcpinc;
using proto::tcpcrypt::AeadId;

namespace {

bool known_aead(uint16_t id) {
  return id == uint16_t(AeadId::Aes128Gcm) || id == uint16_t(AeadId::Aes256Gcm) ||
         id == uint16_t(AeadId::ChaCha20Poly1305);
}

// Wire lists are in increasing preference; proto's are most preferred first.
std::vector<AeadId> most_preferred_first(const std::vector<uint16_t>& ids) {
  std::vector<AeadId> out;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) out.push_back(AeadId(*it));
  return out;
}

}  // namespace

tcpinc::Config security_defaults(const tund::Config& config) {
  tcpinc::Config c;
  switch (config.encryption) {
    case EncryptionMode::Opportunistic: c.mode = tcpinc::Mode::Opportunistic; break;
    case EncryptionMode::Required: c.mode = tcpinc::Mode::Required; break;
    case EncryptionMode::Off: c.mode = tcpinc::Mode::Off; break;
  }
  c.policy.teps.clear();
  for (TepName t : config.teps) c.policy.teps.push_back(uint8_t(t));
  c.session.aeads.clear();
  for (AeadName a : config.aeads) c.session.aeads.push_back(AeadId(uint16_t(a)));
  c.policy.ignore_resumption = !config.resumption;
  c.session.no_caching = !config.resumption;
  c.rekey_after_bytes = config.key_update_bytes;
  c.rekey_interval = std::chrono::seconds(config.key_update_seconds);
  return c;
}

std::optional<proto::tcpcrypt::CacheConfig> resumption_cache_config(const tund::Config& config) {
  if (!config.resumption) return std::nullopt;
  return proto::tcpcrypt::CacheConfig{config.cache_size, std::chrono::seconds(config.cache_lifetime_s)};
}

tl::expected<tcpinc::Config, pc::ConnError> apply_eno_options(tcpinc::Config cfg,
                                                               const pc::EnoOptions& wish,
                                                               bool passive) {
  const auto invalid = tl::unexpected(pc::ConnError::InvalidRequest);
  switch (wish.mode) {
    case pc::Mode::Off: cfg.mode = tcpinc::Mode::Off; break;
    case pc::Mode::Opportunistic: cfg.mode = tcpinc::Mode::Opportunistic; break;
    case pc::Mode::Required: cfg.mode = tcpinc::Mode::Required; break;
    case pc::Mode::Default: break;
  }
  if (!wish.teps.empty()) {
    cfg.policy.teps.clear();
    for (auto it = wish.teps.rbegin(); it != wish.teps.rend(); ++it) {
      const uint8_t tep = *it & proto::tcpcrypt::kTepIdMask;  // senders' v bit is ignored
      if (!proto::tcpcrypt::is_tcpcrypt_tep(tep)) return invalid;
      cfg.policy.teps.push_back(tep);
    }
  }
  const auto& aeads = passive ? wish.aeads_prefer : wish.aeads_offer;
  if (!std::all_of(wish.aeads_offer.begin(), wish.aeads_offer.end(), known_aead) ||
      !std::all_of(wish.aeads_prefer.begin(), wish.aeads_prefer.end(), known_aead))
    return invalid;
  if (!aeads.empty()) cfg.session.aeads = most_preferred_first(aeads);
  // After listen the b bit is forced to 1 (api.md §4); an active opener may ask for it.
  cfg.role_b = !passive && wish.passive_role;
  cfg.app_aware = cfg.app_aware || wish.app_aware;
  cfg.app_aware_mandatory = cfg.app_aware_mandatory || wish.app_aware_mandatory;
  if (wish.no_resumption) cfg.policy.ignore_resumption = true;
  if (wish.no_cache) cfg.session.no_caching = true;
  return cfg;
}

pc::Mode to_control_mode(tcpinc::Mode m) {
  switch (m) {
    case tcpinc::Mode::Off: return pc::Mode::Off;
    case tcpinc::Mode::Opportunistic: return pc::Mode::Opportunistic;
    case tcpinc::Mode::Required: return pc::Mode::Required;
  }
  return pc::Mode::Opportunistic;
}

pc::SecurityInfo security_info(const tcpinc::SecureConnection& c) {
  pc::SecurityInfo s;
  if (auto role = c.role()) s.role = *role == proto::eno::Role::B ? pc::Role::B : pc::Role::A;
  s.self_gopt = c.local_global();
  s.peer_gopt = c.peer_global().value_or(0);
  if (!c.encrypted()) return s;
  s.encrypted = true;
  // TCP_ENO_NEGTEP: the v bit is set when B answered with a resumption suboption.
  s.tep = uint8_t(c.tep().value_or(0) | (c.resumed() ? proto::tcpcrypt::kTepVBit : 0));
  s.aead = uint16_t(c.aead().value_or(AeadId::Aes128Gcm));
  if (auto id = c.session_id()) s.session_id.assign(id->begin(), id->end());
  return s;
}

}  // namespace tund::conn_table
