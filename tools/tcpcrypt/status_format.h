// Text and JSON forms of tund's connection status (`tcpcrypt status`) and of a connection's
// security outcome (`tcpcrypt nc --print-security`). Pure functions of their arguments;
// thread-safe; never fail (unknown identifiers print as hex).
//
// Status line, one per connection or listener, fields separated by one space:
//   token=<n> state=<state> local=<addr:port> remote=<addr:port|-> pid=<n> uid=<n> mode=<mode>
//   <security> [error="<conn_error_name>"] bytes_sent=<n> bytes_received=<n>
//   segments_sent=<n> segments_received=<n> retransmits=<n>
// where <security> is `tep=<name> aead=<name> role=A|B sid=<hex>` when encrypted, `-` while
// there is no outcome yet (listening, connecting), else `plain`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "proto/control/messages.h"

namespace tcpcrypt_cli {

// RFC 8548 Table 4 name of the TEP (v bit ignored), e.g. TCPCRYPT_ECDHE_Curve25519;
// "0x2a" for an identifier without a name.
std::string tep_display_name(uint8_t tep);
// RFC 8548 Table 5 name, e.g. AEAD_AES_128_GCM; "0x0003" for an unregistered id.
std::string aead_display_name(uint16_t aead);
const char* role_name(proto::control::Role role);         // "A", "B", "-" (unknown)
const char* state_name(proto::control::ConnState state);  // "established", ...
const char* mode_name(proto::control::Mode mode);         // "off", "opportunistic", "required"

// `encrypted=1 tep=<name> aead=<name> role=A|B sid=<hex>`; when not encrypted
// `encrypted=0 tep=- aead=- role=<role> sid=-`. The same keys always appear, in this order.
std::string security_fields(const proto::control::SecurityInfo& security);

std::string format_status_line(const proto::control::ConnectionStatus& status);

// {"connections": [{"token", "state", "local", "remote" (null for a listener), "owner_pid",
//   "owner_uid", "mode", "encrypted", "tep", "aead", "role", "session_id" (hex) — these four
//   null when not encrypted —, "error" (null or name), "counters": {"bytes_sent",
//   "bytes_received", "segments_sent", "segments_received", "retransmits"}}, ...]}
nlohmann::json status_json(const std::vector<proto::control::ConnectionStatus>& connections);

}  // namespace tcpcrypt_cli
