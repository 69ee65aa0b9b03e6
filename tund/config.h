// tund's configuration: command-line options (CLI11), optionally read from a config file
// (`--config FILE`, INI or TOML as CLI11 reads them; keys are the long option names, and the
// draft/api.md §9.7 names eno_teps, crypt_aconf, resume, default_mode are accepted too).
//
// parse_config() only parses and validates; it touches no system state. Values left empty
// (uplinks, shared addresses, MTU 0) are filled in later by tund/uplink.h from the main
// routing table. Errors are one-line messages; main() prints them and exits with 2.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "proto/ip/address.h"
#include "tund/routing/rule.h"

namespace tund {

enum class EncryptionMode : uint8_t { Opportunistic, Required, Off };

// RFC 8548 §7 Table 4 identifiers; names as in api.md §9.6 (TCPINC_TEPS).
enum class TepName : uint8_t { Curve25519 = 0x23, Curve448 = 0x24, P256 = 0x21, P521 = 0x22 };
// RFC 8548 §7 Table 5 identifiers.
enum class AeadName : uint16_t { Aes128Gcm = 0x0001, Aes256Gcm = 0x0002, ChaCha20Poly1305 = 0x0010 };

struct Config {
  // Packet path (packet-path.md §3).
  std::string tun_name = "tc0";
  std::vector<std::string> uplinks;                    // empty: the default route's interfaces
  std::vector<proto::ip::IpAddress> shared_addresses;  // empty: the uplinks' global addresses
  uint32_t table = 100;
  uint8_t rule_tag = 199;
  routing::PortRange ephemeral{40000, 49999};
  uint32_t mtu = 0;  // TUN MTU; 0: the largest uplink MTU (packet-path §8)

  // Connection table (tund/conn_table).
  uint32_t max_connections = 4096;  // TCP connections (TIME-WAIT included) and listeners
  uint32_t syn_retries = 6;         // SYN retransmissions before ETIMEDOUT (Linux tcp_syn_retries)

  // Process.
  std::string control_socket = "/run/tcpcrypt/control.sock";  // its directory also holds tund.lock
  std::string log_level = "info";                             // spdlog level names
  std::optional<std::string> run_as_user;                     // privilege drop (tund/privileges.h)
  std::optional<std::string> stats_file;                      // written at exit and on SIGUSR1
  std::optional<std::string> config_file;                     // kept for SIGHUP (log level reload)

  // Protocol defaults (the connection layer reads them).
  EncryptionMode encryption = EncryptionMode::Opportunistic;
  std::vector<TepName> teps{TepName::Curve25519, TepName::Curve448, TepName::P256, TepName::P521};
  std::vector<AeadName> aeads{AeadName::Aes128Gcm, AeadName::Aes256Gcm, AeadName::ChaCha20Poly1305};
  bool resumption = true;
  uint32_t cache_size = 1024;        // session cache entries (RFC 8548 §3.5)
  uint32_t cache_lifetime_s = 3600;  // seconds a cached secret may be resumed
  uint64_t key_update_bytes = uint64_t{1} << 34;  // rekey after this many bytes sent (RFC 8548 §3.8)
  uint32_t key_update_seconds = 0;                // and/or after this long; 0: never by time
};

// How parse_config() ends when it does not return a Config: exit code 0 after --help or
// --version (text already written to `out`), 2 for any invalid input (`message` is one line).
struct ConfigExit {
  int code;
  std::string message;
};

// args[0] is the program name. Reads the config file if --config is given; command-line
// values override it. Never throws.
tl::expected<Config, ConfigExit> parse_config(const std::vector<std::string>& args, std::ostream& out);

// Parsers for the option values, exposed for tests: nullopt when malformed.
std::optional<routing::PortRange> parse_port_range(const std::string& text);  // "40000-49999"
std::optional<TepName> parse_tep(const std::string& text);     // curve25519 ... or 0x23
std::optional<AeadName> parse_aead(const std::string& text);   // aes128gcm ... or 0x0001
std::optional<EncryptionMode> parse_encryption_mode(const std::string& text);
bool is_log_level(const std::string& text);

const char* tep_name(TepName t);
const char* aead_name(AeadName a);
const char* encryption_mode_name(EncryptionMode m);

}  // namespace tund
