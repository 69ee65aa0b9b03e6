// Byte transfer with file descriptors beside it (SCM_RIGHTS) on an AF_UNIX stream socket:
// the only place that builds or parses ancillary data for the control protocol.
//
// On a stream socket the kernel attaches the fds to the first byte of the sendmsg() and never
// merges them into a recvmsg() that already holds other fds, so the receiver sees each fd in the
// read that contains its message's first byte, in order. Both functions are thin: they return
// the syscall result (−1 with errno untouched on failure) and never block by themselves
// (blocking depends on the socket's O_NONBLOCK). Thread-safe as the syscalls are.
#pragma once

#include <sys/types.h>

#include <vector>

#include "proto/common/bytes.h"
#include "tund/control/unique_fd.h"

namespace tund::control {

inline constexpr size_t kMaxFdsPerRead = 4;

// sendmsg(MSG_NOSIGNAL) of `data`; `fd` ≥ 0 travels with it (the caller keeps its own copy).
ssize_t send_with_fd(int sock, proto::ByteView data, int fd);

struct Received {
  ssize_t bytes = 0;        // recvmsg result: > 0 data, 0 EOF, −1 error (errno set)
  bool fds_truncated = false;  // MSG_CTRUNC: more fds were sent than fit; they are lost
};
// recvmsg(MSG_CMSG_CLOEXEC) into `buf`; received fds are appended to `fds` (owned, CLOEXEC).
Received recv_with_fds(int sock, proto::MutByteView buf, std::vector<UniqueFd>& fds);

}  // namespace tund::control
