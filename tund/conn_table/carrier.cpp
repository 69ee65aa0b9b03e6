#include "tund/conn_table/carrier.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

namespace tund::conn_table {

using control::UniqueFd;

SysResult<std::pair<UniqueFd, UniqueFd>> make_carrier_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return sys_fail(SysErrc::ControlSocket, errno, "carrier socketpair");
  UniqueFd tund_end(fds[0]), app_end(fds[1]);
  int flags = ::fcntl(tund_end.get(), F_GETFL);
  if (flags < 0 || ::fcntl(tund_end.get(), F_SETFL, flags | O_NONBLOCK) != 0)
    return sys_fail(SysErrc::ControlSocket, errno, "carrier O_NONBLOCK");
  return std::pair{std::move(tund_end), std::move(app_end)};
}

Carrier::Carrier(boost::asio::io_context& io, UniqueFd tund_end)
    : sock_(io, boost::asio::local::stream_protocol(), tund_end.release()) {}

Carrier::~Carrier() { close(); }

namespace {

CarrierIo result_of(ssize_t n) {
  if (n > 0) return {CarrierIo::Kind::Done, size_t(n), 0};
  if (n == 0) return {CarrierIo::Kind::Eof, 0, 0};
  if (errno == EAGAIN || errno == EWOULDBLOCK) return {CarrierIo::Kind::WouldBlock, 0, 0};
  return {CarrierIo::Kind::Error, 0, errno};
}

}  // namespace

CarrierIo Carrier::read(proto::MutByteView out) {
  for (;;) {
    ssize_t n = ::recv(fd(), out.data(), out.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    return result_of(n);
  }
}

CarrierIo Carrier::write(proto::ByteView data) {
  for (;;) {
    ssize_t n = ::send(fd(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return result_of(n);
  }
}

void Carrier::shutdown_write() {
  if (state_->open) ::shutdown(fd(), SHUT_WR);
}

void Carrier::wait_readable(std::function<void()> ready) { wait(true, std::move(ready)); }
void Carrier::wait_writable(std::function<void()> ready) { wait(false, std::move(ready)); }

void Carrier::wait(bool read, std::function<void()> ready) {
  bool& pending = read ? state_->read_pending : state_->write_pending;
  if (pending || !state_->open) return;
  pending = true;
  using Sock = boost::asio::local::stream_protocol::socket;
  sock_.async_wait(read ? Sock::wait_read : Sock::wait_write,
                   [state = state_, read, ready = std::move(ready)](const boost::system::error_code&) {
                     if (!state->open) return;
                     (read ? state->read_pending : state->write_pending) = false;
                     ready();
                   });
}

void Carrier::close() {
  state_->open = false;
  if (!sock_.is_open()) return;
  boost::system::error_code ignored;
  sock_.close(ignored);
}

}  // namespace tund::conn_table
