#include "tund/routing/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace tund::routing {

namespace {
std::string path_of(const std::string& key) { return "/proc/sys/" + key; }
}  // namespace

SysResult<std::string> read_sysctl(const std::string& key) {
  int fd = ::open(path_of(key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_fail(SysErrc::Sysctl, errno, "open sysctl for reading");
  std::string value;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) value.append(buf, size_t(n));
  int saved = errno;
  ::close(fd);
  if (n < 0) return sys_fail(SysErrc::Sysctl, saved, "read sysctl");
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

SysStatus write_sysctl(const std::string& key, const std::string& value) {
  int fd = ::open(path_of(key).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return sys_fail(SysErrc::Sysctl, errno, "open sysctl for writing");
  // An empty value must still be written as one write() (e.g. clearing reserved ports).
  const std::string line = value + "\n";
  ssize_t n = ::write(fd, line.data(), line.size());
  int saved = errno;
  ::close(fd);
  if (n < 0) return sys_fail(SysErrc::Sysctl, saved, "write sysctl");
  return {};
}

SysStatus SysctlJournal::set(const std::string& key, const std::string& value) {
  auto old = read_sysctl(key);
  if (!old) return tl::unexpected(old.error());
  if (auto s = write_sysctl(key, value); !s) return s;
  const bool known = std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (!known) entries_.push_back({key, *old});
  return {};
}

SysStatus SysctlJournal::restore_all() {
  SysStatus first;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    auto s = write_sysctl(it->key, it->original);
    if (!s && s.error().err != ENOENT && first) first = s;
  }
  entries_.clear();
  return first;
}

}  // namespace tund::routing
