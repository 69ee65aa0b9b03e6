// A ControlBackend for tests: connections are socketpairs whose tund end echoes every byte and
// answers EOF with shutdown(SHUT_WR) (half-close), on a thread per connection. Client carriers
// are gated (gate.h) until the posted outcome:
//   destination port 2: granted, then ConnectResult{Refused}; the tund end closes unread;
//   destination port 3: refused at once with NetUnreachable;
//   anything else: granted and established, encrypted (sample SecurityInfo).
// All ControlBackend calls and inject_accept() run on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <thread>
#include <vector>

#include "tund/control/backend.h"

namespace tund::control::testing {

inline constexpr uint16_t kRefusedPort = 2;
inline constexpr uint16_t kUnreachablePort = 3;

class FakeBackend final : public ControlBackend {
 public:
  explicit FakeBackend(boost::asio::io_context& io) : io_(io) {}
  ~FakeBackend() override;

  void attach(ControlEvents* events) override { events_ = events; }
  proto::control::HelloReply hello(const ClientContext& client) override;
  Outcome<ConnectGrant> connect(const ClientContext& client, const proto::control::Connect& req,
                                UniqueFd placeholder) override;
  Outcome<ListenGrant> listen(const ClientContext& client, const proto::control::Listen& req,
                              UniqueFd placeholder) override;
  OpOutcome unlisten(const ClientContext& client, uint64_t listener) override;
  OpOutcome shutdown(const ClientContext& client, uint64_t token,
                     proto::control::ShutdownHow how) override;
  OpOutcome abort(const ClientContext& client, uint64_t token) override;
  std::vector<proto::control::ConnectionStatus> status(const ClientContext& client) override;

  // Offers a new connection from `peer` on `listener` (io thread only).
  void inject_accept(uint64_t listener, proto::ip::Endpoint peer);

  // Observations (read them on the io thread).
  std::vector<ClientContext> clients_seen;
  std::vector<uint64_t> unlistened;
  std::vector<std::pair<uint64_t, proto::control::ShutdownHow>> shutdowns;
  std::map<uint64_t, ClientId> listeners;  // live listener → owner
  std::vector<proto::control::EnoOptions> eno_options_seen;  // of each Connect and Listen
  size_t extra_status_entries = 0;         // synthetic connections listed by status()

 private:
  void start_echo(int tund_end);  // takes ownership

  boost::asio::io_context& io_;
  ControlEvents* events_ = nullptr;
  uint64_t next_token_ = 1;
  std::vector<uint64_t> connections_;
  std::vector<int> tund_ends_;  // shut down at destruction to end the echo threads
  std::vector<std::thread> echoes_;
};

}  // namespace tund::control::testing
