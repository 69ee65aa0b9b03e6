// Pieces of the daemon shell that run without privileges: the deadline timer, the ICMP
// filter and decoder, the log rate limit, the stats file and the instance lock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "proto/common/bytes.h"
#include "tund/deadline_timer.h"
#include "tund/icmp/icmp_receiver.h"
#include "tund/instance_lock.h"
#include "tund/log.h"
#include "tund/stats.h"

namespace tund {
namespace {

using namespace std::chrono_literals;
using proto::Instant;

struct TimerFixture {
  boost::asio::io_context io;
  LoopClock clock;
  std::vector<Instant> fired;
  DeadlineTimer timer{io, clock, [this](Instant now) { fired.push_back(now); }};
};

TEST(DeadlineTimer, FiresOnceAtOrAfterTheDeadline) {
  TimerFixture f;
  const Instant due = f.clock.now() + 5ms;
  f.timer.arm(due);
  f.io.run_for(200ms);
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], due);
}

TEST(DeadlineTimer, RearmReplacesAndNulloptCancels) {
  TimerFixture f;
  f.timer.arm(f.clock.now() + 1ms);
  const Instant later = f.clock.now() + 20ms;
  f.timer.arm(later);  // the earlier deadline must not fire
  f.io.run_for(100ms);
  ASSERT_EQ(f.fired.size(), 1u);
  EXPECT_GE(f.fired[0], later);

  f.io.restart();
  f.timer.arm(f.clock.now() + 1ms);
  f.timer.arm(std::nullopt);
  f.io.run_for(30ms);
  EXPECT_EQ(f.fired.size(), 1u);
}

TEST(DeadlineTimer, PastDeadlineFiresOnTheNextTurnNotInsideArm) {
  TimerFixture f;
  f.timer.arm(f.clock.now() - 1000ms);
  EXPECT_TRUE(f.fired.empty());
  f.io.run_for(50ms);
  EXPECT_EQ(f.fired.size(), 1u);
}

proto::ip::IcmpError error_from(const char* local, uint16_t port) {
  proto::ip::IcmpError e;
  e.kind = proto::ip::IcmpErrorKind::PacketTooBig;
  e.local = {*proto::ip::IpAddress::parse(local), port};
  e.remote = {*proto::ip::IpAddress::parse(e.local.addr.is_v4() ? "198.18.0.2" : "fd00:18::2"), 8080};
  e.mtu = 1400;
  return e;
}

TEST(IcmpFilter, OnlyOurAddressesAndPortsWithSaneMtu) {
  const std::set<uint16_t> listeners = {9090};
  icmp::IcmpFilter f{{*proto::ip::IpAddress::parse("198.18.0.1"), *proto::ip::IpAddress::parse("fd00:18::1")},
                     {40000, 49999},
                     &listeners};
  EXPECT_EQ(icmp::check(error_from("198.18.0.1", 40001), f), std::nullopt);
  EXPECT_EQ(icmp::check(error_from("198.18.0.1", 9090), f), std::nullopt);  // listener port
  EXPECT_EQ(icmp::check(error_from("198.18.0.9", 40001), f), icmp::IcmpDrop::NotOurAddress);
  EXPECT_EQ(icmp::check(error_from("198.18.0.1", 22), f), icmp::IcmpDrop::NotOurPort);
  auto v4_zero = error_from("198.18.0.1", 40001);
  v4_zero.mtu = 0;  // RFC 1191 §5: old router, the TCP layer picks a plateau
  EXPECT_EQ(icmp::check(v4_zero, f), std::nullopt);
  auto v4_tiny = error_from("198.18.0.1", 40001);
  v4_tiny.mtu = 67;
  EXPECT_EQ(icmp::check(v4_tiny, f), icmp::IcmpDrop::BadMtu);
  auto v6_small = error_from("fd00:18::1", 40001);
  v6_small.mtu = 1279;  // RFC 8200 §5
  EXPECT_EQ(icmp::check(v6_small, f), icmp::IcmpDrop::BadMtu);
  v6_small.mtu = 1280;
  EXPECT_EQ(icmp::check(v6_small, f), std::nullopt);
  f.listeners = nullptr;
  EXPECT_EQ(icmp::check(error_from("198.18.0.1", 9090), f), icmp::IcmpDrop::NotOurPort);
}

TEST(IcmpDecode, Ipv4DatagramCarriesTheOuterHeader) {
  // Outer IPv4 header 198.18.0.2 -> 198.18.0.1, protocol 1, then the frag-needed message of
  // tests/unit/ip/icmp_test.cpp (checksums computed by an independent Python script).
  auto dgram = *proto::from_hex(
      "45000038000040004001ae9dc6120002c6120001"
      "0304f6830000057845000028000040004006aea8c6120001c61200029d091f9011223344");
  auto e = icmp::decode(proto::ip::Family::V4, dgram);
  ASSERT_TRUE(e.has_value()) << proto::errc_name(e.error().code);
  EXPECT_EQ(e->local.to_string(), "198.18.0.1:40201");
  EXPECT_EQ(e->mtu, 1400u);
  // Without the outer header the same bytes are not an IPv4 datagram.
  EXPECT_FALSE(icmp::decode(proto::ip::Family::V4, proto::ByteView(dgram).subspan(20)).has_value());
}

TEST(RateLimit, LetsABurstThroughThenCountsWhatItSwallowed) {
  RateLimit limit(10s, 2);
  const Instant t0{1'000'000};
  EXPECT_EQ(limit.allow(t0), 0u);
  EXPECT_EQ(limit.allow(t0), 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limit.allow(t0 + 1s), std::nullopt);
  EXPECT_EQ(limit.allow(t0 + 11s), 5u);  // new window: reports the five swallowed
  EXPECT_EQ(limit.allow(t0 + 11s), 0u);
}

TEST(Stats, TextHasOneLinePerCounterAndFileIsReplacedAtomically) {
  DaemonStats s;
  s.tcp_packets_in = 7;
  s.icmp_dropped[size_t(icmp::IcmpDrop::NotOurPort)] = 3;
  const std::string text = s.to_text();
  EXPECT_NE(text.find("tcp_packets_in 7\n"), std::string::npos);
  EXPECT_NE(text.find("icmp_dropped_not_our_port 3\n"), std::string::npos);
  char dir[] = "/tmp/tund_stats_testXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/stats";
  ASSERT_TRUE(write_stats_file(path, s).has_value());
  std::stringstream read;
  read << std::ifstream(path).rdbuf();
  EXPECT_EQ(read.str(), text);
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0);
  EXPECT_EQ(write_stats_file(std::string(dir) + "/missing/stats", s).error().code, SysErrc::StatsFile);
  unlink(path.c_str());
  rmdir(dir);
}

TEST(InstanceLock, SecondAcquireFailsUntilTheFirstIsReleased) {
  char dir[] = "/tmp/tund_lock_testXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string run = std::string(dir) + "/run";
  {
    auto first = InstanceLock::acquire(run);  // creates the directory
    ASSERT_TRUE(first.has_value()) << first.error().message();
    auto second = InstanceLock::acquire(run);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, SysErrc::Instance);
    EXPECT_EQ(second.error().err, EWOULDBLOCK);
  }
  EXPECT_TRUE(InstanceLock::acquire(run).has_value());
  unlink((run + "/tund.lock").c_str());
  rmdir(run.c_str());
  rmdir(dir);
}

TEST(InstanceLock, ParentDir) {
  EXPECT_EQ(parent_dir("/run/tcpcrypt/control.sock"), "/run/tcpcrypt");
  EXPECT_EQ(parent_dir("/control.sock"), "/");
  EXPECT_EQ(parent_dir("control.sock"), ".");
}

}  // namespace
}  // namespace tund
