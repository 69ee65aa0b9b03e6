// ENO/tcpcrypt command-line options of `tcpcrypt nc` and their conversion to the control
// protocol's EnoOptions (messages.h). Pure functions; thread-safe.
//
// Lists on the command line are MOST preferred FIRST (like tund's --teps/--aeads); the control
// protocol's EnoOptions::teps and ::aeads_prefer are in INCREASING preference (api.md §9.2
// TCP_ENO_TEPS, §9.4 TCP_CRYPT_BCONF), so to_eno_options() reverses them.
//   --mode default|off|opportunistic|required   EnoOptions::mode
//   --tep NAME[,NAME...]                 EnoOptions::teps (v bit clear)
//   --aead NAME[,NAME...]                EnoOptions::aeads_offer and ::aeads_prefer
//   --role-b                             passive_role (b bit, RFC 8547 §4.2)
//   --app-aware                          app_aware (a bit)
//   --app-aware-mandatory                app_aware_mandatory (TCP_ENO_AA_MANDATORY)
//   --no-resumption                      no_resumption (fresh key exchange, RFC 8548 §3.5)
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "proto/control/messages.h"

namespace tcpcrypt_cli {

struct EnoArgs {
  std::string mode = "default";  // tund's configured mode
  std::vector<std::string> teps;   // most preferred first; empty = tund default
  std::vector<std::string> aeads;  // most preferred first; empty = tund default
  bool role_b = false;
  bool app_aware = false;
  bool app_aware_mandatory = false;
  bool no_resumption = false;
};

// Names are matched ignoring case and underscores, so tund's configuration names work too.
// A TEP: its RFC 8548 Table 4 name (TCPCRYPT_ECDHE_Curve25519), the name without the
// TCPCRYPT_ECDHE_ prefix (Curve25519, P256, ...), or a number 0x20–0x7f.
std::optional<uint8_t> parse_tep(std::string_view text);
// An AEAD: its RFC 8548 Table 5 name with or without the AEAD_ prefix (AEAD_AES_128_GCM,
// AES_256_GCM, CHACHA20_POLY1305, aes128gcm), or a number 0x0001–0xffff.
std::optional<uint16_t> parse_aead(std::string_view text);

// The EnoOptions these arguments ask for; on error a message naming the bad argument
// (unknown mode/TEP/AEAD, a name given twice).
tl::expected<proto::control::EnoOptions, std::string> to_eno_options(const EnoArgs& args);

// Adds the options above to `command`, writing into `args` (which must outlive parsing).
void add_eno_options(CLI::App& command, EnoArgs& args);

}  // namespace tcpcrypt_cli
