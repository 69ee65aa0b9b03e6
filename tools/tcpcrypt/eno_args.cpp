#include "tools/tcpcrypt/eno_args.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "crypto/aead.h"
#include "proto/tcpcrypt/constants.h"
#include "tools/tcpcrypt/status_format.h"

namespace tcpcrypt_cli {

namespace pc = proto::control;

namespace {

constexpr uint16_t kAeadIds[] = {uint16_t(crypto::AeadId::Aes128Gcm),
                                 uint16_t(crypto::AeadId::Aes256Gcm),
                                 uint16_t(crypto::AeadId::ChaCha20Poly1305)};

// Lower case, without underscores and without `prefix` (given in that form): the RFC name
// AEAD_AES_128_GCM, AES_128_GCM and tund's aes128gcm all become "aes128gcm".
std::string name_key(std::string_view name, std::string_view prefix) {
  std::string key;
  for (char c : name)
    if (c != '_') key += char(std::tolower(static_cast<unsigned char>(c)));
  if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0)
    key.erase(0, prefix.size());
  return key;
}

constexpr std::string_view kTepPrefix = "tcpcryptecdhe";
constexpr std::string_view kAeadPrefix = "aead";

// "0x…" as a number in [lo, hi].
std::optional<unsigned> parse_hex(std::string_view text, unsigned lo, unsigned hi) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), v, 16);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

// Parses every item with `parse`; most preferred first in, increasing preference out.
template <class Id, class Parse>
tl::expected<std::vector<Id>, std::string> parse_preference(const std::vector<std::string>& items,
                                                           Parse parse, const char* what) {
  std::vector<Id> ids;
  for (const auto& item : items) {
    auto id = parse(item);
    if (!id) return tl::unexpected(std::string("unknown ") + what + " '" + item + "'");
    if (std::find(ids.begin(), ids.end(), *id) != ids.end())
      return tl::unexpected(std::string(what) + " '" + item + "' given twice");
    ids.push_back(*id);
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::optional<uint8_t> parse_tep(std::string_view text) {
  if (auto v = parse_hex(text, 0x20, 0x7f)) return uint8_t(*v);
  const std::string key = name_key(text, kTepPrefix);
  for (uint8_t tep = proto::tcpcrypt::kTepP256; tep <= proto::tcpcrypt::kTepX448; ++tep)
    if (key == name_key(proto::tcpcrypt::tep_name(tep), kTepPrefix)) return tep;
  return std::nullopt;
}

std::optional<uint16_t> parse_aead(std::string_view text) {
  if (auto v = parse_hex(text, 0x0001, 0xffff)) return uint16_t(*v);
  const std::string key = name_key(text, kAeadPrefix);
  for (uint16_t id : kAeadIds)
    if (key == name_key(crypto::aead_info(id)->name, kAeadPrefix)) return id;
  return std::nullopt;
}

tl::expected<pc::EnoOptions, std::string> to_eno_options(const EnoArgs& args) {
  pc::EnoOptions o;
  const pc::Mode modes[] = {pc::Mode::Default, pc::Mode::Off, pc::Mode::Opportunistic, pc::Mode::Required};
  auto mode = std::find_if(std::begin(modes), std::end(modes),
                           [&](pc::Mode m) { return args.mode == mode_name(m); });
  if (mode == std::end(modes)) return tl::unexpected("unknown mode '" + args.mode + "'");
  o.mode = *mode;
  auto teps = parse_preference<uint8_t>(args.teps, parse_tep, "TEP");
  if (!teps) return tl::unexpected(teps.error());
  o.teps.assign(teps->begin(), teps->end());
  auto aeads = parse_preference<uint16_t>(args.aeads, parse_aead, "AEAD");
  if (!aeads) return tl::unexpected(aeads.error());
  o.aeads_offer = *aeads;
  o.aeads_prefer = *aeads;
  o.passive_role = args.role_b;
  o.app_aware = args.app_aware;
  o.app_aware_mandatory = args.app_aware_mandatory;
  o.no_resumption = args.no_resumption;
  return o;
}

void add_eno_options(CLI::App& command, EnoArgs& args) {
  command.add_option("--mode", args.mode, "ENO mode (default: tund's configured mode)")
      ->check(CLI::IsMember({"default", "off", "opportunistic", "required"}))
      ->capture_default_str();
  command
      .add_option("--tep", args.teps,
                  "TEPs to offer, most preferred first (TCPCRYPT_ECDHE_Curve25519 or Curve25519, "
                  "Curve448, P256, P521, or 0x20-0x7f)")
      ->delimiter(',')
      ->allow_extra_args(false);
  command
      .add_option("--aead", args.aeads,
                  "AEADs to offer and prefer, most preferred first (AES_128_GCM, AES_256_GCM, "
                  "CHACHA20_POLY1305, with or without AEAD_, or a number)")
      ->delimiter(',')
      ->allow_extra_args(false);
  command.add_flag("--role-b", args.role_b, "set the passive-role bit b (simultaneous open)");
  command.add_flag("--app-aware", args.app_aware, "set the application-aware bit a");
  command.add_flag("--app-aware-mandatory", args.app_aware_mandatory,
                   "require the peer's application-aware bit");
  command.add_flag("--no-resumption", args.no_resumption,
                   "do not resume a cached session (fresh key exchange)");
}

}  // namespace tcpcrypt_cli
