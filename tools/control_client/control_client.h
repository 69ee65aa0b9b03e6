// Blocking client of tund's control socket for tools and tests (`tcpcrypt nc`, status).
// Uses the shared codec (proto/control) and fd passing (tund/control/fd_passing.h); the shim
// has its own libc-only client over the same codec.
//
// Errors are errno values, as a socket call would give: a refused connect is ECONNREFUSED
// (proto::control::to_errno), tund gone is ECONNRESET, an Error message or undecodable reply
// is EPROTO, a reply not arriving within the timeout is ETIME (distinct from a connection's
// ETIMEDOUT). Not thread-safe: one thread uses one client.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "proto/control/decoder.h"
#include "tund/control/unique_fd.h"

namespace control_client {

using tund::control::UniqueFd;
namespace pc = proto::control;

template <class T>
using Expected = tl::expected<T, int>;  // errno on failure

// Negative = wait forever.
using Timeout = std::chrono::milliseconds;
inline constexpr Timeout kForever{-1};

struct Connection {
  UniqueFd carrier;  // the app end: read/write/shutdown it like a TCP socket
  proto::ip::Endpoint local;
  uint64_t token = 0;
};

struct ListenHandle {
  uint64_t listener = 0;
  proto::ip::Endpoint local;
  UniqueFd listener_carrier;  // only when Listen::listener_carrier was asked
};

struct Incoming {
  pc::Accepted info;  // peer and local addresses, security outcome
  UniqueFd carrier;
};

class ControlClient {
 public:
  // Connects to tund at `path`; `timeout` bounds each later request's wait for its reply.
  static Expected<ControlClient> open(const std::string& path, Timeout timeout);

  Expected<pc::HelloReply> hello();
  // Connect → ConnectReply: the carrier, or the errno of a synchronous refusal.
  Expected<Connection> connect(const pc::Connect& request, int placeholder_fd = -1);
  // Waits for the connection's ConnectResult (established or failed, with security info).
  Expected<pc::ConnectResult> wait_connect_result(uint64_t token, Timeout timeout);
  Expected<ListenHandle> listen(const pc::Listen& request);
  // Next Accepted for `listener`, with its carrier.
  Expected<Incoming> accept(uint64_t listener, Timeout timeout);
  Expected<void> unlisten(uint64_t listener);
  Expected<void> shutdown(uint64_t token, pc::ShutdownHow how);
  Expected<void> abort(uint64_t token);
  // Every connection tund lists for us (follows the StatusReply cursor). EPROTO when the
  // cursor does not advance or after 65536 pages.
  Expected<std::vector<pc::ConnectionStatus>> status();

  int fd() const { return sock_.get(); }

  // A frame with the fd that travelled beside it.
  struct Received {
    pc::Frame frame;
    UniqueFd fd;
  };

 private:

  explicit ControlClient(UniqueFd sock, Timeout timeout) : sock_(std::move(sock)), timeout_(timeout) {}
  // Sends a request and returns the frame answering it; async frames met meanwhile are queued.
  Expected<Received> request(pc::Body body, int fd = -1);
  // First queued or incoming frame matching `want`, waiting at most `timeout`.
  template <class Pred>
  Expected<Received> wait_for(Pred want, Timeout timeout);
  Expected<Received> read_frame(std::chrono::steady_clock::time_point deadline, bool forever);
  Expected<void> op(pc::Body body);

  UniqueFd sock_;
  Timeout timeout_;
  pc::Decoder decoder_;
  std::vector<UniqueFd> fds_in_;
  std::deque<Received> queued_;
  uint32_t next_id_ = 1;
};

}  // namespace control_client
