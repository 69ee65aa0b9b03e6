#include "tests/sim/pcap.h"

#include <fstream>

namespace sim {
namespace {

void put_le32(proto::Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}

proto::Bytes ip_header(const CapturedSegment& s) {
  proto::Bytes h;
  if (s.src.is_v4()) {
    h = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0};
    proto::store_be16(h, 2, uint16_t(20 + s.tcp.size()));
    proto::put_bytes(h, s.src.bytes());
    proto::put_bytes(h, s.dst.bytes());
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2) sum += proto::load_be16(h, i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    proto::store_be16(h, 10, uint16_t(~sum));
  } else {
    h = {0x60, 0, 0, 0, 0, 0, 6, 64};
    proto::store_be16(h, 4, uint16_t(s.tcp.size()));
    proto::put_bytes(h, s.src.bytes());
    proto::put_bytes(h, s.dst.bytes());
  }
  return h;
}

}  // namespace

bool write_pcap(const std::string& path, const std::vector<CapturedSegment>& segments) {
  proto::Bytes out;
  put_le32(out, 0xa1b2c3d4);                    // magic, microsecond timestamps
  put_le32(out, 2 | (4u << 16));                // version 2.4
  put_le32(out, 0);                             // thiszone
  put_le32(out, 0);                             // sigfigs
  put_le32(out, 65535);                         // snaplen
  put_le32(out, 101);                           // LINKTYPE_RAW
  for (const auto& s : segments) {
    proto::Bytes pkt = ip_header(s);
    proto::put_bytes(pkt, s.tcp);
    put_le32(out, uint32_t(s.at.us / 1'000'000));
    put_le32(out, uint32_t(s.at.us % 1'000'000));
    put_le32(out, uint32_t(pkt.size()));
    put_le32(out, uint32_t(pkt.size()));
    proto::put_bytes(out, pkt);
  }
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(out.data()), std::streamsize(out.size()));
  return bool(f);
}

}  // namespace sim
