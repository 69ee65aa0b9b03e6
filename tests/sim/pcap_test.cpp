// The pcap written for a failing seed is readable: its records hold valid IP packets
// with the TCP segments as sent.
#include "tests/sim/pcap.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "proto/tcp/segment.h"
#include "tests/sim/pair.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

uint32_t le32(const Bytes& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}

TEST(SimPcap, CaptureRoundTrips) {
  for (bool v6 : {false, true}) {
    std::string dir = ::testing::TempDir();
    setenv("SIM_PCAP", dir.c_str(), 1);
    PairOptions opt;
    opt.ipv6 = v6;
    Pair p(opt, 1);
    unsetenv("SIM_PCAP");
    p.a().to_send = pattern(5000, 1);
    p.a().close_when_done = p.b().close_when_done = true;
    ASSERT_TRUE(p.drive_for(600s));
    ASSERT_GT(p.capture().size(), 6u);
    std::string path = dir + "/pcap-test.pcap";
    ASSERT_TRUE(write_pcap(path, p.capture()));
    std::ifstream f(path, std::ios::binary);
    Bytes file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_GE(file.size(), 24u);
    EXPECT_EQ(le32(file, 0), 0xa1b2c3d4u);
    EXPECT_EQ(le32(file, 20), 101u);  // LINKTYPE_RAW
    size_t at = 24, records = 0;
    size_t ip_len = v6 ? 40 : 20;
    while (at + 16 <= file.size()) {
      size_t n = le32(file, at + 8);
      ASSERT_LE(at + 16 + n, file.size());
      ByteView pkt = ByteView(file).subspan(at + 16, n);
      EXPECT_EQ(pkt[0] >> 4, v6 ? 6 : 4);
      auto seg = proto::tcp::parse_segment(pkt.subspan(ip_len), pkt.subspan(v6 ? 8 : 12, v6 ? 16 : 4),
                                           pkt.subspan(v6 ? 24 : 16, v6 ? 16 : 4));
      EXPECT_TRUE(seg) << records;
      at += 16 + n;
      ++records;
    }
    EXPECT_EQ(records, p.capture().size());
  }
}

}  // namespace
}  // namespace sim
