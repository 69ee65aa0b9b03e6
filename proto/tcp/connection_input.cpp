// Segment arrival, RFC 9293 §3.10.7, with RFC 5961 and RFC 7323 checks.
#include <algorithm>

#include "proto/tcp/connection.h"

namespace proto::tcp {
namespace {
// RFC 7323 §5.5: TS.Recent older than 24 days is no longer valid for PAWS.
constexpr Duration kPawsIdle = std::chrono::hours(24 * 24);
}  // namespace

void Connection::on_segment(const SegmentRepr& seg, Instant now) {
  ++stats_.segments_received;
  if (seg.src_port != tuple_.remote_port || seg.dst_port != tuple_.local_port) {
    drop(Drop::WrongPorts);
    return;
  }
  switch (state_) {
    case State::Closed:  // §3.10.7.1: answer everything but a RST with a RST
      if (!pending_rst_) pending_rst_ = reset_for(seg);
      return;
    case State::Listen:
      on_listen(seg, now);
      return;
    case State::SynSent:
      on_syn_sent(seg, now);
      return;
    default:
      on_synchronized(seg, now);
      return;
  }
}

// §3.10.7.2
void Connection::on_listen(const SegmentRepr& seg, Instant now) {
  if (seg.has(kRst)) return drop(Drop::Unexpected);
  if (seg.ack) {
    pending_rst_ = reset_for(seg);
    return drop(Drop::BadAck);
  }
  if (!seg.has(kSyn)) return drop(Drop::Unexpected);
  irs_ = seg.seq;
  rcv_nxt_ = irs_ + 1;
  negotiate_syn_options(seg, now);
  snd_wnd_ = max_snd_wnd_ = seg.window;  // never scaled in a SYN (RFC 7323 §2.2)
  snd_wl1_ = seg.seq;
  state_ = State::SynReceived;  // the SYN-ACK comes out of poll_transmit()
  if (hook_) hook_->on_segment_options(seg);
}

// §3.10.7.3
void Connection::on_syn_sent(const SegmentRepr& seg, Instant now) {
  if (seg.ack && (*seg.ack <= iss_ || *seg.ack > snd_max_)) {
    if (!seg.has(kRst)) pending_rst_ = reset_for(seg);
    return drop(Drop::BadAck);
  }
  if (seg.has(kRst)) {
    // RFC 5961 §3.2 / RFC 9293: only a RST acknowledging our SYN refuses the connection.
    if (seg.ack) return close_with(CloseReason::Refused);
    return drop(Drop::Unexpected);
  }
  if (!seg.has(kSyn)) return drop(Drop::Unexpected);
  irs_ = seg.seq;
  rcv_nxt_ = irs_ + 1;
  negotiate_syn_options(seg, now);
  snd_wnd_ = max_snd_wnd_ = seg.window;
  snd_wl1_ = seg.seq;
  if (hook_) hook_->on_segment_options(seg);
  if (seg.ack) {
    snd_wl2_ = *seg.ack;
    on_new_ack(seg, *seg.ack, now);
    enter_established(now);
    ack_now_ = true;
    return;
  }
  // Simultaneous open: answer with SYN-ACK, resending our SYN.
  state_ = State::SynReceived;
  snd_nxt_ = iss_;
}

void Connection::negotiate_syn_options(const SegmentRepr& seg, Instant now) {
  const TcpOptions& o = seg.opts;
  if (o.mss) {
    peer_mss_ = std::max<uint16_t>(*o.mss, 64);
  } else {
    peer_mss_ = tuple_.local_addr.is_v4() ? 536 : 1220;  // RFC 9293 §3.7.1, RFC 8200 §5
  }
  ws_ok_ = cfg_.window_scaling && o.window_scale.has_value();
  snd_wscale_ = ws_ok_ ? *o.window_scale : 0;
  if (!ws_ok_) rcv_wscale_ = 0;  // RFC 7323 §2.2: both sides or neither
  ts_ok_ = cfg_.timestamps && o.timestamps.has_value();
  if (ts_ok_) {
    ts_recent_ = o.timestamps->val;
    ts_recent_at_ = now;
  }
  sack_ok_ = cfg_.sack && o.sack_permitted;
  last_ack_sent_ = rcv_nxt_;
  rcv_adv_ = rcv_nxt_ + uint32_t(std::min<size_t>(rcvbuf_.free_space(), 0xffff));
}

void Connection::enter_established(Instant now) {
  state_ = State::Established;
  retries_ = 0;
  cc_ = make_congestion_control(cfg_.congestion, data_mss());
  if (syn_timed_out_) rtt_.on_syn_timeout_recovered();
  push_event(Event::Kind::Connected);
  arm_keepalive(now);
  if (fin_queued_) state_ = State::FinWait1;  // CLOSE was called in SYN-RECEIVED
}

void Connection::enter_time_wait(Instant now) {
  state_ = State::TimeWait;
  timers_.stop_all();
  timers_.set(Timer::TimeWait, now + 2 * cfg_.msl);
}

// RFC 7323 §3.2 and §5.3 (PAWS). Returns false if the segment is to be dropped.
bool Connection::check_timestamps(const SegmentRepr& seg, Instant now) {
  if (!ts_ok_) return true;
  if (!seg.opts.timestamps) {
    if (seg.has(kRst)) return true;  // a RST without TSopt is acceptable (§3.2)
    drop(Drop::NoTimestamp);
    return false;
  }
  bool older = int32_t(seg.opts.timestamps->val - ts_recent_) < 0;
  if (older && now - ts_recent_at_ < kPawsIdle) {
    if (!seg.has(kRst)) ack_now_ = true;
    drop(Drop::Paws);
    return false;
  }
  return true;
}

// §3.10.7.4 first check: the four acceptability cases.
bool Connection::acceptable(const SegmentRepr& seg) const {
  uint32_t wnd = rcv_adv_ > rcv_nxt_ ? rcv_adv_ - rcv_nxt_ : 0;
  uint32_t len = seg.seg_len();
  SeqNum end = rcv_nxt_ + wnd;
  if (len == 0) return wnd == 0 ? seg.seq == rcv_nxt_ : in_range(seg.seq, rcv_nxt_, end);
  if (wnd == 0) return false;
  return in_range(seg.seq, rcv_nxt_, end) || in_range(seg.seq + (len - 1), rcv_nxt_, end);
}

void Connection::on_synchronized(const SegmentRepr& seg, Instant now) {
  // Our SYN-ACK was lost and the peer repeats its SYN: repeat the SYN-ACK.
  if (state_ == State::SynReceived && seg.has(kSyn) && !seg.ack && seg.seq == irs_) {
    snd_nxt_ = iss_;
    return;
  }
  if (!check_timestamps(seg, now)) return;
  if (!acceptable(seg)) {
    // RFC 9293 allows ACKs to be taken from segments beyond a zero window; a data segment
    // exactly at RCV.NXT then still updates SND.UNA and the window.
    bool zero_window_probe = rcv_adv_ <= rcv_nxt_ && seg.seq == rcv_nxt_ && !seg.has(kRst) &&
                             !seg.has(kSyn) && seg.ack;
    if (!seg.has(kRst)) ack_now_ = true;
    drop(seg.has(kRst) ? Drop::RstOutOfWindow : Drop::OutOfWindow);
    // §3.10.7.4 eighth check, TIME-WAIT: the peer repeated its FIN (our ACK was lost);
    // ACK it again and restart the 2*MSL timeout.
    if (state_ == State::TimeWait && seg.has(kFin) &&
        seg.seq + uint32_t(seg.payload.size()) + 1 == rcv_nxt_)
      timers_.set(Timer::TimeWait, now + 2 * cfg_.msl);
    if (zero_window_probe) {
      SegmentRepr ack_only = seg;
      ack_only.payload = {};
      ack_only.flags = uint8_t(seg.flags & ~kFin);
      process_ack(ack_only, now);
    }
    return;
  }
  // RFC 7323 §4.3: remember the timestamp to echo.
  if (ts_ok_ && seg.opts.timestamps && seg.seq <= last_ack_sent_ &&
      int32_t(seg.opts.timestamps->val - ts_recent_) >= 0) {
    ts_recent_ = seg.opts.timestamps->val;
    ts_recent_at_ = now;
  }
  if (seg.has(kRst)) return on_reset(seg, now);
  if (seg.has(kSyn)) return challenge_ack(now);  // RFC 5961 §4.2
  if (!seg.ack) return drop(Drop::Unexpected);
  if (!process_ack(seg, now)) return;
  arm_keepalive(now);
  if (hook_) hook_->on_segment_options(seg);
  process_text(seg, now);
}

// RFC 5961 §3.2: only a RST exactly at RCV.NXT resets; other in-window RSTs get a
// challenge ACK.
void Connection::on_reset(const SegmentRepr& seg, Instant now) {
  if (seg.seq != rcv_nxt_) return challenge_ack(now);
  switch (state_) {
    case State::SynReceived:
      // A passive open would return to LISTEN; the listener lives in the endpoint, so this
      // per-tuple connection ends. An active (simultaneous) open was refused.
      return close_with(passive_ ? CloseReason::Reset : CloseReason::Refused);
    case State::TimeWait:
      return close_with(CloseReason::Normal);
    default:
      return close_with(CloseReason::Reset);
  }
}

void Connection::challenge_ack(Instant now) {
  if (now - challenge_window_ >= std::chrono::seconds(1)) {
    challenge_window_ = now;
    challenge_count_ = 0;
  }
  if (challenge_count_ >= cfg_.challenge_acks_per_second) return drop(Drop::ChallengeLimited);
  ++challenge_count_;
  ack_now_ = true;
  drop(Drop::ChallengeAck);
}

// §3.10.7.4 fifth check. Returns false if processing stops here.
bool Connection::process_ack(const SegmentRepr& seg, Instant now) {
  SeqNum ack = *seg.ack;
  if (state_ == State::SynReceived) {
    if (!(snd_una_ < ack && ack <= snd_max_)) {
      pending_rst_ = reset_for(seg);
      drop(Drop::BadAck);
      return false;
    }
    enter_established(now);
    snd_wl1_ = seg.seq - 1;  // let update_send_window() take this segment's window
  }
  // RFC 5961 §5.2: acceptable iff SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT.
  if (ack > snd_max_) {
    ack_now_ = true;
    drop(Drop::BadAck);
    return false;
  }
  if (ack < snd_una_ - max_snd_wnd_) {
    challenge_ack(now);
    return false;
  }
  uint32_t wnd = uint32_t(seg.window) << snd_wscale_;
  if (ack > snd_una_) {
    on_new_ack(seg, ack, now);
  } else if (ack == snd_una_) {
    const uint32_t sacked_before = scoreboard_.sacked_bytes();
    if (sack_ok_) scoreboard_.on_ack(snd_una_, snd_max_, seg.opts);
    // "Duplicate acknowledgment": RFC 5681 §2 needs an unchanged window; with SACK,
    // RFC 6675 §2 instead needs new SACK information (receivers change their window
    // while they queue out-of-order data, which would hide every loss until the RTO).
    const bool dup_signal = sack_ok_ ? scoreboard_.sacked_bytes() > sacked_before : wnd == snd_wnd_;
    if (seg.payload.empty() && !seg.has(kFin) && dup_signal && snd_una_ != snd_max_) on_dup_ack(now);
  }
  update_send_window(seg);
  if (fin_acked()) {
    switch (state_) {
      case State::FinWait1:
        state_ = State::FinWait2;
        break;
      case State::Closing:
        enter_time_wait(now);
        break;
      case State::LastAck:
        close_with(CloseReason::Normal);
        return false;
      default:
        break;
    }
  }
  return true;
}

void Connection::on_new_ack(const SegmentRepr& seg, SeqNum ack, Instant now) {
  // RTT sample: RFC 7323 §4.1 with timestamps, else Karn's algorithm on one timed segment.
  std::optional<Duration> sample;
  if (ts_ok_ && seg.opts.timestamps && seg.opts.timestamps->ecr != 0) {
    uint32_t ms = ts_now(now) - seg.opts.timestamps->ecr;
    if (ms < 0x7fffffff) sample = std::chrono::milliseconds(ms);
  } else if (rtt_probe_ && ack >= rtt_probe_->first) {
    sample = now - rtt_probe_->second;
  }
  if (rtt_probe_ && ack >= rtt_probe_->first) rtt_probe_.reset();
  if (sample) rtt_.on_sample(*sample);

  uint32_t data_acked = 0;
  if (ack > buf_seq_) {
    data_acked = min(ack, data_end()) - buf_seq_;
    sndbuf_.consume(data_acked);
    buf_seq_ += data_acked;
  }
  snd_una_ = ack;
  if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
  retries_ = 0;
  if (sack_ok_) scoreboard_.on_ack(snd_una_, snd_max_, seg.opts);

  if (in_recovery_) {
    if (ack >= recover_) {  // RFC 6582 §3.2 step 3: full acknowledgment
      in_recovery_ = false;
      rexmit_pending_ = false;
    } else {  // partial acknowledgment: retransmit the next hole at once
      rexmit_pending_ = true;
      rexmit_next_ = max(rexmit_next_, snd_una_);
    }
    dup_acks_ = 0;
  } else {
    dup_acks_ = 0;
    if (data_acked > 0) cc_->on_ack(data_acked, rtt_.srtt(), now);
  }
  // RFC 6298 (5.2), (5.3)
  if (snd_una_ == snd_max_) {
    timers_.stop(Timer::Retransmit);
  } else {
    timers_.set(Timer::Retransmit, now + rtt_.rto());
  }
  if (want_writable_ && accepts_app_data() && sndbuf_.free_space() > 0) {
    want_writable_ = false;
    push_event(Event::Kind::Writable);
  }
}

void Connection::on_dup_ack(Instant now) {
  ++dup_acks_;
  if (in_recovery_) return;
  // RFC 5681 §3.2 (three duplicates) or, with SACK, RFC 6675 §5 (IsLost(HighACK + 1)).
  bool lost = dup_acks_ >= SackScoreboard::kDupThresh ||
              (sack_ok_ && scoreboard_.is_lost(snd_una_, data_mss()));
  if (!lost || !(snd_una_ > recover_)) return;  // RFC 6582 §3.2 step 1
  in_recovery_ = true;
  recover_ = snd_max_;
  cc_->on_congestion(flight_size(), now);
  rexmit_pending_ = true;
  rexmit_next_ = snd_una_;
  rtt_probe_.reset();
  ++stats_.fast_retransmits;
}

// §3.10.7.4 fifth check, window update.
void Connection::update_send_window(const SegmentRepr& seg) {
  SeqNum ack = *seg.ack;
  if (!(snd_wl1_ < seg.seq || (snd_wl1_ == seg.seq && snd_wl2_ <= ack))) return;
  snd_wnd_ = uint32_t(seg.window) << snd_wscale_;
  snd_wl1_ = seg.seq;
  snd_wl2_ = ack;
  max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  if (snd_wnd_ > 0) {
    timers_.stop(Timer::Persist);
    persist_backoff_ = 0;
  }
}

// §3.10.7.4 seventh and eighth checks: segment text and FIN.
void Connection::process_text(const SegmentRepr& seg, Instant now) {
  bool receiving = state_ == State::Established || state_ == State::FinWait1 ||
                   state_ == State::FinWait2;
  if (!receiving) {
    if (seg.seg_len() > 0) ack_now_ = true;  // a repeated FIN or data after the peer's FIN
    return;
  }
  if (!seg.payload.empty()) {
    // Keep only the bytes inside the window we advertised.
    ByteView data = seg.payload;
    SeqNum start = seg.seq;
    if (start < rcv_nxt_) {
      uint32_t skip = std::min<uint32_t>(rcv_nxt_ - start, uint32_t(data.size()));
      data = data.subspan(skip);
      start += skip;
    }
    uint32_t room = rcv_adv_ > start ? rcv_adv_ - start : 0;
    data = data.first(std::min<size_t>(data.size(), room));
    bool in_order = start == rcv_nxt_;
    bool had_holes = rcvbuf_.has_out_of_order();
    uint64_t offset = rcvbuf_.ready_end() + (start - rcv_nxt_);
    size_t advanced = rcvbuf_.insert(offset, data);
    rcv_nxt_ += uint32_t(advanced);
    if (advanced > 0) push_event(Event::Kind::Readable);
    // RFC 9293 §3.8.6.3 / RFC 5681 §4.2: ACK at once for out-of-order data, for data that
    // fills a hole and for duplicates; otherwise at least every second full segment.
    if (!in_order || had_holes || advanced == 0) {
      ack_now_ = true;
    } else if (++unacked_segments_ >= 2) {
      ack_now_ = true;
    } else if (!timers_.armed(Timer::DelayedAck)) {
      timers_.set(Timer::DelayedAck, now + cfg_.delayed_ack);
    }
  }
  if (seg.has(kFin)) {
    SeqNum fin = seg.seq + uint32_t(seg.payload.size());
    if (fin >= rcv_nxt_ && fin <= rcv_adv_) pending_fin_ = fin;
    ack_now_ = true;
  }
  if (pending_fin_ && *pending_fin_ == rcv_nxt_) process_fin(now);
}

void Connection::process_fin(Instant now) {
  pending_fin_.reset();
  rcv_nxt_ += 1;
  peer_fin_ = true;
  ack_now_ = true;
  push_event(Event::Kind::PeerFin);
  switch (state_) {
    case State::Established:
      state_ = State::CloseWait;
      break;
    case State::FinWait1:
      if (fin_acked()) {
        enter_time_wait(now);
      } else {
        state_ = State::Closing;
      }
      break;
    case State::FinWait2:
      enter_time_wait(now);
      break;
    default:
      break;
  }
}

}  // namespace proto::tcp
