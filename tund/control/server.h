// tund's control socket: accepts clients (shim, tools) on an AF_UNIX stream socket, decodes
// requests with proto/control, forwards them to a ControlBackend and sends the replies, with
// carriers beside them (SCM_RIGHTS, fd_passing.h).
//
// Per client: SO_PEERCRED is read at accept (ClientContext); local ports 1..1023 need uid 0
// or CAP_NET_BIND_SERVICE (peer_credentials.h), else the reply carries PrivilegedPort (EACCES).
// A malformed message is counted (Counters::bad_messages), logged once with the client's
// pid/uid and the reason, answered with an Error message, and the client is disconnected:
// the byte stream cannot be resynchronised. A client that stops reading its replies beyond
// Config::max_queued_bytes is disconnected too. When a client disconnects, the server
// unlistens every listener it registered without listener carrier; listeners with a listener
// carrier outlive the control channel (fork, daemon(), exec keep the carrier: shim.md §3.7),
// and the backend ends them when their carrier closes.
//
// Threading: everything runs on the io_context's thread; not thread-safe. The backend must
// outlive the server. Destroy the server on the io_context's thread (or after run() returned);
// destruction closes every client and removes the socket file.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "proto/control/messages.h"
#include "tund/control/backend.h"
#include "tund/sys_error.h"

namespace tund::control {

class ControlSession;

struct ServerConfig {
  std::string path = "/run/tcpcrypt/control.sock";  // directory created 0755, socket 0666
  size_t max_clients = 1024;
  size_t max_message_len = proto::control::kMaxMessageLen;
  size_t max_queued_bytes = 1 << 20;  // unsent replies per client before it is dropped
  size_t status_page = 200;           // ConnectionStatus entries per StatusReply
};

struct ServerCounters {
  uint64_t clients_accepted = 0;
  uint64_t clients_refused = 0;  // over max_clients, or SO_PEERCRED failed
  uint64_t requests = 0;
  uint64_t bad_messages = 0;     // undecodable, unexpected type, fd mismatch
  uint64_t slow_clients = 0;     // dropped for not reading replies
};

class ControlServer final : public ControlEvents {
 public:
  ControlServer(boost::asio::io_context& io, ControlBackend& backend, ServerConfig config);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the directory if missing, replaces a stale socket file (one nobody answers on;
  // a live one is EADDRINUSE), binds, listens and starts accepting.
  SysStatus start();

  const ServerCounters& counters() const { return counters_; }
  size_t client_count() const { return sessions_.size(); }

  // ControlEvents.
  void connect_result(ClientId client, const proto::control::ConnectResult& result) override;
  void accepted(ClientId client, const proto::control::Accepted& conn, UniqueFd carrier) override;

 private:
  friend class ControlSession;

  void accept_next();
  void on_accepted(boost::asio::local::stream_protocol::socket sock);
  void session_closed(ClientId id);

  ControlBackend& backend_;
  ServerConfig config_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // pause after a failed accept
  bool socket_created_ = false;
  ClientId next_id_ = 1;
  std::map<ClientId, std::shared_ptr<ControlSession>> sessions_;
  ServerCounters counters_;
};

}  // namespace tund::control
