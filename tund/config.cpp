#include "tund/config.h"

#include <net/if.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <ostream>
#include <set>

namespace tund {

namespace {

template <class T>
std::optional<T> parse_uint(const std::string& text, T max) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v > max) return std::nullopt;
  return T(v);
}

struct Named {
  const char* name;
  uint16_t id;
};
constexpr Named kTeps[] = {{"curve25519", 0x23}, {"curve448", 0x24}, {"p256", 0x21}, {"p521", 0x22}};
constexpr Named kAeads[] = {{"aes128gcm", 0x0001}, {"aes256gcm", 0x0002}, {"chacha20poly1305", 0x0010}};
constexpr const char* kLogLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};

// A name from the table, or its identifier in hex ("0x23").
template <size_t N>
std::optional<uint16_t> parse_named(const std::string& text, const Named (&table)[N]) {
  for (const Named& n : table)
    if (text == n.name) return n.id;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint16_t v = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data() + 2, end, v, 16);
    if (ec == std::errc() && p == end)
      for (const Named& n : table)
        if (n.id == v) return v;
  }
  return std::nullopt;
}

template <size_t N>
const char* name_of(uint16_t id, const Named (&table)[N]) {
  for (const Named& n : table)
    if (n.id == id) return n.name;
  return "?";
}

bool valid_ifname(const std::string& n) {
  return !n.empty() && n.size() < IFNAMSIZ && n.find('/') == std::string::npos && n != "." && n != "..";
}

// The raw strings CLI11 fills; convert() turns them into a Config or the first error.
struct RawOptions {
  std::vector<std::string> uplinks, addresses, teps, aeads;
  std::string ephemeral = "40000-49999", encryption = "opportunistic", resumption = "on";
  uint32_t table = 100, rule_tag = 199;
};

template <class T, class Parse>
tl::expected<std::vector<T>, std::string> parse_list(const std::vector<std::string>& items, Parse parse,
                                                     const char* what) {
  std::vector<T> out;
  for (const auto& s : items) {
    auto v = parse(s);
    if (!v) return tl::unexpected("invalid " + std::string(what) + " '" + s + "'");
    if (std::find(out.begin(), out.end(), *v) != out.end())
      return tl::unexpected(std::string(what) + " '" + s + "' listed twice");
    out.push_back(*v);
  }
  return out;
}

tl::expected<void, std::string> convert(const RawOptions& raw, Config& c) {
  using Err = tl::unexpected<std::string>;
  if (!valid_ifname(c.tun_name)) return Err("invalid TUN name '" + c.tun_name + "' (1-15 characters, no '/')");
  for (const auto& u : raw.uplinks) {
    if (!valid_ifname(u)) return Err("invalid uplink interface name '" + u + "'");
    if (u == c.tun_name) return Err("the uplink cannot be the TUN device itself");
  }
  c.uplinks = raw.uplinks;
  c.shared_addresses.clear();
  for (const auto& a : raw.addresses) {
    auto ip = proto::ip::IpAddress::parse(a);
    if (!ip) return Err("invalid shared address '" + a + "'");
    c.shared_addresses.push_back(*ip);
  }
  // 0 is unspecified; 253-255 are the default/main/local tables (252 is the "compat" id).
  if (raw.table == 0 || (raw.table >= 252 && raw.table <= 255))
    return Err("routing table " + std::to_string(raw.table) + " is reserved (0, 252-255)");
  c.table = raw.table;
  if (raw.rule_tag < 5 || raw.rule_tag > 255)
    return Err("rule tag must be 5-255 (0-4 are the kernel's own route protocols)");
  c.rule_tag = uint8_t(raw.rule_tag);
  auto range = parse_port_range(raw.ephemeral);
  if (!range) return Err("invalid ephemeral port range '" + raw.ephemeral + "' (expected FIRST-LAST, 1024-65535)");
  c.ephemeral = *range;
  if (c.mtu != 0 && (c.mtu < 1280 || c.mtu > 65535)) return Err("MTU must be 1280-65535 (or 0: from the uplinks)");
  if (!is_log_level(c.log_level)) return Err("invalid log level '" + c.log_level + "'");
  if (c.control_socket.empty() || c.control_socket.front() != '/' || c.control_socket.size() >= 108)
    return Err("control socket path must be absolute and shorter than 108 bytes");
  if (c.run_as_user && c.run_as_user->empty()) return Err("empty user name");
  auto mode = parse_encryption_mode(raw.encryption);
  if (!mode) return Err("invalid encryption mode '" + raw.encryption + "' (opportunistic, required, off)");
  c.encryption = *mode;
  if (!raw.teps.empty()) {
    auto teps = parse_list<TepName>(raw.teps, parse_tep, "TEP");
    if (!teps) return Err(teps.error());
    c.teps = *teps;
  }
  if (!raw.aeads.empty()) {
    auto aeads = parse_list<AeadName>(raw.aeads, parse_aead, "AEAD");
    if (!aeads) return Err(aeads.error());
    c.aeads = *aeads;
  }
  if (raw.resumption != "on" && raw.resumption != "off") return Err("resumption must be on or off");
  c.resumption = raw.resumption == "on";
  if (c.cache_size == 0 && c.resumption) return Err("cache size 0 with resumption on (use --resumption off)");
  if (c.key_update_bytes != 0 && c.key_update_bytes < 4096)
    return Err("key update after fewer than 4096 bytes would rekey on almost every frame");
  return {};
}

}  // namespace

std::optional<routing::PortRange> parse_port_range(const std::string& text) {
  auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto first = parse_uint<uint16_t>(text.substr(0, dash), 65535);
  auto last = parse_uint<uint16_t>(text.substr(dash + 1), 65535);
  // Below 1024 are well-known service ports a kernel listener may need.
  if (!first || !last || *first < 1024 || *first > *last) return std::nullopt;
  return routing::PortRange{*first, *last};
}

std::optional<TepName> parse_tep(const std::string& text) {
  auto id = parse_named(text, kTeps);
  return id ? std::optional(TepName(*id)) : std::nullopt;
}

std::optional<AeadName> parse_aead(const std::string& text) {
  auto id = parse_named(text, kAeads);
  return id ? std::optional(AeadName(*id)) : std::nullopt;
}

std::optional<EncryptionMode> parse_encryption_mode(const std::string& text) {
  if (text == "opportunistic") return EncryptionMode::Opportunistic;
  if (text == "required") return EncryptionMode::Required;
  if (text == "off") return EncryptionMode::Off;
  return std::nullopt;
}

bool is_log_level(const std::string& text) {
  return std::find(std::begin(kLogLevels), std::end(kLogLevels), text) != std::end(kLogLevels);
}

const char* tep_name(TepName t) { return name_of(uint16_t(t), kTeps); }
const char* aead_name(AeadName a) { return name_of(uint16_t(a), kAeads); }
const char* encryption_mode_name(EncryptionMode m) {
  switch (m) {
    case EncryptionMode::Opportunistic: return "opportunistic";
    case EncryptionMode::Required: return "required";
    case EncryptionMode::Off: return "off";
  }
  return "?";
}

tl::expected<Config, ConfigExit> parse_config(const std::vector<std::string>& args, std::ostream& out) {
  Config c;
  RawOptions raw;
  std::string user, stats;
  CLI::App app{"tund: TCP-ENO/tcpcrypt daemon (RFC 8547, RFC 8548)", args.empty() ? "tund" : args[0]};
  app.set_version_flag("--version", "tund 0.1.0");
  app.set_config("--config", "", "read options from this file (INI or TOML; keys = long option names)");
  app.add_option("--tun-name", c.tun_name, "TUN device name")->capture_default_str();
  app.add_option("--uplink", raw.uplinks, "uplink interface(s) (default: the main table's default route)")
      ->delimiter(',');
  app.add_option("--address", raw.addresses, "shared host address(es) (default: the uplinks' global addresses)")
      ->delimiter(',');
  app.add_option("--table", raw.table, "routing table id")->capture_default_str();
  app.add_option("--rule-tag", raw.rule_tag, "protocol tag on tund's rules and routes")->capture_default_str();
  app.add_option("--ephemeral-ports", raw.ephemeral, "tund's source port range FIRST-LAST")->capture_default_str();
  app.add_option("--mtu", c.mtu, "TUN MTU (0: the largest uplink MTU)")->capture_default_str();
  app.add_option("--max-connections", c.max_connections, "TCP connections and listeners at most")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  app.add_option("--syn-retries", c.syn_retries, "SYN retransmissions before a connect times out")
      ->check(CLI::Range(1u, 20u))
      ->capture_default_str();
  app.add_option("--control-socket", c.control_socket, "control socket path")->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, critical, off")
      ->capture_default_str();
  app.add_option("--user", user, "drop privileges to this user after setup");
  app.add_option("--stats-file", stats, "write counters here at exit and on SIGUSR1");
  app.add_option("--encryption,--default_mode", raw.encryption, "default mode: opportunistic, required, off")
      ->capture_default_str();
  app.add_option("--teps,--eno_teps", raw.teps, "TEP preference, most preferred first")->delimiter(',');
  app.add_option("--aeads,--crypt_aconf", raw.aeads, "AEAD preference, most preferred first")->delimiter(',');
  app.add_option("--resumption,--resume", raw.resumption, "session resumption: on or off")->capture_default_str();
  app.add_option("--cache-size", c.cache_size, "session cache entries")->capture_default_str();
  app.add_option("--cache-lifetime", c.cache_lifetime_s, "session cache lifetime in seconds")->capture_default_str();
  app.add_option("--key-update-bytes", c.key_update_bytes, "rekey after this many bytes (0: never)")
      ->capture_default_str();
  app.add_option("--key-update-seconds", c.key_update_seconds, "rekey after this many seconds (0: never)")
      ->capture_default_str();

  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  if (argv.empty()) argv.push_back("tund");
  try {
    app.parse(int(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return tl::unexpected(ConfigExit{0, ""});
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return tl::unexpected(ConfigExit{0, ""});
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    return tl::unexpected(ConfigExit{2, msg});
  } catch (const std::exception& e) {  // e.g. std::bad_alloc: still one line, never a crash
    return tl::unexpected(ConfigExit{2, e.what()});
  }
  if (!user.empty() || app.count("--user")) c.run_as_user = user;
  if (!stats.empty()) c.stats_file = stats;
  if (auto* opt = app.get_config_ptr(); opt && opt->count() > 0) c.config_file = opt->as<std::string>();
  if (auto s = convert(raw, c); !s) return tl::unexpected(ConfigExit{2, s.error()});
  return c;
}

}  // namespace tund
