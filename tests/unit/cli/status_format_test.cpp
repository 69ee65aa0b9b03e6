// `tcpcrypt status` lines and JSON, and the `security ...` fields of `tcpcrypt nc`.
#include "tools/tcpcrypt/status_format.h"

#include <gtest/gtest.h>

namespace tcpcrypt_cli {
namespace {

namespace pc = proto::control;
using proto::ip::Endpoint;
using proto::ip::IpAddress;

Endpoint ep(const char* addr, uint16_t port) { return Endpoint{*IpAddress::parse(addr), port}; }

pc::SecurityInfo encrypted() {
  pc::SecurityInfo s;
  s.encrypted = true;
  s.role = pc::Role::A;
  s.tep = 0x23;
  s.aead = 0x0001;
  s.session_id = {0x23, 0x01, 0xfe};
  return s;
}

pc::ConnectionStatus row(pc::ConnState state) {
  pc::ConnectionStatus s;
  s.token = 7;
  s.state = state;
  s.local = ep("198.18.0.1", 40001);
  s.remote = ep("198.18.0.2", 80);
  s.owner_pid = 1234;
  s.owner_uid = 1000;
  s.counters = {10, 20, 3, 4, 1};
  return s;
}

constexpr const char* kCounters =
    " bytes_sent=10 bytes_received=20 segments_sent=3 segments_received=4 retransmits=1";

TEST(StatusFormat, NamesTepsAndAeadsFromTheRfcTables) {
  EXPECT_EQ(tep_display_name(0x21), "TCPCRYPT_ECDHE_P256");
  EXPECT_EQ(tep_display_name(0x22), "TCPCRYPT_ECDHE_P521");
  EXPECT_EQ(tep_display_name(0x23), "TCPCRYPT_ECDHE_Curve25519");
  EXPECT_EQ(tep_display_name(0x24), "TCPCRYPT_ECDHE_Curve448");
  EXPECT_EQ(tep_display_name(0xa3), "TCPCRYPT_ECDHE_Curve25519");  // v bit ignored
  EXPECT_EQ(tep_display_name(0x2a), "0x2a");
  EXPECT_EQ(aead_display_name(0x0001), "AEAD_AES_128_GCM");
  EXPECT_EQ(aead_display_name(0x0002), "AEAD_AES_256_GCM");
  EXPECT_EQ(aead_display_name(0x0010), "AEAD_CHACHA20_POLY1305");
  EXPECT_EQ(aead_display_name(0x0003), "0x0003");
}

// RQ-1, RQ-6 (CLI side): the session ID and the role are shown together.
TEST(StatusFormat, SecurityFieldsKeepOneForm) {
  EXPECT_EQ(security_fields(encrypted()),
            "encrypted=1 tep=TCPCRYPT_ECDHE_Curve25519 aead=AEAD_AES_128_GCM role=A sid=2301fe");
  EXPECT_EQ(security_fields(pc::SecurityInfo{}), "encrypted=0 tep=- aead=- role=- sid=-");
  pc::SecurityInfo plain_b;
  plain_b.role = pc::Role::B;
  EXPECT_EQ(security_fields(plain_b), "encrypted=0 tep=- aead=- role=B sid=-");
}

TEST(StatusFormat, EncryptedRow) {
  auto s = row(pc::ConnState::Established);
  s.security = encrypted();
  EXPECT_EQ(format_status_line(s),
            std::string("token=7 state=established local=198.18.0.1:40001 "
                        "remote=198.18.0.2:80 pid=1234 uid=1000 mode=opportunistic "
                        "tep=TCPCRYPT_ECDHE_Curve25519 aead=AEAD_AES_128_GCM role=A sid=2301fe") +
                kCounters);
}

TEST(StatusFormat, PlainRow) {
  auto s = row(pc::ConnState::Closing);
  s.mode = pc::Mode::Off;
  EXPECT_EQ(format_status_line(s),
            std::string("token=7 state=closing local=198.18.0.1:40001 remote=198.18.0.2:80 "
                        "pid=1234 uid=1000 mode=off plain") +
                kCounters);
}

TEST(StatusFormat, ListenerRowHasNoPeerNorOutcome) {
  auto s = row(pc::ConnState::Listening);
  s.remote = Endpoint{};
  s.counters = {};
  EXPECT_EQ(format_status_line(s),
            "token=7 state=listening local=198.18.0.1:40001 remote=- pid=1234 uid=1000 "
            "mode=opportunistic - bytes_sent=0 bytes_received=0 segments_sent=0 "
            "segments_received=0 retransmits=0");
}

TEST(StatusFormat, FailedRowNamesTheError) {
  auto s = row(pc::ConnState::Aborted);
  s.mode = pc::Mode::Required;
  s.error = pc::ConnError::EnoRequired;
  EXPECT_EQ(format_status_line(s),
            std::string("token=7 state=aborted local=198.18.0.1:40001 remote=198.18.0.2:80 "
                        "pid=1234 uid=1000 mode=required plain "
                        "error=\"encryption required but not negotiated\"") +
                kCounters);
}

TEST(StatusFormat, JsonHasTheSameFields) {
  auto enc = row(pc::ConnState::Established);
  enc.security = encrypted();
  auto listener = row(pc::ConnState::Listening);
  listener.remote = Endpoint{};
  auto failed = row(pc::ConnState::Aborted);
  failed.error = pc::ConnError::Reset;
  auto j = status_json({enc, listener, failed});
  ASSERT_EQ(j["connections"].size(), 3u);
  const auto& e = j["connections"][0];
  EXPECT_EQ(e["token"], 7);
  EXPECT_EQ(e["state"], "established");
  EXPECT_EQ(e["local"], "198.18.0.1:40001");
  EXPECT_EQ(e["remote"], "198.18.0.2:80");
  EXPECT_EQ(e["owner_pid"], 1234);
  EXPECT_EQ(e["owner_uid"], 1000);
  EXPECT_EQ(e["mode"], "opportunistic");
  EXPECT_EQ(e["encrypted"], true);
  EXPECT_EQ(e["tep"], "TCPCRYPT_ECDHE_Curve25519");
  EXPECT_EQ(e["aead"], "AEAD_AES_128_GCM");
  EXPECT_EQ(e["role"], "A");
  EXPECT_EQ(e["session_id"], "2301fe");
  EXPECT_TRUE(e["error"].is_null());
  EXPECT_EQ(e["counters"]["bytes_sent"], 10);
  EXPECT_EQ(e["counters"]["bytes_received"], 20);
  EXPECT_EQ(e["counters"]["segments_sent"], 3);
  EXPECT_EQ(e["counters"]["segments_received"], 4);
  EXPECT_EQ(e["counters"]["retransmits"], 1);
  const auto& l = j["connections"][1];
  EXPECT_EQ(l["state"], "listening");
  EXPECT_TRUE(l["remote"].is_null());
  EXPECT_EQ(l["encrypted"], false);
  for (const char* key : {"tep", "aead", "role", "session_id"}) EXPECT_TRUE(l[key].is_null()) << key;
  EXPECT_EQ(j["connections"][2]["error"], "reset by peer");
  EXPECT_EQ(status_json({}).dump(), R"({"connections":[]})");
}

}  // namespace
}  // namespace tcpcrypt_cli
