// One control client of tund (internal to tund/control; see server.h for the rules).
// Reads with recvmsg (fds beside messages), decodes with proto::control::Decoder, dispatches
// requests to the backend, and queues replies (each possibly with one fd) for sendmsg.
#pragma once

#include <boost/asio/local/stream_protocol.hpp>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "proto/control/decoder.h"
#include "tund/control/backend.h"

namespace tund::control {

class ControlServer;

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(ControlServer& server, boost::asio::local::stream_protocol::socket sock,
                 ClientContext client);

  void start();
  // Closes the socket at once; pending handlers become no-ops. Idempotent.
  void close();
  const ClientContext& client() const { return client_; }

  // Asynchronous events from the backend (via the server).
  void deliver_connect_result(const proto::control::ConnectResult& result);
  void deliver_accepted(const proto::control::Accepted& conn, UniqueFd carrier);

 private:
  struct Outgoing {
    proto::Bytes bytes;
    UniqueFd fd;  // sent with the first byte
    size_t sent = 0;
  };
  struct ListenerEntry {
    uint32_t request_id = 0;
    bool has_carrier = false;
  };

  void wait_readable();
  void on_readable();
  bool dispatch_frames();  // false once the session is closing
  void handle(const proto::control::Frame& frame, UniqueFd fd);
  void on_connect(uint32_t id, const proto::control::Connect& m, UniqueFd fd);
  void on_listen(uint32_t id, const proto::control::Listen& m, UniqueFd fd);
  void on_status(uint32_t id, const proto::control::StatusQuery& m);
  bool privileged_port_refused(uint16_t port) const;

  void send(proto::control::Frame frame, UniqueFd fd = {});
  void flush();
  // Logs, counts, sends Error, then closes once it is flushed.
  void fault(proto::control::Fault fault, const char* detail);
  void finish_and_close();

  ControlServer& server_;
  boost::asio::local::stream_protocol::socket sock_;
  ClientContext client_;
  proto::control::Decoder decoder_;
  std::vector<UniqueFd> fds_in_;  // received, not yet claimed by a frame
  std::deque<Outgoing> out_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;  // no more requests; close after the queue drains
  bool closed_ = false;
  std::map<uint64_t, uint32_t> pending_connects_;  // token → Connect request id
  std::map<uint64_t, ListenerEntry> listeners_;
};

}  // namespace tund::control
