#include "tools/impair_link/pcap_writer.h"

#include <algorithm>
#include <array>

namespace impair {
namespace {

constexpr uint32_t kMagicMicroseconds = 0xa1b2c3d4;
constexpr uint32_t kLinkTypeEthernet = 1;
constexpr size_t kGlobalHeaderLen = 24;
constexpr size_t kRecordHeaderLen = 16;

// pcap fields are in the writer's byte order (readers detect it from the magic); we write
// little-endian explicitly so the file does not depend on the host.
template <size_t N>
void put_le32(std::array<uint8_t, N>& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

}  // namespace

bool PcapWriter::open(const std::string& path, uint64_t max_bytes) {
  close();
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) return false;
  max_bytes_ = max_bytes;
  std::array<uint8_t, kGlobalHeaderLen> h{};
  put_le32(h, 0, kMagicMicroseconds);
  put_le32(h, 4, 2 | 4u << 16);  // version 2.4
  // thiszone, sigfigs: 0
  put_le32(h, 16, kSnapLen);
  put_le32(h, 20, kLinkTypeEthernet);
  if (std::fwrite(h.data(), 1, h.size(), file_) != h.size()) {
    close();
    return false;
  }
  bytes_ = h.size();
  return true;
}

void PcapWriter::write(const Frame& frame, uint64_t unix_us) {
  const size_t caplen = std::min<size_t>(frame.size(), kSnapLen);
  if (!file_ || bytes_ + kRecordHeaderLen + caplen > max_bytes_) {
    ++skipped_;
    return;
  }
  std::array<uint8_t, kRecordHeaderLen> r{};
  put_le32(r, 0, uint32_t(unix_us / 1'000'000));
  put_le32(r, 4, uint32_t(unix_us % 1'000'000));
  put_le32(r, 8, uint32_t(caplen));
  put_le32(r, 12, uint32_t(frame.size()));
  if (std::fwrite(r.data(), 1, r.size(), file_) != r.size() ||
      (caplen > 0 && std::fwrite(frame.data(), 1, caplen, file_) != caplen)) {
    ++skipped_;
    close();  // a short record would corrupt the file for every reader: stop here
    return;
  }
  bytes_ += kRecordHeaderLen + caplen;
  ++written_;
}

void PcapWriter::close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

}  // namespace impair
