#include "tund/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace tund {

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

SysResult<InstanceLock> InstanceLock::acquire(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) return sys_fail(SysErrc::Instance, errno, "create runtime directory");
  std::string path = dir + "/tund.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return sys_fail(SysErrc::Instance, errno, "open lock file");
  if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
    int saved = errno;
    ::close(fd);
    return sys_fail(SysErrc::Instance, saved, saved == EWOULDBLOCK ? "another tund holds the lock file" : "flock");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) < 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    int saved = errno;
    ::close(fd);
    return sys_fail(SysErrc::Instance, saved, "write pid to lock file");
  }
  return InstanceLock(fd, std::move(path));
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace tund
