#include "proto/eno/negotiator.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace proto::eno {

namespace {
DisableReason encode_failure(const Error& e) {
  return e.code == Errc::TooLong ? DisableReason::OptionTooLong : DisableReason::InvalidLocalOption;
}
}  // namespace

Negotiator::Negotiator(Opener opener, NegotiatorConfig config, TepPolicy& policy)
    : opener_(opener), config_(std::move(config)), policy_(policy) {
  const bool b = opener_ == Opener::Passive || config_.passive_role_bit;  // ENO-4
  local_global_ = uint8_t((b ? kGlobalB : 0) | (config_.app_aware ? kGlobalA : 0));
  if (!config_.enabled) {
    disable(DisableReason::ConfiguredOff);
  } else if (!config_.randomness_ready) {
    disable(DisableReason::NoRandomness);  // ENO-28
  } else if (opener_ == Opener::Active) {
    build_active_option();  // a passive opener's option depends on the SYN it receives
  }
}

void Negotiator::build_active_option() {
  // With the defaults the global suboption is omitted (implicit 0x00, §4.2).
  const std::optional<uint8_t> global =
      local_global_ == kImplicitGlobal ? std::nullopt : std::optional<uint8_t>(local_global_);
  auto option = encode_syn_option(global, config_.offer, config_.option_budget);
  if (!option) return disable(encode_failure(option.error()));
  local_syn_ = std::move(*option);
}

const Negotiated* Negotiator::negotiated() const {
  return state_ == NegotiationState::Disabled || !negotiated_ ? nullptr : &*negotiated_;
}

std::optional<uint8_t> Negotiator::peer_global() const {
  if (!peer_syn_) return std::nullopt;
  return peer_syn_->global;
}

void Negotiator::on_segment_received(SegmentFlags flags, std::span<const ByteView> eno_options) {
  if (state_ == NegotiationState::Disabled) {
    // A passive opener configured off may still announce ENO support (config.vacuous_reply).
    const bool fresh_syn = flags.syn && !flags.ack && eno_options.size() == 1;
    if (fresh_syn && opener_ == Opener::Passive && reason_ == DisableReason::ConfiguredOff &&
        config_.vacuous_reply && vacuous_reply_.empty() && parse_syn_option(eno_options[0]))
      disable_with_vacuous_reply(DisableReason::ConfiguredOff);
    return;
  }
  const bool first_ack = flags.ack && !ack_received_;
  ack_received_ = ack_received_ || flags.ack;
  if (!flags.syn) non_syn_received_ = true;
  if (state_ == NegotiationState::Enabled) return;

  // §4.6 rule 1: every segment up to and including the first received ACK carries ENO.
  const bool must_have_eno = first_ack || !ack_received_;
  if (eno_options.empty()) {
    if (must_have_eno) disable(DisableReason::MissingOption);
    return;
  }
  if (flags.syn) {
    // §4.1, ENO-2: several ENO options in a SYN count as none.
    if (eno_options.size() > 1) return disable(DisableReason::MultipleSynOptions);
    on_peer_syn(flags, eno_options[0]);
    if (state_ == NegotiationState::Disabled) return;
  }
  // Non-SYN ENO contents are ignored (ENO-1); only presence matters.
  if (flags.ack) ack_with_eno_received_ = true;
  maybe_enable();
}

void Negotiator::on_peer_syn(SegmentFlags flags, ByteView option) {
  if (peer_syn_) {
    // A retransmitted SYN, or the SYN-ACK after the SYN of a simultaneous open, must
    // repeat the same option (§4.6, ENO-15).
    if (!std::equal(option.begin(), option.end(), peer_syn_->raw.begin(), peer_syn_->raw.end()))
      disable(DisableReason::SynOptionChanged);
    return;
  }
  auto parsed = parse_syn_option(option);
  if (!parsed) return disable(DisableReason::MalformedOption);  // ENO-11
  peer_syn_ = std::move(*parsed);
  const bool answering_syn = opener_ == Opener::Passive && !flags.ack && local_syn_.empty();
  if (answering_syn && !build_passive_reply(*peer_syn_)) return;
  conclude(*peer_syn_);
}

// Passive opener: the SYN-ACK option, explicit global with b = 1 (ENO-7) and the TEP's
// reply, normally one valid TEP (ENO-12). Returns false after disabling.
bool Negotiator::build_passive_reply(const SynOption& peer) {
  if (peer.b()) {
    disable(DisableReason::RoleClash);
    return false;
  }
  if (config_.app_aware_mandatory && !peer.a()) {
    disable_with_vacuous_reply(DisableReason::PeerNotAppAware);
    return false;
  }
  const auto reply = policy_.passive_reply(peer.teps);
  if (reply.empty()) {
    disable_with_vacuous_reply(DisableReason::NoValidTep);
    return false;
  }
  auto option = encode_syn_option(local_global_, reply, config_.option_budget);
  if (!option) {
    disable(encode_failure(option.error()));
    return false;
  }
  local_syn_ = std::move(*option);
  return true;
}

void Negotiator::conclude(const SynOption& peer) {
  Outcome outcome = negotiate(local_syn_, peer.raw, policy_);
  if (auto* off = std::get_if<Disabled>(&outcome)) return disable(off->reason);
  if (config_.app_aware_mandatory && !peer.a()) return disable(DisableReason::PeerNotAppAware);
  negotiated_ = std::move(std::get<Negotiated>(outcome));
}

std::optional<ByteView> Negotiator::option_for_next_segment(SegmentFlags flags) {
  if (state_ == NegotiationState::Disabled) {
    if (flags.syn && !vacuous_reply_.empty()) return ByteView(vacuous_reply_);
    return std::nullopt;  // ENO-14
  }
  ByteView option;
  if (flags.syn) {
    if (local_syn_.empty()) return std::nullopt;  // passive opener before the SYN
    option = local_syn_;
  } else {
    if (non_syn_received_) return std::nullopt;  // ENO-13
    option = ByteView(kNonSynOption);            // ENO-1
  }
  if (flags.ack) {
    ack_with_eno_sent_ = true;
    maybe_enable();
  }
  return option;
}

void Negotiator::on_local_disable() {
  // §4.6: once enabled, encryption MUST stay enabled (ENO-16); only a pending handshake
  // can fall back.
  if (state_ == NegotiationState::Pending) disable(DisableReason::LocalDisable);
}

void Negotiator::disable(DisableReason reason) {
  state_ = NegotiationState::Disabled;
  reason_ = reason;
}

// ENO-17: only a passive opener that received a well-formed SYN option gets here, and
// the vacuous option still carries b = 1.
void Negotiator::disable_with_vacuous_reply(DisableReason reason) {
  disable(reason);
  if (!config_.vacuous_reply || !config_.randomness_ready) return;
  if (auto option = encode_syn_option(local_global_, {}, config_.option_budget))
    vacuous_reply_ = std::move(*option);
}

// ENO-16: an ACK segment with ENO both sent and received, and a usable outcome.
void Negotiator::maybe_enable() {
  if (state_ == NegotiationState::Pending && negotiated_ && ack_with_eno_sent_ &&
      ack_with_eno_received_)
    state_ = NegotiationState::Enabled;
}

}  // namespace proto::eno
