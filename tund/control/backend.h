// What the control server asks of the rest of tund. The connection table implements
// ControlBackend; the control server (server.h) implements ControlEvents and hands it to the
// backend with attach().
//
// Threading: every call in both directions happens on the io_context thread that runs the
// server. A backend that learns results on another thread must post() them to that thread.
// Never call ControlEvents from inside connect()/listen(): the reply that names the token is
// not sent yet, so the event would be dropped; post() it instead.
// Errors: a ConnError (conn_error.h), which the client turns into the kernel errno.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <tl/expected.hpp>
#include <vector>

#include "proto/control/messages.h"
#include "tund/control/unique_fd.h"

namespace tund::control {

using proto::control::ConnError;
using ClientId = uint64_t;

// Who is asking: from SO_PEERCRED at accept time (never from the client's own claims).
struct ClientContext {
  ClientId id = 0;
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  // uid 0 or CAP_NET_BIND_SERVICE in the client's effective set when it connected. The server
  // already refuses local ports 1..1023 without it (PrivilegedPort → EACCES).
  bool may_bind_privileged = false;
};

template <class T>
using Outcome = tl::expected<T, ConnError>;
using OpOutcome = std::optional<ConnError>;  // nullopt = done

struct ConnectGrant {
  proto::ip::Endpoint local;  // tund's chosen local address and port
  uint64_t token = 0;         // non-zero, unique among live connections and listeners
  UniqueFd carrier;           // app end of the client carrier, gate already armed (shim.md §3.3)
};

struct ListenGrant {
  proto::ip::Endpoint local;  // bound address with the real port
  uint64_t listener = 0;      // non-zero token
  UniqueFd listener_carrier;  // listening AF_UNIX socket iff Listen::listener_carrier
};

// Implemented by the control server; the backend reports asynchronous outcomes through it.
class ControlEvents {
 public:
  // Exactly once per granted connect: established (error nullopt, security filled) or failed.
  // result.token names the connection. Dropped silently if the client has gone.
  virtual void connect_result(ClientId client, const proto::control::ConnectResult& result) = 0;
  // A connection accepted on a listener granted without listener carrier: sent to the client
  // with `carrier` beside it. If the client has gone, the carrier is closed (the backend sees
  // its end hang up and resets the connection).
  virtual void accepted(ClientId client, const proto::control::Accepted& conn,
                        UniqueFd carrier) = 0;

 protected:
  ~ControlEvents() = default;
};

class ControlBackend {
 public:
  virtual ~ControlBackend() = default;

  // Called by the server's constructor (events) and destructor (nullptr).
  virtual void attach(ControlEvents* events) = 0;

  // Hello: tund's T addresses and ephemeral range (version is filled by the server).
  virtual proto::control::HelloReply hello(const ClientContext& client) = 0;

  // Synchronous checks (policy, route, port) then start the handshake; report the end with
  // ControlEvents::connect_result. `placeholder` is the app's bound fresh socket if it sent one.
  virtual Outcome<ConnectGrant> connect(const ClientContext& client,
                                        const proto::control::Connect& request,
                                        UniqueFd placeholder) = 0;
  virtual Outcome<ListenGrant> listen(const ClientContext& client,
                                      const proto::control::Listen& request,
                                      UniqueFd placeholder) = 0;
  // Also called by the server for every listener without listener carrier that a client
  // registered, when that client disconnects (nothing could deliver its connections).
  virtual OpOutcome unlisten(const ClientContext& client, uint64_t listener) = 0;
  virtual OpOutcome shutdown(const ClientContext& client, uint64_t token,
                             proto::control::ShutdownHow how) = 0;
  virtual OpOutcome abort(const ClientContext& client, uint64_t token) = 0;
  // Every connection and listener the client may see (tund's policy: all, or same uid).
  virtual std::vector<proto::control::ConnectionStatus> status(const ClientContext& client) = 0;
};

}  // namespace tund::control
