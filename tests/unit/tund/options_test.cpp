// tund/config: command-line and config-file parsing. Invalid input must end in exit code 2
// with a one-line message, never an exception or a crash.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tund/config.h"

namespace tund {
namespace {

tl::expected<Config, ConfigExit> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "tund");
  std::ostringstream out;
  return parse_config(args, out);
}

void expect_invalid(std::vector<std::string> args, const std::string& fragment) {
  auto c = parse(args);
  ASSERT_FALSE(c.has_value()) << args[0];
  EXPECT_EQ(c.error().code, 2);
  EXPECT_NE(c.error().message.find(fragment), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos);
}

TEST(TundOptions, DefaultsMatchThePacketPathRecipe) {
  auto c = parse({});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->tun_name, "tc0");
  EXPECT_EQ(c->table, 100u);
  EXPECT_EQ(c->rule_tag, 199);
  EXPECT_EQ(c->ephemeral, (routing::PortRange{40000, 49999}));
  EXPECT_EQ(c->control_socket, "/run/tcpcrypt/control.sock");
  EXPECT_TRUE(c->uplinks.empty());  // detected later from the default route
  EXPECT_FALSE(c->run_as_user.has_value());
  EXPECT_EQ(c->encryption, EncryptionMode::Opportunistic);
  // RFC 8548 §5: Curve25519 and AES-128-GCM are mandatory, so they come first.
  ASSERT_FALSE(c->teps.empty());
  EXPECT_EQ(c->teps.front(), TepName::Curve25519);
  ASSERT_FALSE(c->aeads.empty());
  EXPECT_EQ(c->aeads.front(), AeadName::Aes128Gcm);
  EXPECT_TRUE(c->resumption);
}

TEST(TundOptions, ExplicitValuesOverrideDefaults) {
  auto c = parse({"--tun-name", "tcx", "--uplink", "vA,vC", "--address", "198.18.0.1", "--address", "fd00:18::1",
                  "--table", "1234", "--rule-tag", "77", "--ephemeral-ports", "50000-50999", "--mtu", "9000",
                  "--user", "nobody", "--encryption", "required", "--teps", "curve448,0x23", "--aeads",
                  "chacha20poly1305", "--resumption", "off", "--log-level", "debug", "--stats-file", "/tmp/s"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->tun_name, "tcx");
  EXPECT_EQ(c->uplinks, (std::vector<std::string>{"vA", "vC"}));
  ASSERT_EQ(c->shared_addresses.size(), 2u);
  EXPECT_EQ(c->shared_addresses[1].to_string(), "fd00:18::1");
  EXPECT_EQ(c->table, 1234u);
  EXPECT_EQ(c->rule_tag, 77);
  EXPECT_EQ(c->ephemeral, (routing::PortRange{50000, 50999}));
  EXPECT_EQ(c->mtu, 9000u);
  EXPECT_EQ(c->run_as_user, "nobody");
  EXPECT_EQ(c->encryption, EncryptionMode::Required);
  EXPECT_EQ(c->teps, (std::vector<TepName>{TepName::Curve448, TepName::Curve25519}));
  EXPECT_EQ(c->aeads, (std::vector<AeadName>{AeadName::ChaCha20Poly1305}));
  EXPECT_FALSE(c->resumption);
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->stats_file, "/tmp/s");
}

TEST(TundOptions, InvalidValuesExitWithCodeTwoAndOneLine) {
  expect_invalid({"--ephemeral-ports", "49999-40000"}, "ephemeral");
  expect_invalid({"--ephemeral-ports", "80-90"}, "ephemeral");
  expect_invalid({"--ephemeral-ports", "40000"}, "ephemeral");
  expect_invalid({"--table", "255"}, "reserved");
  expect_invalid({"--table", "x"}, "table");
  expect_invalid({"--rule-tag", "300"}, "rule tag");
  expect_invalid({"--rule-tag", "2"}, "rule tag");
  expect_invalid({"--tun-name", "a-name-longer-than-15"}, "TUN name");
  expect_invalid({"--uplink", "../x"}, "uplink");
  expect_invalid({"--uplink", "tc0"}, "uplink");
  expect_invalid({"--address", "198.18.0.300"}, "address");
  expect_invalid({"--mtu", "100"}, "MTU");
  expect_invalid({"--log-level", "loud"}, "log level");
  expect_invalid({"--control-socket", "relative.sock"}, "absolute");
  expect_invalid({"--encryption", "maybe"}, "encryption");
  expect_invalid({"--teps", "rsa"}, "TEP");
  expect_invalid({"--teps", "curve25519,0x23"}, "twice");
  expect_invalid({"--aeads", "0x0003"}, "AEAD");
  expect_invalid({"--resumption", "sometimes"}, "resumption");
  expect_invalid({"--key-update-bytes", "100"}, "key update");
  expect_invalid({"--no-such-option"}, "no-such-option");
  expect_invalid({"--config", "/nonexistent/tund.conf"}, "tund.conf");
}

TEST(TundOptions, HelpAndVersionExitZero) {
  std::ostringstream out;
  auto h = parse_config({"tund", "--help"}, out);
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().code, 0);
  EXPECT_NE(out.str().find("--ephemeral-ports"), std::string::npos);
  auto v = parse({"--version"});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, 0);
}

TEST(TundOptions, ConfigFileIsReadAndCommandLineWins) {
  char path[] = "/tmp/tund_options_testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream f(path);
    f << "tun-name = \"tcf\"\ntable = 321\neno_teps = [\"p256\", \"curve25519\"]\nresume = \"off\"\n"
         "default_mode = \"off\"\n";
  }
  auto c = parse({"--config", path, "--table", "322"});
  std::remove(path);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->tun_name, "tcf");
  EXPECT_EQ(c->table, 322u);
  EXPECT_EQ(c->teps, (std::vector<TepName>{TepName::P256, TepName::Curve25519}));
  EXPECT_FALSE(c->resumption);
  EXPECT_EQ(c->encryption, EncryptionMode::Off);
  EXPECT_EQ(c->config_file, path);
}

TEST(TundOptions, ValueParsers) {
  EXPECT_EQ(parse_port_range("1024-65535"), (routing::PortRange{1024, 65535}));
  EXPECT_FALSE(parse_port_range("40000-70000"));
  EXPECT_FALSE(parse_port_range("-1-5"));
  EXPECT_FALSE(parse_port_range("40000-"));
  EXPECT_EQ(parse_tep("0x24"), TepName::Curve448);
  EXPECT_FALSE(parse_tep("0x99"));
  EXPECT_FALSE(parse_tep("0x"));
  EXPECT_EQ(parse_aead("aes256gcm"), AeadName::Aes256Gcm);
  EXPECT_STREQ(tep_name(TepName::P521), "p521");
  EXPECT_STREQ(aead_name(AeadName::ChaCha20Poly1305), "chacha20poly1305");
  EXPECT_TRUE(is_log_level("warn"));
  EXPECT_FALSE(is_log_level("warning "));
}

}  // namespace
}  // namespace tund
