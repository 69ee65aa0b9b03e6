#include "tools/impair_link/tamper.h"

#include <algorithm>
#include <array>

#include "proto/common/bytes.h"
#include "proto/ip/checksum.h"
#include "proto/tcpcrypt/constants.h"

namespace impair {
namespace {

using proto::ByteView;
using proto::load_be16;
using proto::load_be32;
using proto::store_be16;
using proto::store_be32;

constexpr size_t kEthLen = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint8_t kProtoTcp = 6;
constexpr size_t kIpv4MinLen = 20;
constexpr size_t kIpv6Len = 40;
constexpr size_t kTcpMinLen = 20;
constexpr uint8_t kTcpOptEol = 0;
constexpr uint8_t kFirstTcpcryptTep = proto::tcpcrypt::kTepP256;  // .. X448, RFC 8548 §7
constexpr uint8_t kLastTcpcryptTep = proto::tcpcrypt::kTepX448;

// IPv4 layout without `payload`; nullopt if malformed, not TCP or a fragment.
std::optional<TcpLayout> locate_ipv4(ByteView f) {
  if (f.size() < kEthLen + kIpv4MinLen || (f[kEthLen] >> 4) != 4) return std::nullopt;
  const size_t ihl = size_t(f[kEthLen] & 0x0f) * 4;
  const size_t total = load_be16(f, kEthLen + 2);
  if (ihl < kIpv4MinLen || total < ihl || kEthLen + total > f.size()) return std::nullopt;
  if (f[kEthLen + 9] != kProtoTcp) return std::nullopt;
  if ((load_be16(f, kEthLen + 6) & 0x3fff) != 0) return std::nullopt;  // MF or fragment offset
  return TcpLayout{false, kEthLen, kEthLen + ihl, 0, kEthLen + total};
}

std::optional<TcpLayout> locate_ipv6(ByteView f) {
  if (f.size() < kEthLen + kIpv6Len || (f[kEthLen] >> 4) != 6) return std::nullopt;
  const size_t plen = load_be16(f, kEthLen + 4);
  if (kEthLen + kIpv6Len + plen > f.size() || f[kEthLen + 6] != kProtoTcp) return std::nullopt;
  return TcpLayout{true, kEthLen, kEthLen + kIpv6Len, 0, kEthLen + kIpv6Len + plen};
}

ByteView src_addr(const Frame& f, const TcpLayout& l) {
  return l.v6 ? ByteView(f).subspan(l.ip + 8, 16) : ByteView(f).subspan(l.ip + 12, 4);
}
ByteView dst_addr(const Frame& f, const TcpLayout& l) {
  return l.v6 ? ByteView(f).subspan(l.ip + 24, 16) : ByteView(f).subspan(l.ip + 16, 4);
}

// One TCP option: [at, at + len) within the frame.
struct OptionSpan {
  uint8_t kind;
  size_t at;
  size_t len;
};

// Walks the TCP options (RFC 9293 §3.2). nullopt if the list is malformed (a length byte
// missing, < 2 or past the header).
std::optional<std::vector<OptionSpan>> tcp_options(const Frame& f, const TcpLayout& l) {
  std::vector<OptionSpan> out;
  size_t i = l.tcp + kTcpMinLen;
  while (i < l.payload) {
    const uint8_t kind = f[i];
    if (kind == kTcpOptEol) break;
    if (kind == kTcpOptNop) {
      ++i;
      continue;
    }
    if (i + 1 >= l.payload) return std::nullopt;
    const size_t len = f[i + 1];
    if (len < 2 || i + len > l.payload) return std::nullopt;
    out.push_back({kind, i, len});
    i += len;
  }
  return out;
}

// One ENO suboption (RFC 8547 §4.1, §4.4): `at` is its first byte (a length byte if it has
// one), `tep_at` the global/TEP byte.
struct Suboption {
  size_t at;
  size_t tep_at;
};

// Splits the contents of a SYN-form ENO option; nullopt if a length byte overruns the option.
std::optional<std::vector<Suboption>> eno_suboptions(const Frame& f, const OptionSpan& o) {
  std::vector<Suboption> out;
  const size_t end = o.at + o.len;
  size_t i = o.at + 2;
  while (i < end) {
    const uint8_t c = f[i];
    if (c < 0x80) {  // global suboption or TEP without data: one byte
      out.push_back({i, i});
      ++i;
    } else if (c < 0xa0) {  // length byte: TEP byte + (c & 0x1f) + 1 data bytes follow
      const size_t total = 2 + size_t(c & 0x1f) + 1;
      if (i + total > end || f[i + 1] < 0xa0) return std::nullopt;
      out.push_back({i, i + 1});
      i += total;
    } else {  // TEP with data and no length byte: owns the rest of the option
      out.push_back({i, i});
      i = end;
    }
  }
  return out;
}

}  // namespace

std::optional<TcpLayout> locate_tcp(const Frame& frame) {
  if (frame.size() < kEthLen) return std::nullopt;
  const uint16_t type = load_be16(frame, 12);
  std::optional<TcpLayout> l;
  if (type == kEtherTypeIpv4) l = locate_ipv4(frame);
  if (type == kEtherTypeIpv6) l = locate_ipv6(frame);
  if (!l || l->end - l->tcp < kTcpMinLen) return std::nullopt;
  const size_t data_offset = size_t(frame[l->tcp + 12] >> 4) * 4;
  if (data_offset < kTcpMinLen || l->tcp + data_offset > l->end) return std::nullopt;
  l->payload = l->tcp + data_offset;
  return l;
}

uint8_t tcp_flags(const Frame& frame, const TcpLayout& l) { return frame[l.tcp + 13]; }
uint32_t tcp_seq(const Frame& frame, const TcpLayout& l) { return load_be32(frame, l.tcp + 4); }

void fix_checksums(Frame& frame, const TcpLayout& l) {
  if (!l.v6) {
    const size_t ihl = l.tcp - l.ip;
    store_be16(frame, l.ip + 10, 0);
    proto::ip::OnesComplementSum sum;
    sum.add(ByteView(frame).subspan(l.ip, ihl));
    store_be16(frame, l.ip + 10, sum.checksum());
  }
  store_be16(frame, l.tcp + 16, 0);
  const ByteView segment = ByteView(frame).subspan(l.tcp, l.end - l.tcp);
  store_be16(frame, l.tcp + 16, proto::ip::tcp_checksum(src_addr(frame, l), dst_addr(frame, l), segment));
}

bool strip_eno(Frame& frame) {
  const auto l = locate_tcp(frame);
  if (!l) return false;
  const auto opts = tcp_options(frame, *l);
  if (!opts) return false;
  bool found = false;
  for (const OptionSpan& o : *opts) {
    if (o.kind != kTcpOptEno) continue;
    std::fill_n(frame.begin() + ptrdiff_t(o.at), o.len, kTcpOptNop);
    found = true;
  }
  if (found) fix_checksums(frame, *l);
  return found;
}

AlterResult alter_eno_tep(Frame& frame) {
  const auto l = locate_tcp(frame);
  if (!l) return AlterResult::NotApplicable;
  const auto opts = tcp_options(frame, *l);
  if (!opts) return AlterResult::NotApplicable;
  const auto eno = std::find_if(opts->begin(), opts->end(), [](const OptionSpan& o) { return o.kind == kTcpOptEno; });
  if (eno == opts->end()) return AlterResult::NotApplicable;
  const auto subs = eno_suboptions(frame, *eno);
  if (!subs || subs->empty()) return AlterResult::NotApplicable;

  std::array<bool, kLastTcpcryptTep - kFirstTcpcryptTep + 1> mentioned{};
  for (const Suboption& s : *subs) {
    const uint8_t id = frame[s.tep_at] & 0x7f;  // a TEP id with or without data (v bit)
    if (id >= kFirstTcpcryptTep && id <= kLastTcpcryptTep)
      mentioned[id - kFirstTcpcryptTep] = true;
  }
  const auto unused = std::find(mentioned.begin(), mentioned.end(), false);
  if (unused == mentioned.end()) return AlterResult::Skipped;
  for (size_t k = 0; k + 1 < subs->size(); ++k) {  // never the last suboption
    uint8_t& c = frame[(*subs)[k].tep_at];
    if (c < kFirstTcpcryptTep || c > kLastTcpcryptTep) continue;
    c = uint8_t(kFirstTcpcryptTep + (unused - mentioned.begin()));
    fix_checksums(frame, *l);
    return AlterResult::Altered;
  }
  return AlterResult::Skipped;
}

bool flip_payload_bit(Frame& frame) {
  const auto l = locate_tcp(frame);
  if (!l || l->payload_len() == 0) return false;
  frame[l->payload + l->payload_len() / 2] ^= 0x01;
  fix_checksums(frame, *l);
  return true;
}

bool toggle_fin(Frame& frame) {
  const auto l = locate_tcp(frame);
  if (!l) return false;
  frame[l->tcp + 13] ^= kFin;
  fix_checksums(frame, *l);
  return true;
}

bool set_urgent(Frame& frame, uint16_t pointer) {
  const auto l = locate_tcp(frame);
  if (!l) return false;
  frame[l->tcp + 13] |= kUrg;
  store_be16(frame, l->tcp + 18, pointer);
  fix_checksums(frame, *l);
  return true;
}

std::optional<std::pair<Frame, Frame>> resegment(const Frame& frame) {
  const auto l = locate_tcp(frame);
  if (!l || l->payload_len() < 2 || (tcp_flags(frame, *l) & kSyn)) return std::nullopt;
  const size_t first_len = l->payload_len() / 2;
  const uint16_t urgent = load_be16(frame, l->tcp + 18);

  // Headers (Ethernet, IP, TCP with options) followed by `len` payload bytes from `from`.
  auto piece = [&](size_t from, size_t len) {
    Frame out(frame.begin(), frame.begin() + ptrdiff_t(l->payload));
    out.insert(out.end(), frame.begin() + ptrdiff_t(from), frame.begin() + ptrdiff_t(from + len));
    TcpLayout pl = *l;
    pl.end = out.size();
    const size_t ip_len = pl.end - pl.ip;
    if (pl.v6) {
      store_be16(out, pl.ip + 4, uint16_t(ip_len - kIpv6Len));
    } else {
      store_be16(out, pl.ip + 2, uint16_t(ip_len));
    }
    return std::pair{out, pl};
  };
  auto [first, first_layout] = piece(l->payload, first_len);
  auto [second, second_layout] = piece(l->payload + first_len, l->payload_len() - first_len);

  first[first_layout.tcp + 13] &= uint8_t(~(kFin | kPsh));
  store_be32(second, second_layout.tcp + 4, uint32_t(tcp_seq(frame, *l) + first_len));
  if (tcp_flags(frame, *l) & kUrg) {
    const bool reaches_second = urgent > first_len;
    store_be16(second, second_layout.tcp + 18, reaches_second ? uint16_t(urgent - first_len) : 0);
    if (!reaches_second) second[second_layout.tcp + 13] &= uint8_t(~kUrg);
  }
  fix_checksums(first, first_layout);
  fix_checksums(second, second_layout);
  return std::pair{std::move(first), std::move(second)};
}

}  // namespace impair
