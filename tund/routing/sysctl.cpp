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
  auto now = read_sysctl(key);
  if (!now) return tl::unexpected(now.error());
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end())
    entries_.push_back({key, *old, *now});
  else
    it->applied = *now;
  return {};
}

SysResult<std::vector<std::string>> SysctlJournal::reassert() {
  std::vector<std::string> fixed;
  SysStatus first;
  for (const Entry& e : entries_) {
    auto current = read_sysctl(e.key);
    if (!current && current.error().err == ENOENT) continue;
    SysStatus s = current ? SysStatus{} : SysStatus(tl::unexpected(current.error()));
    if (current && *current != e.applied) {
      s = write_sysctl(e.key, e.applied);
      if (s) fixed.push_back(e.key);
    }
    if (!s && first) first = s;
  }
  if (!first) return tl::unexpected(first.error());
  return fixed;
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
