// The capture file impair-link writes (tools/impair_link/pcap_writer.h): classic pcap layout
// and the size bound.
#include "tools/impair_link/pcap_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "proto/common/bytes.h"

namespace impair {
namespace {

using proto::Bytes;

class PcapWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/impair_pcap_XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    ::close(fd);
    path_ = tmpl;
  }
  void TearDown() override { ::unlink(path_.c_str()); }
  Bytes contents() const {
    std::ifstream in(path_, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }
  std::string path_;
};

TEST_F(PcapWriterTest, WritesGlobalHeaderAndRecords) {
  PcapWriter w;
  ASSERT_TRUE(w.open(path_));
  w.write(Frame{1, 2, 3}, 1'700'000'000'123'456);
  w.write(Frame{}, 5);
  w.close();
  EXPECT_EQ(w.written(), 2u);
  EXPECT_EQ(proto::to_hex(contents()),
            "d4c3b2a10200040000000000000000000000010001000000"  // magic, 2.4, zone, sigfigs, snaplen 65536, Ethernet
            "00f1536540e201000300000003000000"  // 1700000000 s, 123456 us, caplen 3, len 3
            "010203"
            "00000000050000000000000000000000");  // 0 s, 5 us, caplen 0, len 0
}

TEST_F(PcapWriterTest, StopsAtTheSizeBoundWithoutCuttingARecord) {
  PcapWriter w;
  ASSERT_TRUE(w.open(path_, 24 + 16 + 10));
  w.write(Frame(10, 0xaa), 0);
  w.write(Frame(1, 0xbb), 0);  // would exceed the bound
  w.close();
  EXPECT_EQ(w.written(), 1u);
  EXPECT_EQ(w.skipped(), 1u);
  EXPECT_EQ(contents().size(), 24u + 16u + 10u);
}

TEST_F(PcapWriterTest, OpenFailsOnAnUnwritablePath) {
  PcapWriter w;
  EXPECT_FALSE(w.open("/nonexistent-dir/x.pcap"));
  w.write(Frame{1}, 0);
  EXPECT_EQ(w.skipped(), 1u);
}

}  // namespace
}  // namespace impair
