// tund's connection table: TCP connections (via TcpStack, the one TCP seam) joined to client
// carriers. It is the daemon's PacketHandler (TUN packets, ICMP errors, timers) and the
// control server's ControlBackend (connect, listen, unlisten, shutdown, abort, status).
//
// Per connection, the carrier's tund end is relayed with back-pressure both ways:
//   app → TCP: carrier read only while Connection::on_app_data has room; a refused take
//              makes TCP raise Writable, which resumes reading. App EOF → close() (FIN);
//              app gone with unread data (ECONNRESET/EPIPE on the carrier) → abort() (RST).
//   TCP → app: poll_read only while the carrier accepts bytes; otherwise the bytes stay in
//              TCP's receive buffer and its window closes. PeerFin → shutdown(SHUT_WR) on
//              the carrier after the last byte (the app reads EOF, may keep writing).
//   failure:   a connect that fails (RST, timeout, ICMP) closes the tund end with the gate
//              filler unread: the app sees ECONNRESET (gate.h); ConnectResult names the
//              reason. An established connection that is reset or times out closes its
//              carrier, and the reason stays visible in status() (state Aborted, error) for
//              the last kRecentlyClosed connections, so tools can tell a reset from EOF.
// Active opens get a port from the ephemeral range, or the client's explicit local port
// (Connect::local, e.g. for a simultaneous open): reserved if it lies in the range, else given
// its own inbound rule (add_listener_rule) until the connection is removed; EADDRINUSE when a
// connection or listener holds it. (The shim refuses explicit binds in the range, shim.md
// §3.5; control clients such as `tcpcrypt nc` may use them.)
// Bounded: ConnTableConfig::max_connections (connections incl. TIME-WAIT, plus listeners),
// per-connection TCP buffers (tcp::Config), one 64 KiB scratch buffer for all relaying plus
// at most that much per connection waiting for a slow app (Managed::to_app).
// ICMP: "packet too big" lowers the path MTU; unreachables while connecting are kept as soft
// errors and reported instead of ETIMEDOUT (RFC 1122 §4.2.3.9). The quoted sequence number
// is not checked yet (RFC 5927 §4.1), so a forged unreachable can only change which errno a
// connect that times out anyway reports.
//
// Threading: io thread only. Control- and carrier-driven inputs end with the reschedule hook
// (Daemon::reschedule). The table must outlive the control server that calls it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/secure.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpinc/secure_endpoint.h"
#include "tund/conn_table/carrier.h"
#include "tund/conn_table/port_allocator.h"
#include "tund/conn_table/tcp_stack.h"
#include "tund/control/backend.h"
#include "tund/deadline_timer.h"
#include "tund/packet_handler.h"
#include "tund/routing/rule.h"
#include "tund/sys_error.h"

namespace tund::conn_table {

struct ConnTableConfig {
  std::vector<proto::ip::IpAddress> addresses;  // tund's shared (T) addresses
  routing::PortRange ephemeral{40000, 49999};
  uint32_t mtu = 1500;                          // TUN MTU: sets the MSS we announce
  size_t max_connections = 4096;
  unsigned syn_retries = 6;
  // ENO/tcpcrypt defaults of every connection (mode, TEPs, AEADs, key update); a client's
  // EnoOptions override them per connection (security.h). Its tcp.mss, syn_retries and
  // isn_secret are set by the table; randomness_ready is asked at every open (ENO-28).
  proto::tcpinc::Config security;
  std::optional<proto::tcpcrypt::CacheConfig> resumption_cache;  // nullopt: resumption off
  // Listener routing rules (Routing::add_listener/remove_listener in tund).
  std::function<SysStatus(uint16_t)> add_listener_rule;
  std::function<SysStatus(uint16_t)> remove_listener_rule;
  // Called after inputs that did not come through the daemon (control, carriers).
  std::function<void()> reschedule;
};

struct ConnTableStats {
  uint64_t connects = 0;          // granted active opens
  uint64_t connects_failed = 0;   // granted, then refused/timed out/unreachable
  uint64_t accepted = 0;          // passive connections handed to a client
  uint64_t accept_dropped = 0;    // passive connections reset: no listener, backlog full
  uint64_t resets = 0;            // established connections ended by RST or timeout
  uint64_t app_aborts = 0;        // carrier gone with unread data: RST sent
  uint64_t bytes_from_apps = 0;
  uint64_t bytes_to_apps = 0;
  uint64_t refused_full = 0;      // requests refused at max_connections
  uint64_t carrier_errors = 0;    // socketpair/gate failures
  uint64_t encrypted = 0;         // connections delivered with tcpcrypt keys
  uint64_t resumed = 0;           // of those, resumed sessions (no public-key operation)
  uint64_t plain = 0;             // delivered as plain TCP (fallback or mode off)
  uint64_t eno_required_failures = 0;  // required mode, peer did not encrypt
  uint64_t crypto_failures = 0;   // key exchange, handshake timeout, frame integrity
  uint64_t key_updates = 0;       // key updates this host initiated (RFC 8548 §3.8)
  size_t connections = 0;         // gauges
  size_t listeners = 0;
  size_t keys_held = 0;           // connections holding traffic keys (forward secrecy check)
  size_t cached_secrets = 0;      // resumption cache entries
  std::string to_text() const;    // "name value" lines, as DaemonStats::to_text
};

class ConnTable final : public PacketHandler, public control::ControlBackend {
 public:
  static constexpr size_t kRecentlyClosed = 256;

  ConnTable(boost::asio::io_context& io, const LoopClock& clock, PacketSink& sink,
            ConnTableConfig config);
  ~ConnTable() override;
  ConnTable(const ConnTable&) = delete;
  ConnTable& operator=(const ConnTable&) = delete;

  // PacketHandler.
  void on_packet(const proto::ip::IpPacket& packet, proto::Instant now) override;
  void on_icmp(const proto::ip::IcmpError& error, proto::Instant now) override;
  void on_timer(proto::Instant now) override;
  std::optional<proto::Instant> next_timeout() const override;

  // ControlBackend.
  void attach(control::ControlEvents* events) override { events_ = events; }
  proto::control::HelloReply hello(const control::ClientContext& client) override;
  control::Outcome<control::ConnectGrant> connect(const control::ClientContext& client,
                                                  const proto::control::Connect& request,
                                                  control::UniqueFd placeholder) override;
  control::Outcome<control::ListenGrant> listen(const control::ClientContext& client,
                                                const proto::control::Listen& request,
                                                control::UniqueFd placeholder) override;
  control::OpOutcome unlisten(const control::ClientContext& client, uint64_t listener) override;
  control::OpOutcome shutdown(const control::ClientContext& client, uint64_t token,
                              proto::control::ShutdownHow how) override;
  control::OpOutcome abort(const control::ClientContext& client, uint64_t token) override;
  std::vector<proto::control::ConnectionStatus> status(const control::ClientContext& client) override;

  const ConnTableStats& stats();  // refreshes the gauges
  const TcpStack& stack() const { return stack_; }

 private:
  struct Managed {
    uint64_t token = 0;
    proto::tcp::ConnectionId id = 0;
    bool active = false;
    control::ClientId client = 0;
    uint32_t pid = 0, uid = 0;
    uint64_t listener = 0;  // passive: the listener it arrived on
    proto::ip::Endpoint local, remote;
    proto::control::Mode mode = proto::control::Mode::Opportunistic;  // effective
    std::unique_ptr<Carrier> carrier;
    size_t filler = 0;         // active: gate filler still in the carrier
    bool own_rule = false;     // active, explicit local port outside the ephemeral range
    bool delivered = false;    // Connected reported (ConnectResult or Accepted)
    bool app_eof = false;      // the app closed its write side; TCP close() called
    bool fin_to_app = false;   // shutdown(SHUT_WR) done on the carrier
    bool tcp_closed = false;   // Closed(Normal) seen; removed once the carrier is done
    proto::Bytes to_app;       // bytes read from TCP that the carrier did not take yet
    std::optional<proto::control::ConnError> soft_error;  // ICMP while connecting
    std::optional<proto::control::ConnError> error;
    proto::control::Counters counters;
  };
  struct Listener {
    uint64_t token = 0;
    control::ClientId client = 0;
    uint32_t pid = 0, uid = 0;
    proto::ip::Endpoint local;
    uint32_t backlog = 0;
    proto::control::Mode mode = proto::control::Mode::Opportunistic;  // effective
    bool open = true;    // false after unlisten: waits for its last connection
    size_t live = 0;     // connections that arrived on it and are not removed yet
    size_t pending = 0;  // arrived, not yet established/delivered
  };

  // conn_table.cpp: input plumbing.
  void mark(uint64_t token) { dirty_.insert(token); }
  void drain(proto::Instant now);
  void after_external_input();
  Managed* find(uint64_t token);
  Managed* find_by_id(proto::tcp::ConnectionId id);
  void adopt_passive(proto::tcp::ConnectionId id, proto::Instant now);
  void process_events(Managed& m, proto::Instant now);
  void on_connected(Managed& m, proto::Instant now);
  void on_closed(Managed& m, const proto::tcpinc::Event& closed, proto::Instant now);
  void count_outcome(const proto::tcpinc::SecureConnection& c);
  void count_failure(std::optional<proto::control::ConnError> e);
  bool finished(const Managed& m) const;
  void remove(Managed& m);
  void remember_closed(const Managed& m);
  proto::control::ConnectionStatus status_of(const Managed& m);
  proto::tcpinc::SecureConnection* tcp(const Managed& m) { return stack_.endpoint().get(m.id); }

  // relay.cpp: carrier ↔ TCP.
  void start_relay(Managed& m, control::UniqueFd tund_end);
  void pump_to_app(Managed& m, proto::Instant now);
  void pump_from_app(Managed& m, proto::Instant now);
  void app_gone(Managed& m, proto::Instant now);
  void close_carrier(Managed& m);

  // control_ops.cpp helpers.
  std::optional<proto::ip::IpAddress> local_address_for(const proto::ip::IpAddress& dst) const;
  bool full() const;
  void release_listener_connection(uint64_t listener);
  // An active open's explicit local port (connect with Connect::local): reserved in the
  // ephemeral range, or else given its own inbound routing rule (own_rule = true).
  // AddressInUse when a connection or listener has it.
  tl::expected<bool, proto::control::ConnError> bind_local_port(const proto::ip::IpAddress& addr, uint16_t port);
  void release_local_port(const proto::ip::IpAddress& addr, uint16_t port, bool own_rule);

  boost::asio::io_context& io_;
  const LoopClock& clock_;
  ConnTableConfig config_;
  crypto::SecretBytes isn_secret_;  // RFC 6528 key; the Endpoint copies it at construction
  TcpStack stack_;
  PortAllocator ports_;
  control::ControlEvents* events_ = nullptr;
  uint64_t next_token_ = 1;
  std::map<uint64_t, Managed> conns_;
  std::map<proto::tcp::ConnectionId, uint64_t> by_id_;
  std::map<uint64_t, Listener> listeners_;
  std::map<uint16_t, uint64_t> listener_by_port_;
  std::set<uint16_t> bound_ports_;  // explicit local ports outside the range (own rule each)
  std::set<uint64_t> dirty_;
  std::deque<proto::control::ConnectionStatus> recently_closed_;
  std::vector<uint8_t> scratch_;
  uint64_t key_updates_removed_ = 0;  // key_updates of connections already removed
  ConnTableStats stats_;
};

}  // namespace tund::conn_table
