// Writes to /proc/sys/net/... that remember the value they replaced, so teardown can put
// every one back in reverse order (packet-path §3, §12: IPv6 force_forwarding exists only there).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tund/sys_error.h"

namespace tund::routing {

// Reads a sysctl such as "net/ipv4/conf/tc0/forwarding" (trailing newline stripped).
// Errors carry errno (ENOENT: no such key on this kernel or device).
SysResult<std::string> read_sysctl(const std::string& key);
SysStatus write_sysctl(const std::string& key, const std::string& value);

class SysctlJournal {
 public:
  // Sets key to value and records the old value (once per key, the first original wins).
  SysStatus set(const std::string& key, const std::string& value);
  // Restores every recorded key, newest first; keys that vanished (a deleted TUN) are
  // skipped. Returns the first other error, after trying all.
  SysStatus restore_all();
  bool empty() const { return entries_.empty(); }

  // Puts back every recorded key whose current value differs from what set() wrote
  // (someone reset it, packet-path §5.8) and returns those keys. Keys that vanished are
  // skipped. Errors: the first read or write failure, after trying all keys.
  SysResult<std::vector<std::string>> reassert();

 private:
  struct Entry {
    std::string key;
    std::string original;
    std::string applied;  // as the kernel reports it after set() (it may normalise lists)
  };
  std::vector<Entry> entries_;
};

}  // namespace tund::routing
