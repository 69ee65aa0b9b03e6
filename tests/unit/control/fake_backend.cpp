#include "tests/unit/control/fake_backend.h"

#include <boost/asio/post.hpp>
#include <sys/socket.h>

#include <algorithm>

#include "tests/unit/control/sample_frames.h"
#include "tund/control/gate.h"

namespace tund::control::testing {

namespace pc = proto::control;

FakeBackend::~FakeBackend() {
  for (int fd : tund_ends_) ::shutdown(fd, SHUT_RDWR);
  for (auto& t : echoes_) t.join();
  for (int fd : tund_ends_) ::close(fd);
}

void FakeBackend::start_echo(int fd) {
  tund_ends_.push_back(fd);
  echoes_.emplace_back([fd] {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      if (::send(fd, buf, size_t(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(fd, SHUT_WR);  // clean EOF toward the app (shim.md D7)
  });
}

pc::HelloReply FakeBackend::hello(const ClientContext&) {
  return pc::HelloReply{pc::kVersion, 40000, 40999,
                        {*proto::ip::IpAddress::parse("198.18.0.1"),
                         *proto::ip::IpAddress::parse("fd00::1")}};
}

Outcome<ConnectGrant> FakeBackend::connect(const ClientContext& client, const pc::Connect& req,
                                           UniqueFd) {
  clients_seen.push_back(client);
  eno_options_seen.push_back(req.options);
  if (req.destination.port == kUnreachablePort) return tl::unexpected(ConnError::NetUnreachable);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return tl::unexpected(ConnError::ResourceExhausted);
  UniqueFd app_end(sv[0]);
  auto filler = arm_gate(sv[0]);
  if (!filler) {
    ::close(sv[1]);
    return tl::unexpected(ConnError::ResourceExhausted);
  }
  uint64_t token = next_token_++;
  connections_.push_back(token);
  bool refuse = req.destination.port == kRefusedPort;
  // The outcome arrives later, as from a real handshake (shim.md §3.3 steps 6, 7).
  boost::asio::post(io_, [this, id = client.id, token, refuse, fd = sv[1], n = *filler] {
    pc::ConnectResult result{token, std::nullopt, pc::testing::encrypted_info()};
    if (refuse || !open_gate(fd, n)) {
      ::close(fd);  // failure: close without reading the filler
      result = pc::ConnectResult{token, ConnError::Refused, {}};
    } else {
      start_echo(fd);
    }
    if (events_) events_->connect_result(id, result);
  });
  return ConnectGrant{proto::ip::Endpoint{*proto::ip::IpAddress::parse("198.18.0.1"),
                                          uint16_t(40000 + token)},
                      token, std::move(app_end)};
}

Outcome<ListenGrant> FakeBackend::listen(const ClientContext& client, const pc::Listen& req,
                                         UniqueFd) {
  clients_seen.push_back(client);
  eno_options_seen.push_back(req.options);
  uint64_t token = next_token_++;
  listeners[token] = client.id;
  ListenGrant g{req.local, token, {}};
  if (g.local.port == 0) g.local.port = 5000;
  if (req.listener_carrier) {
    int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g.listener_carrier.reset(s);
  }
  return g;
}

OpOutcome FakeBackend::unlisten(const ClientContext&, uint64_t listener) {
  if (listeners.erase(listener) == 0) return ConnError::UnknownConnection;
  unlistened.push_back(listener);
  return std::nullopt;
}

OpOutcome FakeBackend::shutdown(const ClientContext&, uint64_t token, pc::ShutdownHow how) {
  if (std::find(connections_.begin(), connections_.end(), token) == connections_.end())
    return ConnError::UnknownConnection;
  shutdowns.emplace_back(token, how);
  return std::nullopt;
}

OpOutcome FakeBackend::abort(const ClientContext& client, uint64_t token) {
  return shutdown(client, token, pc::ShutdownHow::Both);
}

std::vector<pc::ConnectionStatus> FakeBackend::status(const ClientContext& client) {
  std::vector<pc::ConnectionStatus> out;
  for (uint64_t t : connections_) {
    pc::ConnectionStatus c;
    c.token = t;
    c.state = pc::ConnState::Established;
    c.owner_pid = uint32_t(client.pid);
    out.push_back(c);
  }
  for (size_t i = 0; i < extra_status_entries; ++i) {
    pc::ConnectionStatus c;
    c.token = 1'000'000 + i;
    out.push_back(c);
  }
  std::reverse(out.begin(), out.end());  // the server must sort
  return out;
}

void FakeBackend::inject_accept(uint64_t listener, proto::ip::Endpoint peer) {
  auto it = listeners.find(listener);
  if (it == listeners.end() || !events_) return;
  pc::Accepted a{listener, next_token_++, peer,
                 proto::ip::Endpoint{*proto::ip::IpAddress::parse("198.18.0.1"), 5000},
                 pc::testing::encrypted_info()};
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return;
  start_echo(sv[1]);
  events_->accepted(it->second, a, UniqueFd(sv[0]));
}

}  // namespace tund::control::testing
