#include "tools/control_client/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "tund/control/fd_passing.h"

namespace control_client {

using Clock = std::chrono::steady_clock;

Expected<ControlClient> ControlClient::open(const std::string& path, Timeout timeout) {
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) return tl::unexpected(ENAMETOOLONG);
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) return tl::unexpected(errno);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return tl::unexpected(errno);
  return ControlClient(std::move(s), timeout);
}

Expected<ControlClient::Received> ControlClient::read_frame(Clock::time_point deadline,
                                                            bool forever) {
  for (;;) {
    auto next = decoder_.poll_frame();
    if (!next) return tl::unexpected(EPROTO);
    if (*next) {
      Received r{std::move(**next), {}};
      if (r.frame.carries_fd) {
        if (fds_in_.empty()) return tl::unexpected(EPROTO);
        r.fd = std::move(fds_in_.front());
        fds_in_.erase(fds_in_.begin());
      }
      if (std::holds_alternative<pc::Error>(r.frame.body)) return tl::unexpected(EPROTO);
      return r;
    }
    int wait_ms = -1;
    if (!forever) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return tl::unexpected(ETIME);
      wait_ms = int(left.count());
    }
    pollfd p{sock_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::unexpected(errno);
    if (n == 0) continue;  // the deadline check above reports ETIME
    uint8_t buf[16 * 1024];
    auto got = tund::control::recv_with_fds(sock_.get(), proto::MutByteView(buf, sizeof buf),
                                            fds_in_);
    if (got.bytes < 0 && errno == EINTR) continue;
    if (got.bytes < 0) return tl::unexpected(errno);
    if (got.bytes == 0) return tl::unexpected(ECONNRESET);
    if (got.fds_truncated) return tl::unexpected(EPROTO);
    decoder_.on_bytes(proto::ByteView(buf, size_t(got.bytes)));
  }
}

template <class Pred>
Expected<ControlClient::Received> ControlClient::wait_for(Pred want, Timeout timeout) {
  for (auto it = queued_.begin(); it != queued_.end(); ++it) {
    if (!want(it->frame)) continue;
    Received r = std::move(*it);
    queued_.erase(it);
    return r;
  }
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto r = read_frame(deadline, timeout.count() < 0);
    if (!r) return r;
    if (want(r->frame)) return r;
    queued_.push_back(std::move(*r));
  }
}

Expected<ControlClient::Received> ControlClient::request(pc::Body body, int fd) {
  uint32_t id = next_id_++;
  auto bytes = pc::encode(pc::Frame{id, fd >= 0, std::move(body)});
  if (!bytes) return tl::unexpected(EINVAL);
  proto::ByteView rest(*bytes);
  bool fd_sent = false;
  while (!rest.empty()) {
    ssize_t n = tund::control::send_with_fd(sock_.get(), rest, fd_sent ? -1 : fd);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::unexpected(errno == EPIPE ? ECONNRESET : errno);
    fd_sent = true;
    rest = rest.subspan(size_t(n));
  }
  // Replies repeat the id; async frames (ConnectResult, Accepted) repeat older ids and are
  // recognised by type.
  return wait_for(
      [id](const pc::Frame& f) {
        auto t = pc::type_of(f.body);
        return f.request_id == id && t != pc::MessageType::ConnectResult &&
               t != pc::MessageType::Accepted;
      },
      timeout_);
}

template <class Reply>
static Expected<Reply> as(Expected<ControlClient::Received> r) {
  if (!r) return tl::unexpected(r.error());
  if (auto* m = std::get_if<Reply>(&r->frame.body)) return std::move(*m);
  return tl::unexpected(EPROTO);
}

Expected<pc::HelloReply> ControlClient::hello() { return as<pc::HelloReply>(request(pc::Hello{})); }

Expected<Connection> ControlClient::connect(const pc::Connect& req, int placeholder_fd) {
  auto r = request(req, placeholder_fd);
  if (!r) return tl::unexpected(r.error());
  auto* reply = std::get_if<pc::ConnectReply>(&r->frame.body);
  if (!reply) return tl::unexpected(EPROTO);
  if (reply->error) return tl::unexpected(pc::to_errno(*reply->error));
  if (!r->fd) return tl::unexpected(EPROTO);
  return Connection{std::move(r->fd), reply->local, reply->token};
}

Expected<pc::ConnectResult> ControlClient::wait_connect_result(uint64_t token, Timeout timeout) {
  return as<pc::ConnectResult>(wait_for(
      [token](const pc::Frame& f) {
        auto* m = std::get_if<pc::ConnectResult>(&f.body);
        return m && m->token == token;
      },
      timeout));
}

Expected<ListenHandle> ControlClient::listen(const pc::Listen& req) {
  auto r = request(req);
  if (!r) return tl::unexpected(r.error());
  auto* reply = std::get_if<pc::ListenReply>(&r->frame.body);
  if (!reply) return tl::unexpected(EPROTO);
  if (reply->error) return tl::unexpected(pc::to_errno(*reply->error));
  return ListenHandle{reply->listener, reply->local, std::move(r->fd)};
}

Expected<Incoming> ControlClient::accept(uint64_t listener, Timeout timeout) {
  auto r = wait_for(
      [listener](const pc::Frame& f) {
        auto* m = std::get_if<pc::Accepted>(&f.body);
        return m && m->listener == listener;
      },
      timeout);
  if (!r) return tl::unexpected(r.error());
  if (!r->fd) return tl::unexpected(EPROTO);
  return Incoming{std::get<pc::Accepted>(r->frame.body), std::move(r->fd)};
}

Expected<void> ControlClient::op(pc::Body body) {
  auto reply = as<pc::OpReply>(request(std::move(body)));
  if (!reply) return tl::unexpected(reply.error());
  if (reply->error) return tl::unexpected(pc::to_errno(*reply->error));
  return {};
}

Expected<void> ControlClient::unlisten(uint64_t listener) { return op(pc::Unlisten{listener}); }
Expected<void> ControlClient::shutdown(uint64_t token, pc::ShutdownHow how) {
  return op(pc::Shutdown{token, how});
}
Expected<void> ControlClient::abort(uint64_t token) { return op(pc::Abort{token}); }

Expected<std::vector<pc::ConnectionStatus>> ControlClient::status() {
  // A page holds hundreds of entries; more pages than this means tund is looping.
  constexpr int kMaxPages = 1 << 16;
  std::vector<pc::ConnectionStatus> all;
  uint64_t cursor = 0;
  int pages = 0;
  do {
    if (++pages > kMaxPages) return tl::unexpected(EPROTO);
    auto page = as<pc::StatusReply>(request(pc::StatusQuery{cursor}));
    if (!page) return tl::unexpected(page.error());
    for (auto& c : page->connections) all.push_back(std::move(c));
    if (page->next_cursor != 0 && page->next_cursor <= cursor) return tl::unexpected(EPROTO);
    cursor = page->next_cursor;
  } while (cursor != 0);
  return all;
}

}  // namespace control_client
