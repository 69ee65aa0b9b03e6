#include "tund/control/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>

#include "tund/control/fd_passing.h"
#include "tund/control/server.h"

namespace tund::control {

namespace pc = proto::control;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr uint16_t kFirstUnprivilegedPort = 1024;

}  // namespace

ControlSession::ControlSession(ControlServer& server,
                               boost::asio::local::stream_protocol::socket sock,
                               ClientContext client)
    : server_(server),
      sock_(std::move(sock)),
      client_(client),
      decoder_(server.config_.max_message_len) {}

void ControlSession::start() {
  boost::system::error_code ec;
  sock_.non_blocking(true, ec);
  wait_readable();
}

void ControlSession::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  sock_.close(ec);
  out_.clear();
  fds_in_.clear();
  // Listeners whose connections could only travel on this channel end with it.
  for (const auto& [listener, entry] : listeners_)
    if (!entry.has_carrier) server_.backend_.unlisten(client_, listener);
  listeners_.clear();
  server_.session_closed(client_.id);  // may drop the last owner: touch nothing after this
}

void ControlSession::wait_readable() {
  sock_.async_wait(boost::asio::socket_base::wait_read,
                   [self = shared_from_this()](const boost::system::error_code& ec) {
                     if (self->closed_ || self->closing_) return;
                     if (ec) return self->close();
                     self->on_readable();
                   });
}

void ControlSession::on_readable() {
  uint8_t buf[kReadChunk];
  Received r = recv_with_fds(sock_.native_handle(), proto::MutByteView(buf, sizeof buf), fds_in_);
  if (r.bytes < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return wait_readable();
  if (r.bytes <= 0) {
    if (decoder_.mid_frame())
      spdlog::info("control: client {} (pid {}) closed inside a message", client_.id, client_.pid);
    return close();
  }
  if (r.fds_truncated || fds_in_.size() > kMaxFdsPerRead)
    return fault(pc::Fault::FdMismatch, "too many file descriptors");
  decoder_.on_bytes(proto::ByteView(buf, size_t(r.bytes)));
  if (dispatch_frames()) wait_readable();
}

bool ControlSession::dispatch_frames() {
  for (;;) {
    auto next = decoder_.poll_frame();
    if (!next) {
      const auto& e = next.error();
      pc::Fault f = e.code == proto::Errc::BadVersion ? pc::Fault::UnsupportedVersion
                    : e.code == proto::Errc::TooLong  ? pc::Fault::TooLarge
                                                      : pc::Fault::Malformed;
      fault(f, e.detail);
      return false;
    }
    if (!*next) break;
    UniqueFd fd;
    if ((*next)->carries_fd) {
      if (fds_in_.empty()) {
        fault(pc::Fault::FdMismatch, "fd flag set but no file descriptor arrived");
        return false;
      }
      fd = std::move(fds_in_.front());
      fds_in_.erase(fds_in_.begin());
    }
    handle(**next, std::move(fd));
    if (closing_ || closed_) return false;
  }
  // An fd arrives with its message's first byte: with no partial message left, any unclaimed
  // fd was sent beside a message that did not announce it.
  if (!fds_in_.empty() && !decoder_.mid_frame()) {
    fault(pc::Fault::FdMismatch, "file descriptor without fd flag");
    return false;
  }
  return true;
}

void ControlSession::handle(const pc::Frame& frame, UniqueFd fd) {
  ++server_.counters_.requests;
  ControlBackend& backend = server_.backend_;
  const uint32_t id = frame.request_id;
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, pc::Hello>) {
          if (m.min_version > pc::kVersion || m.max_version < pc::kVersion)
            return fault(pc::Fault::UnsupportedVersion, "no common control protocol version");
          pc::HelloReply reply = backend.hello(client_);
          reply.version = pc::kVersion;
          send({id, false, std::move(reply)});
        } else if constexpr (std::is_same_v<M, pc::Connect>) {
          on_connect(id, m, std::move(fd));
        } else if constexpr (std::is_same_v<M, pc::Listen>) {
          on_listen(id, m, std::move(fd));
        } else if constexpr (std::is_same_v<M, pc::Unlisten>) {
          auto err = backend.unlisten(client_, m.listener);
          if (!err) listeners_.erase(m.listener);
          send({id, false, pc::OpReply{err}});
        } else if constexpr (std::is_same_v<M, pc::Shutdown>) {
          send({id, false, pc::OpReply{backend.shutdown(client_, m.token, m.how)}});
        } else if constexpr (std::is_same_v<M, pc::Abort>) {
          send({id, false, pc::OpReply{backend.abort(client_, m.token)}});
        } else if constexpr (std::is_same_v<M, pc::StatusQuery>) {
          on_status(id, m);
        } else {
          fault(pc::Fault::UnexpectedMessage, "message type is not a request");
        }
      },
      frame.body);
}

bool ControlSession::privileged_port_refused(uint16_t port) const {
  return port != 0 && port < kFirstUnprivilegedPort && !client_.may_bind_privileged;
}

void ControlSession::on_connect(uint32_t id, const pc::Connect& m, UniqueFd fd) {
  if (m.local && privileged_port_refused(m.local->port))
    return send({id, false, pc::ConnectReply{ConnError::PrivilegedPort}});
  auto grant = server_.backend_.connect(client_, m, std::move(fd));
  if (!grant) return send({id, false, pc::ConnectReply{grant.error()}});
  pending_connects_[grant->token] = id;
  send({id, true, pc::ConnectReply{std::nullopt, grant->local, grant->token}},
       std::move(grant->carrier));
}

void ControlSession::on_listen(uint32_t id, const pc::Listen& m, UniqueFd fd) {
  if (privileged_port_refused(m.local.port))
    return send({id, false, pc::ListenReply{ConnError::PrivilegedPort}});
  auto grant = server_.backend_.listen(client_, m, std::move(fd));
  if (!grant) return send({id, false, pc::ListenReply{grant.error()}});
  bool has_carrier = grant->listener_carrier.valid();
  listeners_[grant->listener] = ListenerEntry{id, has_carrier};
  send({id, has_carrier, pc::ListenReply{std::nullopt, grant->local, grant->listener}},
       std::move(grant->listener_carrier));
}

void ControlSession::on_status(uint32_t id, const pc::StatusQuery& m) {
  auto all = server_.backend_.status(client_);
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.token < b.token; });
  pc::StatusReply reply;
  for (auto& c : all) {
    if (c.token < m.cursor) continue;
    if (reply.connections.size() == server_.config_.status_page) {
      reply.next_cursor = c.token;
      break;
    }
    reply.connections.push_back(std::move(c));
  }
  send({id, false, std::move(reply)});
}

void ControlSession::deliver_connect_result(const pc::ConnectResult& result) {
  auto it = pending_connects_.find(result.token);
  if (it == pending_connects_.end() || closing_) return;
  uint32_t id = it->second;
  pending_connects_.erase(it);
  send({id, false, result});
}

void ControlSession::deliver_accepted(const pc::Accepted& conn, UniqueFd carrier) {
  auto it = listeners_.find(conn.listener);
  if (it == listeners_.end() || closing_) return;  // carrier closes: backend resets
  bool has_fd = carrier.valid();  // read before the move below
  send({it->second.request_id, has_fd, conn}, std::move(carrier));
}

void ControlSession::send(pc::Frame frame, UniqueFd fd) {
  if (closed_) return;
  auto bytes = pc::encode(frame);
  if (!bytes) {
    // Our own reply does not encode (e.g. a backend value out of range): a tund bug.
    spdlog::error("control: cannot encode {} for client {}: {}",
                  pc::message_type_name(pc::type_of(frame.body)), client_.id, bytes.error().detail);
    return fault(pc::Fault::Malformed, "tund could not encode its reply");
  }
  queued_bytes_ += bytes->size();
  if (queued_bytes_ > server_.config_.max_queued_bytes) {
    ++server_.counters_.slow_clients;
    spdlog::warn("control: client {} (pid {} uid {}) does not read its replies; disconnecting",
                 client_.id, client_.pid, client_.uid);
    return close();
  }
  out_.push_back(Outgoing{std::move(*bytes), std::move(fd), 0});
  flush();
}

void ControlSession::flush() {
  while (!out_.empty() && !writing_ && !closed_) {
    Outgoing& o = out_.front();
    proto::ByteView rest = proto::ByteView(o.bytes).subspan(o.sent);
    ssize_t n = send_with_fd(sock_.native_handle(), rest, o.sent == 0 ? o.fd.get() : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      writing_ = true;
      sock_.async_wait(boost::asio::socket_base::wait_write,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         self->writing_ = false;
                         if (self->closed_) return;
                         if (ec) return self->close();
                         self->flush();
                       });
      return;
    }
    if (n < 0) return close();
    o.sent += size_t(n);
    o.fd.reset();  // the kernel holds its own reference now
    if (o.sent == o.bytes.size()) {
      queued_bytes_ -= o.bytes.size();
      out_.pop_front();
    }
  }
  if (out_.empty() && closing_) close();
}

void ControlSession::fault(pc::Fault f, const char* detail) {
  ++server_.counters_.bad_messages;
  spdlog::warn("control: client {} (pid {} uid {}): {} ({}); disconnecting", client_.id,
               client_.pid, client_.uid, pc::fault_name(f), detail);
  send({0, false, pc::Error{f, detail}});
  finish_and_close();
}

void ControlSession::finish_and_close() {
  closing_ = true;
  fds_in_.clear();
  if (out_.empty()) close();
}

}  // namespace tund::control
