// Checks of tund's packet-path configuration that need no privileges: invalid
// configurations are refused with typed errors before any system state is touched.
#include <gtest/gtest.h>

#include "tund/routing/routing.h"
#include "tund/tun/device.h"

namespace tund {
namespace {

routing::RoutingConfig valid_config() {
  routing::RoutingConfig c;
  c.tun_name = "tc0";
  c.uplinks = {"vA"};
  c.shared_addresses = {*proto::ip::IpAddress::parse("198.18.0.1")};
  return c;
}

SysErrc create_error(const routing::RoutingConfig& c) {
  auto r = routing::Routing::create(c);
  EXPECT_FALSE(r.has_value());
  return r ? SysErrc::Netlink : r.error().code;
}

TEST(RoutingConfig, RefusesInvalidConfigurations) {
  auto c = valid_config();
  c.shared_addresses.clear();
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
  c = valid_config();
  c.ephemeral = {50000, 40000};
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
  c = valid_config();
  c.table = 255;  // the local table
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
  c = valid_config();
  c.local_priority = 150;  // must come after the listener rules (packet-path §3.3)
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
  c = valid_config();
  c.uplinks = {"../../x"};  // would escape /proc/sys/net/.../conf/
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
  c = valid_config();
  c.tun_name = "a-name-longer-than-15";
  EXPECT_EQ(create_error(c), SysErrc::InvalidConfig);
}

TEST(TunDevice, RefusesBadNamesBeforeOpening) {
  auto r = tun::TunDevice::open({.name = "a-name-longer-than-15"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, SysErrc::InvalidConfig);
  EXPECT_FALSE(tun::TunDevice::open({.name = ""}).has_value());
}

TEST(SysError, MessageNamesStepAndErrno) {
  SysError e{SysErrc::RuleChange, EEXIST, "RTM_NEWRULE"};
  EXPECT_EQ(e.message(), "rule change: RTM_NEWRULE: File exists");
  EXPECT_EQ((SysError{SysErrc::InvalidConfig, 0, "x"}).message(), "invalid config: x");
}

}  // namespace
}  // namespace tund
