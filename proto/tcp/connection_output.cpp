// Segment output: SYN/SYN-ACK, retransmissions, new data under Nagle and the windows,
// FIN, probes and ACKs, in that order of priority.
#include <algorithm>

#include "proto/tcp/connection.h"

namespace proto::tcp {

std::optional<Transmit> Connection::poll_transmit(Instant now, MutByteView buf) {
  if (buf.size() < kMaxHeaderLen) return std::nullopt;
  if (pending_rst_) {
    SegmentRepr rst = *pending_rst_;
    pending_rst_.reset();
    return emit_reset(buf, rst);
  }
  switch (state_) {
    case State::Closed:
    case State::Listen:
      return std::nullopt;
    case State::SynSent:
      if (snd_nxt_ != iss_) return std::nullopt;
      return emit(buf, kSyn, iss_, 0, snd_max_ != iss_, now);
    case State::SynReceived:
      if (snd_nxt_ == iss_) return emit(buf, kSyn, iss_, 0, snd_max_ != iss_, now);
      break;
    case State::TimeWait:
      break;
    default:
      if (auto t = poll_retransmit(buf, now)) return t;
      if (auto t = poll_data(buf, now)) return t;
      break;
  }
  if (probe_pending_) {  // zero-window probe or keepalive: out of window, elicits an ACK
    probe_pending_ = false;
    return emit(buf, 0, snd_una_ - 1, 0, false, now);
  }
  // A pure ACK carries SND.MAX, not a SND.NXT rewound for retransmission: the peer may
  // already have received up to SND.MAX and would find an older sequence unacceptable.
  if (ack_now_) return emit(buf, 0, snd_max_, 0, false, now);
  return std::nullopt;
}

uint32_t Connection::pipe() const {
  if (!in_recovery_) return snd_nxt_ - snd_una_;
  uint32_t flight = flight_size();
  uint32_t gone;
  if (sack_ok_ && !scoreboard_.empty()) {
    // RFC 6675 §4 SetPipe: SACKed bytes and lost bytes not yet retransmitted have left
    // the network (retransmitted ones count once, as the retransmission).
    gone = scoreboard_.sacked_bytes() +
           scoreboard_.lost_bytes(max(rexmit_next_, snd_una_), data_mss());
  } else {
    gone = dup_acks_ * data_mss();  // RFC 5681 §3.2 step 4 inflation, seen as pipe
  }
  return flight > gone ? flight - gone : 0;
}

// Fast retransmit, NewReno partial-ACK retransmit (RFC 6582) and SACK-based loss
// recovery (RFC 6675 §5 step (C): NextSeg rule (1), lost holes above HighRxt).
std::optional<Transmit> Connection::poll_retransmit(MutByteView buf, Instant now) {
  if (!in_recovery_) return std::nullopt;
  uint32_t smss = data_mss();
  SeqNum start;
  uint32_t len;
  if (rexmit_pending_) {
    start = snd_una_;
    len = smss;
  } else if (sack_ok_) {
    auto hole = scoreboard_.next_lost(max(rexmit_next_, snd_una_), smss);
    if (!hole || pipe() + std::min(hole->second, smss) > cc_->cwnd()) return std::nullopt;
    start = hole->first;
    len = std::min(hole->second, smss);
  } else {
    return std::nullopt;
  }
  uint32_t data_left = data_end() > start ? data_end() - start : 0;
  len = std::min(len, data_left);
  bool fin = fin_queued_ && len == data_left && snd_max_ > data_end();
  rexmit_pending_ = false;
  if (len == 0 && !fin) return std::nullopt;
  rexmit_next_ = max(rexmit_next_, start + len + (fin ? 1 : 0));
  return emit(buf, fin ? kFin : 0, start, len, true, now);
}

bool Connection::nagle_allows(uint32_t len, uint32_t avail, uint32_t seg_max,
                              bool fin_pending) const {
  if (len == seg_max) return true;
  if (snd_nxt_ < snd_max_) return true;  // retransmitting after a timeout
  if (snd_una_ == snd_max_) return true;  // nothing unacknowledged (Nagle, RFC 9293 §3.7.4)
  if (len >= max_snd_wnd_ / 2) return true;  // sender SWS avoidance, §3.8.6.2.1
  bool ends_data = len == avail;
  bool ends_push = push_seq_ && snd_nxt_ + len == *push_seq_;
  return ends_push || (ends_data && (cfg_.nodelay || fin_pending));
}

std::optional<Transmit> Connection::poll_data(MutByteView buf, Instant now) {
  uint32_t avail = data_end() > snd_nxt_ ? data_end() - snd_nxt_ : 0;
  bool fin_pending = fin_queued_ && snd_nxt_ <= data_end();
  if (avail == 0 && !fin_pending) return std::nullopt;

  uint32_t seg_max = data_mss();
  uint32_t in_flight = pipe();
  uint32_t cwnd = cc_->cwnd();
  uint32_t cwnd_room = cwnd > in_flight ? cwnd - in_flight : 0;
  SeqNum wnd_edge = snd_una_ + snd_wnd_;
  uint32_t wnd_room = wnd_edge > snd_nxt_ ? wnd_edge - snd_nxt_ : 0;
  uint32_t len = std::min({avail, seg_max, cwnd_room, wnd_room});
  if (push_seq_ && snd_nxt_ < *push_seq_ && *push_seq_ < snd_nxt_ + len)
    len = *push_seq_ - snd_nxt_;  // end the segment at the push boundary

  if (avail > 0 && wnd_room == 0 && !timers_.armed(Timer::Persist))
    timers_.set(Timer::Persist, now + rtt_.rto());  // RFC 9293 §3.8.6.1
  if (avail > 0 && (len == 0 || !nagle_allows(len, avail, seg_max, fin_pending)))
    return std::nullopt;
  bool fin = fin_pending && len == avail;
  return emit(buf, fin ? kFin : 0, snd_nxt_, len, snd_nxt_ < snd_max_, now);
}

void Connection::fill_sack(TcpOptions& opts) const {
  if (!sack_ok_ || !rcvbuf_.has_out_of_order()) return;
  std::array<Reassembly::Range, kMaxSackBlocks> ranges{};
  size_t n = rcvbuf_.sack_ranges(ranges);
  for (size_t i = 0; i < n; ++i) {
    SeqNum left = rcv_nxt_ + uint32_t(ranges[i].start - rcvbuf_.ready_end());
    opts.sack[i] = SackBlock{left, left + uint32_t(ranges[i].end - ranges[i].start)};
  }
  opts.sack_count = uint8_t(n);
  while (opts.sack_count > 0 && !opts.wire_len(false)) --opts.sack_count;  // fit in 40 bytes
}

uint16_t Connection::window_to_advertise(bool syn) {
  size_t free = rcvbuf_.free_space();
  if (syn) return uint16_t(std::min<size_t>(free, 0xffff));  // RFC 7323 §2.2: unscaled
  uint32_t wnd = uint32_t(std::min<size_t>(free, size_t(0xffff) << rcv_wscale_));
  SeqNum right = rcv_nxt_ + wnd;
  // RFC 9293 §3.8.6.2.2: move the right edge only by a meaningful amount, and never left.
  uint32_t threshold = std::min<uint32_t>(uint32_t(rcvbuf_.capacity() / 2), cfg_.mss);
  if (right > rcv_adv_ && right - rcv_adv_ < threshold) right = rcv_adv_;
  right = max(right, rcv_adv_);
  uint32_t field = std::min<uint32_t>((right - rcv_nxt_) >> rcv_wscale_, 0xffff);
  rcv_adv_ = max(rcv_adv_, rcv_nxt_ + (field << rcv_wscale_));
  return uint16_t(field);
}

void Connection::maybe_window_update() {
  if (state_ != State::Established && state_ != State::FinWait1 && state_ != State::FinWait2)
    return;
  size_t free = std::min(rcvbuf_.free_space(), size_t(0xffff) << rcv_wscale_);
  SeqNum right = rcv_nxt_ + uint32_t(free);
  uint32_t threshold = std::min<uint32_t>(uint32_t(rcvbuf_.capacity() / 2), 2u * cfg_.mss);
  if (right > rcv_adv_ && right - rcv_adv_ >= threshold) ack_now_ = true;
}

std::optional<Transmit> Connection::emit(MutByteView buf, uint8_t flags, SeqNum seq,
                                         size_t data_len, bool retransmission, Instant now) {
  SegmentRepr r;
  r.src_port = tuple_.local_port;
  r.dst_port = tuple_.remote_port;
  r.seq = seq;
  bool syn = (flags & kSyn) != 0;
  if (state_ != State::SynSent) r.ack = rcv_nxt_;
  TcpOptions& o = r.opts;
  bool offer = state_ == State::SynSent;  // our SYN offers; a SYN-ACK only confirms
  bool use_ts = syn ? (offer ? cfg_.timestamps : ts_ok_) : ts_ok_;
  if (syn) {
    o.mss = cfg_.mss;
    o.sack_permitted = offer ? cfg_.sack : sack_ok_;
    if (offer ? cfg_.window_scaling : ws_ok_) o.window_scale = rcv_wscale_;
  }
  if (use_ts) o.timestamps = Timestamps{ts_now(now), syn && offer ? 0 : ts_recent_};

  std::array<uint8_t, kMaxOptionBytes> extra{};
  if (hook_) {
    size_t room = kMaxOptionBytes - o.unpadded_len(syn);
    size_t n = hook_->extra_options(OutgoingSegment{syn, r.ack, seq, retransmission},
                                    MutByteView(extra.data(), room));
    if (n > 0 && n <= room) o.unknown.push_back(ByteView(extra.data(), n));
  }
  if (!syn) fill_sack(o);
  auto opt_len = o.wire_len(syn);
  if (!opt_len) return std::nullopt;  // only if the hook misbehaved on padding

  // RFC 9293 §3.7.1: the payload shrinks by the options beyond the timestamps.
  size_t budget = data_mss() + (ts_ok_ ? 12 : 0);
  size_t cap = budget > *opt_len ? budget - *opt_len : 0;
  cap = std::min(cap, buf.size() - kHeaderLen - *opt_len);
  if (data_len > cap) {
    data_len = cap;
    flags &= uint8_t(~kFin);  // the FIN follows the last byte only
  }
  if (data_len > 0) {
    SeqNum end = seq + uint32_t(data_len);
    if (end == data_end() || (push_seq_ && end == *push_seq_)) flags |= kPsh;
    scratch_.resize(data_len);
    sndbuf_.copy_out(seq - buf_seq_, scratch_);
    r.payload = scratch_;
  }
  r.flags = flags;
  r.window = window_to_advertise(syn);
  auto n = r.emit(tuple_.local_addr.bytes(), tuple_.remote_addr.bytes(), buf);
  if (!n) return std::nullopt;

  ++stats_.segments_sent;
  if (r.ack) {
    last_ack_sent_ = rcv_nxt_;
    ack_now_ = false;
    unacked_segments_ = 0;
    timers_.stop(Timer::DelayedAck);
  }
  on_sent(seq, r.seg_len(), retransmission, now);
  return Transmit{*n};
}

void Connection::on_sent(SeqNum seq, uint32_t seg_len, bool retransmission, Instant now) {
  if (seg_len == 0) return;
  SeqNum end = seq + seg_len;
  if (retransmission) ++stats_.retransmits;
  if (seq <= snd_nxt_ && end > snd_nxt_) snd_nxt_ = end;
  if (end > snd_max_) {
    snd_max_ = end;
    if (!rtt_probe_ && !ts_ok_) rtt_probe_ = std::pair{end, now};
  }
  if (!timers_.armed(Timer::Retransmit)) timers_.set(Timer::Retransmit, now + rtt_.rto());
}

std::optional<Transmit> Connection::emit_reset(MutByteView buf, const SegmentRepr& rst) {
  auto n = rst.emit(tuple_.local_addr.bytes(), tuple_.remote_addr.bytes(), buf);
  if (!n) return std::nullopt;
  ++stats_.segments_sent;
  return Transmit{*n};
}

}  // namespace proto::tcp
