// One TCP connection as a sans-IO state machine: RFC 9293 (state machine, RST rules,
// TIME-WAIT), RFC 6528 (ISNs), RFC 6298 (RTO), RFC 7323 (window scaling, timestamps,
// PAWS), RFC 2018 (SACK), RFC 5681/6582 (fast retransmit and recovery) with a pluggable
// congestion controller (CUBIC by default, RFC 9438), RFC 5961 (blind-attack defences),
// delayed ACKs, Nagle (switchable, TCP_NODELAY), zero-window probing and keepalive.
//
// Nothing here does I/O, reads a clock or starts a thread: every input carries `now`.
// One owner drives it; it is not thread-safe. The polling contract, after any input
// (on_segment, on_timer, on_app_data, poll_read, close, abort, push, on_path_mtu):
//   1. call poll_transmit() until it returns nothing, sending each segment;
//   2. re-arm the wake-up from next_timeout() and call on_timer() when it is reached
//      (early, late or repeated calls are harmless);
//   3. drain poll_event().
// Segments are TCP bytes only (no IP header); the caller parses and checksums received
// segments with parse_segment() (segment.h) and prepends an IP header to transmitted
// ones. Errors on input are never fatal to the caller: bad segments are dropped and
// counted in stats().
//
// Deliberately not implemented: the urgent mechanism (URG is ignored, RFC 6093), ECN,
// data on SYN (ignored and not acknowledged, so the peer resends it), cwnd restart after
// idle (RFC 5681 §4.1), path-MTU increase probing (RFC 8201 §4), DSACK/undo of spurious
// retransmissions, RACK-TLP. SACK-based recovery follows RFC 6675 without its rule (3)/(4)
// extras; without SACK, NewReno (RFC 6582) recovery is used.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "proto/common/bytes.h"
#include "proto/common/time.h"
#include "proto/tcp/address.h"
#include "proto/tcp/congestion.h"
#include "proto/tcp/option_hook.h"
#include "proto/tcp/reassembly.h"
#include "proto/tcp/rtt.h"
#include "proto/tcp/sack_scoreboard.h"
#include "proto/tcp/segment.h"
#include "proto/tcp/send_buffer.h"
#include "proto/tcp/state.h"
#include "proto/tcp/timers.h"

namespace proto::tcp {

using namespace std::chrono_literals;

struct Config {
  // MSS we announce: our MTU minus the IP and TCP fixed headers (1460 for IPv4 and 1440
  // for IPv6 on a 1500-byte link). Also caps what we send.
  uint16_t mss = 1460;
  size_t send_buffer = 256 * 1024;     // bytes the app may queue (back-pressure)
  size_t receive_buffer = 256 * 1024;  // bytes held for the app (bounds the window)
  bool nodelay = false;                // true: Nagle off (TCP_NODELAY)
  bool window_scaling = true;          // RFC 7323 §2
  bool timestamps = true;              // RFC 7323 §3
  bool sack = true;                    // RFC 2018
  CongestionAlgorithm congestion = CongestionAlgorithm::Cubic;
  RtoConfig rto{};
  unsigned syn_retries = 6;    // SYN / SYN-ACK retransmissions before TimedOut
  unsigned data_retries = 15;  // data / FIN retransmissions before TimedOut (RFC 9293 R2)
  Duration msl = 60s;          // TIME-WAIT lasts 2*MSL (RFC 9293 §3.4.2)
  Duration delayed_ack = 40ms;  // RFC 9293 §3.8.6.3: under 0.5 s
  bool keepalive = false;       // RFC 9293 §3.8.4: off by default
  Duration keepalive_idle = 7200s;
  Duration keepalive_interval = 75s;
  unsigned keepalive_probes = 9;
  unsigned challenge_acks_per_second = 10;  // RFC 5961 §7 rate limit
  // Key for RFC 6528 ISNs and the RFC 7323 timestamp offset; at least 16 random bytes,
  // borrowed only during the factory call.
  ByteView isn_secret;
};

struct Event {
  enum class Kind : uint8_t {
    Connected,  // handshake done (ESTABLISHED)
    Readable,   // new bytes for poll_read(); again only after poll_read() drained them
    Writable,   // on_app_data() refused bytes earlier and space is free now
    PeerFin,    // the peer sent FIN: after the readable bytes, the stream ends
    Closed,     // the connection reached CLOSED; `reason` says why. Last event.
  };
  Kind kind;
  CloseReason reason = CloseReason::Normal;  // Closed only
  friend bool operator==(const Event&, const Event&) = default;
};

// Drop reasons, counted (RFC 9293 leaves most drops silent).
enum class Drop : uint8_t {
  WrongPorts,       // segment not for this connection's ports
  NoTimestamp,      // RFC 7323 §3.2: non-RST segment without TSopt once negotiated
  Paws,             // RFC 7323 §5: old timestamp
  OutOfWindow,      // RFC 9293 §3.10.7.4 first check
  BadAck,           // ACK outside the acceptable range
  RstOutOfWindow,   // RFC 5961 §3.2
  ChallengeAck,     // in-window RST/SYN answered with a challenge ACK (RFC 5961)
  ChallengeLimited, // challenge ACK suppressed by the rate limit
  Unexpected,       // segment that the current state ignores
  Count,
};

struct Stats {
  std::array<uint64_t, size_t(Drop::Count)> drops{};
  uint64_t segments_sent = 0;
  uint64_t segments_received = 0;
  uint64_t retransmits = 0;
  uint64_t fast_retransmits = 0;
  uint64_t rto_expirations = 0;
};

struct Transmit {
  size_t len = 0;  // bytes of the TCP segment written at the start of the caller's buffer
};

class Connection {
 public:
  // Active open (RFC 9293 §3.10.1): SYN-SENT; the SYN comes out of poll_transmit().
  static Connection connect(const Config& cfg, const FourTuple& tuple, Instant now);
  // Passive open for one 4-tuple: LISTEN. An endpoint creates it when a SYN for a
  // listening port arrives and feeds it that SYN.
  static Connection listen(const Config& cfg, const FourTuple& tuple, Instant now);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // ---- Inputs ----
  // A received segment whose checksum was verified (parse_segment()); `seg` may borrow
  // the caller's buffer only for the duration of the call.
  void on_segment(const SegmentRepr& seg, Instant now);
  // Timers whose deadline is <= now fire; otherwise a no-op.
  void on_timer(Instant now);
  // ICMP "fragmentation needed" / ICMPv6 "packet too big" for this path (RFC 1191,
  // RFC 8201): the MTU of the whole IP packet. Values below 576 (IPv4) / 1280 (IPv6)
  // are raised to those minimums.
  void on_path_mtu(uint32_t mtu, Instant now);

  // ---- Application commands ----
  // Queues bytes to send; returns how many were taken (0 when the send buffer is full,
  // after close(), or in a state that cannot send). A Writable event follows once space
  // frees after a short take.
  size_t on_app_data(ByteView data, Instant now);
  // Copies received in-order bytes; returns the count (0: nothing now; see at_eof()).
  // Reading opens the receive window again (window update sent if it grew enough).
  size_t poll_read(MutByteView out, Instant now);
  // RFC 9293 CLOSE: half-close. A FIN follows the queued data; receiving continues.
  void close(Instant now);
  // RFC 9293 ABORT: drop queued data, send RST where the state calls for one, and end
  // with Closed(Aborted).
  void abort(Instant now);
  // Marks the current end of the queued data as a push boundary: the segment ending
  // there carries PSH and is sent without waiting for Nagle.
  void push();
  void set_nodelay(bool on) { cfg_.nodelay = on; }
  // Installs the option hook (not owned; must outlive the connection or be reset to
  // nullptr). Install it before the first poll_transmit() to reach the SYN.
  void set_option_hook(OptionHook* hook) { hook_ = hook; }

  // ---- Outputs ----
  // Writes the next segment into buf (size it for kMaxHeaderLen + MSS; a smaller buffer
  // gets smaller segments, and nothing if under 60 bytes) and returns its length.
  std::optional<Transmit> poll_transmit(Instant now, MutByteView buf);
  std::optional<Instant> next_timeout() const;
  std::optional<Event> poll_event();

  // ---- Getters ----
  State state() const { return state_; }
  const FourTuple& tuple() const { return tuple_; }
  bool at_eof() const { return peer_fin_ && rcvbuf_.readable() == 0; }
  size_t readable() const { return rcvbuf_.readable(); }
  size_t send_space() const { return accepts_app_data() ? sndbuf_.free_space() : 0; }
  // Bytes queued and not yet acknowledged.
  size_t unacked() const { return sndbuf_.size(); }
  // Payload bytes per segment we currently send (MSS minus per-segment options).
  uint32_t send_mss() const { return data_mss(); }
  uint32_t cwnd() const { return cc_->cwnd(); }
  std::optional<Duration> srtt() const { return rtt_.srtt(); }
  Duration rto() const { return rtt_.rto(); }
  bool timestamps_enabled() const { return ts_ok_; }
  bool sack_enabled() const { return sack_ok_; }
  // Shift counts: ours applies to windows we send, the peer's to windows we receive.
  uint8_t receive_window_scale() const { return rcv_wscale_; }
  uint8_t send_window_scale() const { return snd_wscale_; }
  const Stats& stats() const { return stats_; }

 private:
  Connection(const Config& cfg, const FourTuple& tuple, State initial, Instant now);

  // connection_input.cpp
  void on_listen(const SegmentRepr& seg, Instant now);
  void on_syn_sent(const SegmentRepr& seg, Instant now);
  void on_synchronized(const SegmentRepr& seg, Instant now);
  bool check_timestamps(const SegmentRepr& seg, Instant now);
  bool acceptable(const SegmentRepr& seg) const;
  void on_reset(const SegmentRepr& seg, Instant now);
  bool process_ack(const SegmentRepr& seg, Instant now);
  void on_new_ack(const SegmentRepr& seg, SeqNum ack, Instant now);
  void on_dup_ack(Instant now);
  void update_send_window(const SegmentRepr& seg);
  void process_text(const SegmentRepr& seg, Instant now);
  void process_fin(Instant now);
  void negotiate_syn_options(const SegmentRepr& seg, Instant now);
  void challenge_ack(Instant now);
  void enter_established(Instant now);
  void enter_time_wait(Instant now);

  // connection_output.cpp
  std::optional<Transmit> emit(MutByteView buf, uint8_t flags, SeqNum seq, size_t data_len,
                               bool retransmission, Instant now);
  std::optional<Transmit> emit_reset(MutByteView buf, const SegmentRepr& rst);
  std::optional<Transmit> poll_data(MutByteView buf, Instant now);
  bool nagle_allows(uint32_t len, uint32_t avail, uint32_t seg_max, bool fin_pending) const;
  std::optional<Transmit> poll_retransmit(MutByteView buf, Instant now);
  uint16_t window_to_advertise(bool syn);
  void fill_sack(TcpOptions& opts) const;
  void on_sent(SeqNum seq, uint32_t seg_len, bool retransmission, Instant now);

  // connection.cpp
  void close_with(CloseReason why);
  void push_event(Event::Kind kind);
  void drop(Drop why) { ++stats_.drops[size_t(why)]; }
  bool accepts_app_data() const;
  void on_retransmit_timer(Instant now);
  void on_keepalive_timer(Instant now);
  void arm_keepalive(Instant now);
  uint32_t ts_now(Instant now) const;
  uint32_t data_mss() const;
  uint32_t flight_size() const { return snd_max_ - snd_una_; }
  uint32_t pipe() const;
  SeqNum data_end() const { return buf_seq_ + uint32_t(sndbuf_.size()); }
  bool fin_acked() const { return fin_queued_ && snd_una_ == data_end() + 1; }
  void maybe_window_update();

  Config cfg_;
  FourTuple tuple_;
  State state_;
  bool passive_;
  OptionHook* hook_ = nullptr;

  // Send sequence space (RFC 9293 §3.3.1). snd_max_: highest sequence number sent + 1
  // (snd_nxt_ is rewound below it to retransmit after a timeout).
  SeqNum iss_, snd_una_, snd_nxt_, snd_max_, snd_wl1_, snd_wl2_;
  uint32_t snd_wnd_ = 0;
  uint32_t max_snd_wnd_ = 0;
  SeqNum buf_seq_;  // sequence number of sndbuf_ byte 0
  bool fin_queued_ = false;
  std::optional<SeqNum> push_seq_;

  // Receive sequence space.
  SeqNum irs_, rcv_nxt_;
  SeqNum rcv_adv_;  // right edge of the window we advertised (never moved left)
  bool peer_fin_ = false;
  std::optional<SeqNum> pending_fin_;  // FIN received out of order, at this sequence number

  // Negotiated options.
  uint16_t peer_mss_ = 536;
  uint32_t path_mtu_;
  uint8_t snd_wscale_ = 0, rcv_wscale_ = 0;
  bool ws_ok_ = false, ts_ok_ = false, sack_ok_ = false;
  uint32_t ts_offset_ = 0;
  uint32_t ts_recent_ = 0;
  Instant ts_recent_at_;
  SeqNum last_ack_sent_;

  // Buffers.
  SendBuffer sndbuf_;
  Reassembly rcvbuf_;
  Bytes scratch_;  // payload staging for emit()

  // Loss detection and recovery.
  RttEstimator rtt_;
  std::unique_ptr<CongestionControl> cc_;
  SackScoreboard scoreboard_;
  unsigned dup_acks_ = 0;
  bool in_recovery_ = false;
  SeqNum recover_;
  uint32_t recovery_inflation_ = 0;
  bool rexmit_pending_ = false;  // fast/partial-ACK retransmission at SND.UNA due
  SeqNum rexmit_next_;           // SACK recovery: holes below this were retransmitted
  unsigned retries_ = 0;
  bool syn_timed_out_ = false;
  std::optional<std::pair<SeqNum, Instant>> rtt_probe_;  // Karn timing without TS

  // Output requests.
  bool ack_now_ = false;
  unsigned unacked_segments_ = 0;
  bool probe_pending_ = false;  // window probe / keepalive: <SEQ=SND.UNA-1>
  unsigned persist_backoff_ = 0;
  unsigned keepalive_sent_ = 0;
  std::optional<SegmentRepr> pending_rst_;
  Instant challenge_window_;
  unsigned challenge_count_ = 0;

  TimerTable timers_;
  std::deque<Event> events_;
  bool readable_signalled_ = false;
  bool want_writable_ = false;
  bool closed_signalled_ = false;
  Stats stats_;
};

// Maps a close reason to the errno an application sees (0 for Normal).
int close_reason_errno(CloseReason r);

}  // namespace proto::tcp
