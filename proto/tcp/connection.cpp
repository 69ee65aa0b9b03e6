// Construction, application commands, timers and events. Segment input is in
// connection_input.cpp, segment output in connection_output.cpp.
#include "proto/tcp/connection.h"

#include <algorithm>
#include <cerrno>

#include "proto/tcp/isn.h"

namespace proto::tcp {

Connection::Connection(const Config& cfg, const FourTuple& tuple, State initial, Instant now)
    : cfg_(cfg),
      tuple_(tuple),
      state_(initial),
      passive_(initial == State::Listen),
      path_mtu_(ip_header_len(tuple.local_addr) + kHeaderLen + cfg.mss),
      sndbuf_(cfg.send_buffer),
      rcvbuf_(cfg.receive_buffer),
      rtt_(cfg.rto),
      cc_(make_congestion_control(cfg.congestion, cfg.mss)) {
  cfg_.isn_secret = {};  // borrowed only for the ISN below
  auto isn = generate_isn(cfg.isn_secret, tuple, now);
  iss_ = isn.isn;
  ts_offset_ = isn.ts_offset;
  snd_una_ = snd_nxt_ = snd_max_ = recover_ = rexmit_next_ = iss_;
  buf_seq_ = iss_ + 1;
  // RFC 7323 §2.3: the smallest shift that lets the window cover the receive buffer.
  if (cfg.window_scaling) {
    while (rcv_wscale_ < kMaxWindowScale && (size_t(0xffff) << rcv_wscale_) < cfg.receive_buffer)
      ++rcv_wscale_;
  }
}

Connection Connection::connect(const Config& cfg, const FourTuple& tuple, Instant now) {
  return Connection(cfg, tuple, State::SynSent, now);
}

Connection Connection::listen(const Config& cfg, const FourTuple& tuple, Instant now) {
  return Connection(cfg, tuple, State::Listen, now);
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

bool Connection::accepts_app_data() const {
  if (fin_queued_) return false;
  return state_ == State::SynSent || state_ == State::SynReceived ||
         state_ == State::Established || state_ == State::CloseWait;
}

size_t Connection::on_app_data(ByteView data, Instant) {
  if (!accepts_app_data()) return 0;
  size_t n = sndbuf_.write(data);
  if (n < data.size()) want_writable_ = true;
  return n;
}

size_t Connection::poll_read(MutByteView out, Instant) {
  size_t n = rcvbuf_.read(out);
  if (rcvbuf_.readable() == 0) readable_signalled_ = false;
  if (n > 0) maybe_window_update();
  return n;
}

void Connection::push() { push_seq_ = data_end(); }

void Connection::close(Instant) {
  switch (state_) {
    case State::Listen:
    case State::SynSent:
      close_with(CloseReason::Normal);
      return;
    case State::SynReceived:  // FIN once ESTABLISHED (RFC 9293 §3.10.4)
      fin_queued_ = true;
      return;
    case State::Established:
      fin_queued_ = true;
      state_ = State::FinWait1;
      return;
    case State::CloseWait:
      fin_queued_ = true;
      state_ = State::LastAck;
      return;
    default:
      return;  // already closing: "error: connection closing"
  }
}

void Connection::abort(Instant) {
  switch (state_) {
    case State::SynReceived:
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait: {
      // RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST>, taking the highest SND.NXT reached
      // (ours may have been rewound for retransmission), which the peer can accept.
      SegmentRepr rst;
      rst.src_port = tuple_.local_port;
      rst.dst_port = tuple_.remote_port;
      rst.seq = snd_max_;
      rst.flags = kRst;
      pending_rst_ = rst;
      break;
    }
    default:
      break;
  }
  if (state_ != State::Closed) close_with(CloseReason::Aborted);
}

void Connection::on_path_mtu(uint32_t mtu, Instant) {
  uint32_t floor = tuple_.local_addr.is_v4() ? 576 : 1280;
  mtu = std::max(mtu, floor);
  if (mtu >= path_mtu_) return;
  path_mtu_ = mtu;
  cc_->on_mss_change(data_mss());
  // RFC 1191 §6.5: segments in flight were too big; resend them at the new size now.
  if (is_synchronized(state_) && snd_una_ < snd_max_) snd_nxt_ = snd_una_;
}

uint32_t Connection::data_mss() const {
  // RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - TCP header - IP header,
  // counting the timestamps every segment carries.
  uint32_t mms = path_mtu_ - ip_header_len(tuple_.local_addr) - kHeaderLen;
  uint32_t mss = std::min<uint32_t>({peer_mss_, cfg_.mss, mms});
  mss = ts_ok_ ? mss - 12 : mss;
  return std::max<uint32_t>(mss, 64);
}

uint32_t Connection::ts_now(Instant now) const {
  return uint32_t(uint64_t(now.us) / 1000) + ts_offset_;  // 1 ms clock, RFC 7323 §5.4
}

void Connection::push_event(Event::Kind kind) {
  if (closed_signalled_) return;
  if (kind == Event::Kind::Readable) {
    if (readable_signalled_) return;
    readable_signalled_ = true;
  }
  events_.push_back(Event{kind});
}

void Connection::close_with(CloseReason why) {
  state_ = State::Closed;
  timers_.stop_all();
  ack_now_ = probe_pending_ = rexmit_pending_ = false;
  if (closed_signalled_) return;
  events_.push_back(Event{Event::Kind::Closed, why});
  closed_signalled_ = true;
}

std::optional<Event> Connection::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = events_.front();
  events_.pop_front();
  return e;
}

std::optional<Instant> Connection::next_timeout() const {
  return timers_.next();
}

void Connection::on_timer(Instant now) {
  if (timers_.expired(Timer::TimeWait, now)) {
    close_with(CloseReason::Normal);  // RFC 9293 §3.10.8
    return;
  }
  if (timers_.expired(Timer::Retransmit, now)) on_retransmit_timer(now);
  if (state_ == State::Closed) return;
  if (timers_.expired(Timer::DelayedAck, now)) {
    timers_.stop(Timer::DelayedAck);
    ack_now_ = true;
  }
  if (timers_.expired(Timer::Persist, now)) {
    // RFC 9293 §3.8.6.1: probe the zero window; back off like the RTO, never give up.
    probe_pending_ = true;
    persist_backoff_ = std::min(persist_backoff_ + 1, 10u);
    Duration d = std::min(rtt_.rto() * (1 << persist_backoff_), cfg_.rto.max);
    timers_.set(Timer::Persist, now + d);
  }
  if (timers_.expired(Timer::Keepalive, now)) on_keepalive_timer(now);
}

void Connection::on_retransmit_timer(Instant now) {
  timers_.stop(Timer::Retransmit);
  if (snd_una_ == snd_max_) return;
  ++stats_.rto_expirations;
  bool handshake = !is_synchronized(state_) || state_ == State::SynReceived;
  if (++retries_ > (handshake ? cfg_.syn_retries : cfg_.data_retries)) {
    close_with(CloseReason::TimedOut);  // RFC 9293 §3.8.3 R2
    return;
  }
  if (handshake) syn_timed_out_ = true;
  rtt_.backoff();  // RFC 6298 (5.5)
  rtt_probe_.reset();
  if (is_synchronized(state_) && state_ != State::SynReceived) {
    cc_->on_rto(flight_size(), now);
    in_recovery_ = false;
    recover_ = snd_max_;  // RFC 6582 §4
    dup_acks_ = 0;
    scoreboard_.clear();  // RFC 2018 §8: the receiver may have reneged
  }
  rexmit_pending_ = false;
  snd_nxt_ = snd_una_;  // go back: retransmit from the first unacknowledged byte
}

void Connection::arm_keepalive(Instant now) {
  keepalive_sent_ = 0;
  if (cfg_.keepalive && (state_ == State::Established || state_ == State::CloseWait))
    timers_.set(Timer::Keepalive, now + cfg_.keepalive_idle);
}

void Connection::on_keepalive_timer(Instant now) {
  if (snd_una_ != snd_max_) {  // retransmissions already test the path
    timers_.set(Timer::Keepalive, now + cfg_.keepalive_interval);
    return;
  }
  if (keepalive_sent_ >= cfg_.keepalive_probes) {
    close_with(CloseReason::TimedOut);
    return;
  }
  ++keepalive_sent_;
  probe_pending_ = true;  // RFC 9293 §3.8.4: <SEQ=SND.NXT-1>, elicits an ACK
  timers_.set(Timer::Keepalive, now + cfg_.keepalive_interval);
}

int close_reason_errno(CloseReason r) {
  switch (r) {
    case CloseReason::Normal: return 0;
    case CloseReason::Reset: return ECONNRESET;
    case CloseReason::Refused: return ECONNREFUSED;
    case CloseReason::TimedOut: return ETIMEDOUT;
    case CloseReason::Aborted: return ECONNABORTED;
  }
  return EIO;
}

}  // namespace proto::tcp
