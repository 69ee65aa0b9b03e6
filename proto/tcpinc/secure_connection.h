// One TCP connection that speaks TCP-ENO (RFC 8547) + tcpcrypt (RFC 8548) with peers that
// do, and plain TCP with everyone else. Sans-IO: it owns a tcp::Connection, puts the ENO
// option on its segments through tcp::OptionHook, and once ENO is Enabled with a tcpcrypt
// TEP runs a tcpcrypt::Session between the TCP byte stream and the application.
//
// Same contract as tcp::Connection (connection.h): every input carries `now`; after any
// input (on_segment, on_timer, on_app_data, poll_read, close, abort, request_rekey) drain
// poll_transmit(), re-arm from next_timeout(), drain poll_event(). One owner, not
// thread-safe. The RandomSource and the SessionCache are borrowed and must outlive it.
// Movable (the hook is re-bound to the new address).
//
// What the application sees:
//   * Connected once the connection is usable: after a fallback to plain TCP (ENO
//     disabled; opportunistic mode) or once tcpcrypt keys exist (A: Init2 checked; B:
//     Init1 answered). Bytes given to on_app_data() before that are held (pending_limit)
//     and leave only as frames, or as plaintext after a fallback in opportunistic mode.
//   * After ENO succeeded no application byte is ever sent or delivered in plaintext
//     (ENO-16, TC-2); the TCP payload is Init1/Init2 and frames only.
//   * EOF (PeerFin, at_eof()) exactly on an authenticated FINp frame (TC-32). Any failure
//     (frame authentication, key exchange, TCP FIN without FINp, required mode without
//     encryption, key-exchange timeout) aborts: RST, keys erased, Closed with `error`
//     set, distinct from EOF (TC-10, TC-30, TC-33, TC-47). No byte of a frame that failed
//     authentication is delivered.
//   * close(): the last frame carries FINp, and TCP's FIN follows it (TC-31).
//   * RFC 8547 §9 "type 2" failure (ENO stripped from the third ACK only): this host fell
//     back but the peer enabled ENO; when the peer's data segments still carry ENO
//     (ENO-13) this layer aborts with EnoMismatch before the app reads a byte. If a
//     middlebox strips ENO from every later segment too, the passive side cannot tell and
//     its application receives the peer's Init1 bytes; the encrypting side then aborts
//     (bad Init2, or HandshakeTimeout) without sending or delivering application data.
// Forward secrecy (ENO-25): the session (traffic keys, mk chain) is destroyed when both
// FINp frames have been exchanged and at the latest when the connection is Closed or
// aborted; holds_keys() tells. A resumption secret lives on only in the SessionCache
// (bounded by CacheConfig::lifetime). The TCP send buffer keeps ciphertext for
// retransmission (TC-37: retransmitted bytes are the bytes first sent, so the same key).
#pragma once

#include <deque>
#include <memory>
#include <optional>

#include "crypto/random.h"
#include "proto/eno/negotiator.h"
#include "proto/tcp/connection.h"
#include "proto/tcpcrypt/session.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "proto/tcpinc/config.h"

namespace proto::tcpinc {

enum class Protection : uint8_t {
  Pending,    // ENO not decided yet, or the key exchange is running
  Encrypted,  // tcpcrypt keys in use
  Plain,      // fallback to plain TCP (or mode Off)
  Failed,     // aborted by this layer (see error())
};

namespace detail {

// Everything a SecureConnection holds, in one movable base, so that its move operations
// stay member-wise (nothing forgotten) and only re-bind the TCP option hook.
struct SecureConnectionState {
  SecureConnectionState(const Config& cfg, tcp::Connection conn, crypto::RandomSource& rng,
                        tcpcrypt::SessionCache* cache, Instant now)
      : cfg_(cfg), rng_(&rng), cache_(cache), conn_(std::move(conn)), last_rekey_(now) {}

  Config cfg_;
  crypto::RandomSource* rng_;
  tcpcrypt::SessionCache* cache_;
  Bytes peer_key_;  // cache key: the peer's IP address bytes
  std::unique_ptr<tcpcrypt::TcpcryptPolicy> policy_;  // heap: the negotiator refers to it
  std::unique_ptr<eno::Negotiator> negotiator_;
  tcp::Connection conn_;
  Protection protection_ = Protection::Pending;
  std::optional<tcpcrypt::Session> session_;
  std::optional<tcpcrypt::SessionId> session_id_;
  std::optional<crypto::AeadId> aead_;
  bool resumed_ = false;
  std::optional<Error> error_;
  bool eno_after_fallback_ = false;  // the peer sent ENO on data after we fell back
  bool tcp_connected_ = false;
  bool connected_signalled_ = false;
  bool closed_signalled_ = false;
  std::optional<Instant> handshake_deadline_;
  Bytes app_tx_;              // app bytes not yet given to the session / TCP
  bool app_closed_ = false;   // close() called
  bool fin_handed_ = false;   // FINp (or plain close) given on to the session / TCP
  Bytes tx_;                  // stream bytes the session produced, not yet taken by TCP
  std::deque<size_t> push_ends_;   // tx_ offsets where a chunk wanting PSH ends (TC-4)
  bool tcp_close_after_tx_ = false;  // TCP close once tx_ drains (the FINp chunk)
  Bytes rx_;                  // decrypted bytes for the app
  size_t rx_pos_ = 0;
  bool peer_eof_ = false;
  bool want_writable_ = false;
  bool readable_signalled_ = false;
  struct {
    bool readable = false, peer_fin = false;
  } plain_pending_;  // TCP events seen before a fallback was decided, replayed then
  uint64_t bytes_since_rekey_ = 0;
  uint64_t last_generation_ = 0;
  Instant last_rekey_;
  std::deque<Event> events_;
  Stats stats_;
};

}  // namespace detail

class SecureConnection final : public tcp::OptionHook, private detail::SecureConnectionState {
 public:
  // Active open (host A unless cfg.role_b). cache may be null (no resumption); it is keyed
  // by the peer's IP address bytes.
  static SecureConnection connect(const Config& cfg, const tcp::FourTuple& tuple,
                                  crypto::RandomSource& rng, tcpcrypt::SessionCache* cache,
                                  Instant now);
  // Passive open for one 4-tuple (host B); feed it the SYN.
  static SecureConnection listen(const Config& cfg, const tcp::FourTuple& tuple,
                                 crypto::RandomSource& rng, tcpcrypt::SessionCache* cache,
                                 Instant now);

  SecureConnection(SecureConnection&& o) noexcept;
  SecureConnection& operator=(SecureConnection&& o) noexcept;
  ~SecureConnection() override;

  // ---- Inputs (as tcp::Connection) ----
  void on_segment(const tcp::SegmentRepr& seg, Instant now);
  void on_timer(Instant now);
  void on_path_mtu(uint32_t mtu, Instant now);

  // ---- Application commands ----
  // Bytes taken (0: buffers full, closed, or failed; a Writable event follows a short take).
  size_t on_app_data(ByteView data, Instant now);
  // Bytes on_app_data() would take now (0 after close(), or when failed).
  size_t send_space() const;
  // Decrypted (or, after a fallback, plain) bytes; 0: nothing now (see at_eof()).
  size_t poll_read(MutByteView out, Instant now);
  void close(Instant now);
  void abort(Instant now);
  // Key update now (RFC 8548 §3.8, TC-39). InvalidState when not encrypted, after our
  // FINp, or while the peer has not answered the previous one (TC-36).
  Status request_rekey(Instant now);
  void set_nodelay(bool on) { conn_.set_nodelay(on); }

  // ---- Outputs ----
  std::optional<tcp::Transmit> poll_transmit(Instant now, MutByteView buf);
  std::optional<Instant> next_timeout() const;
  std::optional<Event> poll_event();

  // ---- Getters ----
  Protection protection() const { return protection_; }
  bool encrypted() const { return protection_ == Protection::Encrypted; }
  // ENO-27: the session ID, nullopt until keys exist (and for plain connections).
  std::optional<tcpcrypt::SessionId> session_id() const { return session_id_; }
  std::optional<eno::Role> role() const;                 // once ENO is Enabled
  std::optional<uint8_t> tep() const;                    // negotiated TEP id (v bit clear)
  std::optional<crypto::AeadId> aead() const { return aead_; }
  std::optional<bool> peer_app_aware() const;            // peer's a bit (ENO-5)
  std::optional<uint8_t> peer_global() const;            // TCP_ENO_PEER_GOPT (api.md §3)
  uint8_t local_global() const;                          // TCP_ENO_SELF_GOPT
  const Config& config() const { return cfg_; }
  bool resumed() const { return resumed_; }
  // Why ENO fell back (nullopt while pending or when encrypted).
  std::optional<eno::DisableReason> disable_reason() const;
  std::optional<Error> error() const { return error_; }
  uint64_t local_generation() const;
  uint64_t remote_generation() const;
  // Forward secrecy check: true while traffic keys (a tcpcrypt::Session) exist.
  bool holds_keys() const { return session_.has_value(); }
  bool at_eof() const;
  tcp::State state() const { return conn_.state(); }
  const tcp::FourTuple& tuple() const { return conn_.tuple(); }
  const tcp::Connection& tcp() const { return conn_; }
  const Stats& stats() const { return stats_; }

  // ---- tcp::OptionHook (called by the owned connection) ----
  size_t extra_options(const tcp::OutgoingSegment& seg, MutByteView room) override;
  void on_segment_options(const tcp::SegmentRepr& seg) override;

 private:
  SecureConnection(const Config& cfg, tcp::Connection conn, eno::Opener opener,
                   crypto::RandomSource& rng, tcpcrypt::SessionCache* cache, Instant now);
  void bind();

  // secure_connection.cpp: negotiation outcome and failures
  void update(Instant now);
  void decide(Instant now);
  void start_session(Instant now);
  void on_established(const tcpcrypt::Established& e, Instant now);
  void fail(Error e, Instant now);
  void push_event(Event e) { events_.push_back(e); }

  // secure_data_path.cpp: bytes between the app, the session and TCP
  void pump(Instant now);
  void pull_tcp_bytes(Instant now);
  void drain_session(Instant now);
  void feed_tcp(Instant now);
  void feed_session(Instant now);
  void feed_plain(Instant now);
  void maybe_rekey(Instant now);
  void maybe_drop_keys();
  void drain_tcp_events();
};

}  // namespace proto::tcpinc
