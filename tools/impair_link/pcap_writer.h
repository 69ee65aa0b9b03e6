// Classic pcap capture file (libpcap format 2.4, microsecond timestamps, link type 1 =
// Ethernet) of the frames impair-link forwards, for the netns tests to inspect.
//
// Owns its FILE*; single-threaded. The size bound never cuts a record: frames beyond it are
// counted in skipped() and the file stays a valid pcap. A write error closes the file (its
// last record may then be short) and counts the rest as skipped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "tools/impair_link/tamper.h"

namespace impair {

class PcapWriter {
 public:
  static constexpr uint32_t kSnapLen = 65536;
  static constexpr uint64_t kDefaultMaxBytes = uint64_t(2) << 30;  // 2 GiB

  PcapWriter() = default;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter() { close(); }

  // Creates (truncates) `path` and writes the global header. False (errno set) on failure.
  bool open(const std::string& path, uint64_t max_bytes = kDefaultMaxBytes);
  // Appends one record (truncated to kSnapLen) stamped `unix_us` microseconds since the epoch.
  void write(const Frame& frame, uint64_t unix_us);
  // Flushes and closes; further writes are skipped.
  void close();

  bool is_open() const { return file_ != nullptr; }
  uint64_t written() const { return written_; }
  uint64_t skipped() const { return skipped_; }

 private:
  std::FILE* file_ = nullptr;
  uint64_t max_bytes_ = 0;
  uint64_t bytes_ = 0;
  uint64_t written_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace impair
