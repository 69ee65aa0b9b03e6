// One tund per network namespace and runtime directory: an flock()ed `tund.lock` (holding
// the pid) in the control socket's directory. It is taken before anything touches routing,
// so a second tund fails cleanly and never runs cleanup_stale() over the first one's rules.
// The lock dies with the process (kill -9 included); the file itself stays, as usual.
#pragma once

#include <string>

#include "tund/sys_error.h"

namespace tund {

class InstanceLock {
 public:
  // Creates `dir` if missing (0755, parent must exist), opens and locks dir/tund.lock.
  // Errors: Instance (EWOULDBLOCK: another tund holds it).
  static SysResult<InstanceLock> acquire(const std::string& dir);
  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

  const std::string& path() const { return path_; }

 private:
  InstanceLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// "/run/tcpcrypt/control.sock" -> "/run/tcpcrypt".
std::string parent_dir(const std::string& path);

}  // namespace tund
