// `tcpcrypt nc` ENO options → the control protocol's EnoOptions.
#include "tools/tcpcrypt/eno_args.h"

#include <gtest/gtest.h>

namespace tcpcrypt_cli {
namespace {

namespace pc = proto::control;

TEST(EnoArgs, DefaultsAreTundDefaults) {
  auto o = to_eno_options(EnoArgs{});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(*o, pc::EnoOptions{});
}

TEST(EnoArgs, ParsesTepNames) {
  EXPECT_EQ(parse_tep("TCPCRYPT_ECDHE_P256"), 0x21);
  EXPECT_EQ(parse_tep("P521"), 0x22);
  EXPECT_EQ(parse_tep("curve25519"), 0x23);
  EXPECT_EQ(parse_tep("tcpcrypt_ecdhe_curve448"), 0x24);
  EXPECT_EQ(parse_tep("0x20"), 0x20);
  EXPECT_EQ(parse_tep("0x7f"), 0x7f);
  for (const char* bad : {"", "P384", "0x1f", "0x80", "0x", "0x23z", "TCPCRYPT_ECDHE_"})
    EXPECT_FALSE(parse_tep(bad)) << bad;
}

TEST(EnoArgs, ParsesAeadNames) {
  EXPECT_EQ(parse_aead("AEAD_AES_128_GCM"), 0x0001);
  EXPECT_EQ(parse_aead("AES_128_GCM"), 0x0001);
  EXPECT_EQ(parse_aead("AES_256_GCM"), 0x0002);
  EXPECT_EQ(parse_aead("chacha20_poly1305"), 0x0010);
  EXPECT_EQ(parse_aead("aes256gcm"), 0x0002);  // tund's configuration name
  EXPECT_EQ(parse_aead("0x0010"), 0x0010);
  for (const char* bad : {"", "AES_192_GCM", "0x0", "0x10000", "AEAD_"})
    EXPECT_FALSE(parse_aead(bad)) << bad;
}

// api.md §9.2 TCP_ENO_TEPS and §9.4 TCP_CRYPT_BCONF: increasing preference on the wire;
// the command line names the most preferred first. RQ-14 (CLI side: ACONF/BCONF per connection)
TEST(EnoArgs, ListsAreReversedIntoIncreasingPreference) {
  EnoArgs a;
  a.teps = {"Curve25519", "P256", "0x7f"};
  a.aeads = {"CHACHA20_POLY1305", "AES_128_GCM"};
  auto o = to_eno_options(a);
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->teps, (proto::Bytes{0x7f, 0x21, 0x23}));
  EXPECT_EQ(o->aeads_prefer, (std::vector<uint16_t>{0x0001, 0x0010}));
  EXPECT_EQ(o->aeads_offer, o->aeads_prefer);
}

// RQ-2 (b bit), RQ-3 (a bit), RQ-5 (mandatory application-aware), RQ-8 (required mode),
// RQ-16 (no resumption): the CLI side, each flag reaches its EnoOptions field.
TEST(EnoArgs, FlagsAndModeReachTheOptions) {
  EnoArgs a;
  a.mode = "required";
  a.role_b = true;
  a.app_aware = true;
  a.app_aware_mandatory = true;
  a.no_resumption = true;
  auto o = to_eno_options(a);
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->mode, pc::Mode::Required);
  EXPECT_TRUE(o->passive_role);
  EXPECT_TRUE(o->app_aware);
  EXPECT_TRUE(o->app_aware_mandatory);
  EXPECT_TRUE(o->no_resumption);
  EXPECT_FALSE(o->no_cache);
  a.mode = "off";
  EXPECT_EQ(to_eno_options(a)->mode, pc::Mode::Off);
}

TEST(EnoArgs, RejectsUnknownAndRepeatedNames) {
  EnoArgs a;
  a.mode = "always";
  EXPECT_EQ(to_eno_options(a).error(), "unknown mode 'always'");
  a = EnoArgs{};
  a.teps = {"Curve25519", "X9"};
  EXPECT_EQ(to_eno_options(a).error(), "unknown TEP 'X9'");
  a.teps = {"Curve25519", "TCPCRYPT_ECDHE_Curve25519"};
  EXPECT_EQ(to_eno_options(a).error(), "TEP 'TCPCRYPT_ECDHE_Curve25519' given twice");
  a = EnoArgs{};
  a.aeads = {"AES_512_GCM"};
  EXPECT_EQ(to_eno_options(a).error(), "unknown AEAD 'AES_512_GCM'");
}

// The command line, through CLI11: comma lists and repeated options, positionals untouched.
TEST(EnoArgs, CommandLineFillsTheArguments) {
  CLI::App app;
  EnoArgs a;
  std::vector<std::string> rest;
  add_eno_options(app, a);
  app.add_option("args", rest);
  app.parse("--mode off --tep Curve448,P521 --tep P256 --aead AES_256_GCM host --role-b "
            "--no-resumption 80",
            false);
  EXPECT_EQ(a.teps, (std::vector<std::string>{"Curve448", "P521", "P256"}));
  EXPECT_EQ(a.aeads, (std::vector<std::string>{"AES_256_GCM"}));
  EXPECT_EQ(a.mode, "off");
  EXPECT_TRUE(a.role_b);
  EXPECT_TRUE(a.no_resumption);
  EXPECT_FALSE(a.app_aware);
  EXPECT_EQ(rest, (std::vector<std::string>{"host", "80"}));
}

}  // namespace
}  // namespace tcpcrypt_cli
