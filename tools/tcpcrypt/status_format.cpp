#include "tools/tcpcrypt/status_format.h"

#include <cstdio>

#include "crypto/aead.h"
#include "proto/tcpcrypt/constants.h"

namespace tcpcrypt_cli {

namespace pc = proto::control;
using nlohmann::json;

namespace {

std::string hex_id(unsigned value, int digits) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, value);
  return buf;
}

// Listeners have no peer; tund leaves remote unspecified (messages.h).
bool is_listener(const pc::ConnectionStatus& s) { return s.state == pc::ConnState::Listening; }

// No security outcome exists before ENO has run.
bool has_outcome(const pc::ConnectionStatus& s) {
  return s.state != pc::ConnState::Listening && s.state != pc::ConnState::Connecting;
}

}  // namespace

std::string tep_display_name(uint8_t tep) {
  if (const char* name = proto::tcpcrypt::tep_name(tep & proto::tcpcrypt::kTepIdMask)) return name;
  return hex_id(tep, 2);
}

std::string aead_display_name(uint16_t aead) {
  if (const crypto::AeadInfo* info = crypto::aead_info(aead)) return info->name;
  return hex_id(aead, 4);
}

const char* role_name(pc::Role role) {
  switch (role) {
    case pc::Role::A: return "A";
    case pc::Role::B: return "B";
    case pc::Role::Unknown: break;
  }
  return "-";
}

const char* state_name(pc::ConnState state) {
  switch (state) {
    case pc::ConnState::Connecting: return "connecting";
    case pc::ConnState::Listening: return "listening";
    case pc::ConnState::Established: return "established";
    case pc::ConnState::Closing: return "closing";
    case pc::ConnState::Closed: return "closed";
    case pc::ConnState::Aborted: return "aborted";
  }
  return "unknown";
}

const char* mode_name(pc::Mode mode) {
  switch (mode) {
    case pc::Mode::Off: return "off";
    case pc::Mode::Opportunistic: return "opportunistic";
    case pc::Mode::Required: return "required";
    case pc::Mode::Default: return "default";
  }
  return "unknown";
}

namespace {

// `tep=.. aead=.. role=.. sid=..` of an encrypted connection.
std::string encrypted_fields(const pc::SecurityInfo& s) {
  return "tep=" + tep_display_name(s.tep) + " aead=" + aead_display_name(s.aead) +
         " role=" + role_name(s.role) + " sid=" + proto::to_hex(s.session_id);
}

}  // namespace

std::string security_fields(const pc::SecurityInfo& s) {
  if (!s.encrypted) return std::string("encrypted=0 tep=- aead=- role=") + role_name(s.role) + " sid=-";
  return "encrypted=1 " + encrypted_fields(s);
}

std::string format_status_line(const pc::ConnectionStatus& s) {
  std::string line = "token=" + std::to_string(s.token) + " state=" + state_name(s.state) +
                     " local=" + s.local.to_string() +
                     " remote=" + (is_listener(s) ? "-" : s.remote.to_string()) +
                     " pid=" + std::to_string(s.owner_pid) + " uid=" + std::to_string(s.owner_uid) +
                     " mode=" + mode_name(s.mode) + " ";
  if (s.security.encrypted)
    line += encrypted_fields(s.security);
  else
    line += has_outcome(s) ? "plain" : "-";
  if (s.error) line += std::string(" error=\"") + pc::conn_error_name(*s.error) + "\"";
  const pc::Counters& c = s.counters;
  line += " bytes_sent=" + std::to_string(c.bytes_sent) +
          " bytes_received=" + std::to_string(c.bytes_received) +
          " segments_sent=" + std::to_string(c.segments_sent) +
          " segments_received=" + std::to_string(c.segments_received) +
          " retransmits=" + std::to_string(c.retransmits);
  return line;
}

namespace {

json connection_json(const pc::ConnectionStatus& s) {
  const pc::SecurityInfo& sec = s.security;
  const pc::Counters& c = s.counters;
  return json{
      {"token", s.token},
      {"state", state_name(s.state)},
      {"local", s.local.to_string()},
      {"remote", is_listener(s) ? json(nullptr) : json(s.remote.to_string())},
      {"owner_pid", s.owner_pid},
      {"owner_uid", s.owner_uid},
      {"mode", mode_name(s.mode)},
      {"encrypted", sec.encrypted},
      {"tep", sec.encrypted ? json(tep_display_name(sec.tep)) : json(nullptr)},
      {"aead", sec.encrypted ? json(aead_display_name(sec.aead)) : json(nullptr)},
      {"role", sec.encrypted ? json(role_name(sec.role)) : json(nullptr)},
      {"session_id", sec.encrypted ? json(proto::to_hex(sec.session_id)) : json(nullptr)},
      {"error", s.error ? json(pc::conn_error_name(*s.error)) : json(nullptr)},
      {"counters",
       {{"bytes_sent", c.bytes_sent},
        {"bytes_received", c.bytes_received},
        {"segments_sent", c.segments_sent},
        {"segments_received", c.segments_received},
        {"retransmits", c.retransmits}}},
  };
}

}  // namespace

json status_json(const std::vector<pc::ConnectionStatus>& connections) {
  json list = json::array();
  for (const auto& s : connections) list.push_back(connection_json(s));
  return json{{"connections", std::move(list)}};
}

}  // namespace tcpcrypt_cli
