#include "tund/control/gate.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

namespace tund::control {
namespace {

constexpr size_t kFillerChunk = 64;  // small writes fill the buffer closely
constexpr size_t kMaxFiller = 1 << 20;  // guards against a kernel that never says EAGAIN

}  // namespace

SysResult<size_t> arm_gate(int app_end) {
  int zero = 0;
  // The kernel raises 0 to its minimum (4608 bytes on 6.x).
  if (::setsockopt(app_end, SOL_SOCKET, SO_SNDBUF, &zero, sizeof zero) != 0)
    return sys_fail(SysErrc::ControlSocket, errno, "gate: SO_SNDBUF");
  const char filler[kFillerChunk] = {};
  size_t written = 0;
  while (written < kMaxFiller) {
    ssize_t n = ::send(app_end, filler, sizeof filler, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return written;
    if (n < 0) return sys_fail(SysErrc::ControlSocket, errno, "gate: writing filler");
    written += size_t(n);
  }
  return sys_fail(SysErrc::ControlSocket, ENOBUFS, "gate: send buffer never filled");
}

SysStatus open_gate(int tund_end, size_t filler) {
  char sink[4096];
  while (filler > 0) {
    size_t want = filler < sizeof sink ? filler : sizeof sink;
    ssize_t n = ::recv(tund_end, sink, want, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail(SysErrc::ControlSocket, errno, "gate: reading filler");
    if (n == 0) return sys_fail(SysErrc::ControlSocket, ECONNRESET, "gate: app end closed");
    filler -= size_t(n);
  }
  return {};
}

}  // namespace tund::control
