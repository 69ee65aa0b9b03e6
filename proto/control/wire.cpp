#include "proto/control/wire.h"

#include <algorithm>

namespace proto::control::wire {
namespace {

constexpr uint8_t kFlagPassive = 0x01, kFlagAppAware = 0x02, kFlagAaMandatory = 0x04,
                  kFlagNoResumption = 0x08, kFlagNoCache = 0x10;
constexpr uint8_t kEnoFlagsMask = 0x1f;

template <class T>
bool has_duplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

}  // namespace

void Reader::fail(Errc code, const char* detail) {
  if (!error_) error_ = proto::Error{code, detail};
}

bool Reader::take(size_t n) {
  if (error_) return false;
  if (in_.size() - pos_ < n) {
    fail(Errc::Truncated, "control body ends inside a field");
    return false;
  }
  return true;
}

uint8_t Reader::u8() {
  if (!take(1)) return 0;
  return in_[pos_++];
}
uint16_t Reader::u16() {
  if (!take(2)) return 0;
  pos_ += 2;
  return load_be16(in_, pos_ - 2);
}
uint32_t Reader::u32() {
  if (!take(4)) return 0;
  pos_ += 4;
  return load_be32(in_, pos_ - 4);
}
uint64_t Reader::u64() {
  if (!take(8)) return 0;
  pos_ += 8;
  return load_be64(in_, pos_ - 8);
}

bool Reader::boolean() {
  uint8_t v = u8();
  if (v > 1) fail(Errc::BadValue, "boolean is neither 0 nor 1");
  return v == 1;
}

ip::IpAddress Reader::address() {
  uint8_t family = u8();
  if (!ok()) return {};
  size_t len = family == 4 ? ip::IpAddress::kV4Len : family == 6 ? ip::IpAddress::kV6Len : 0;
  if (len == 0) {
    fail(Errc::BadValue, "address family is neither 4 nor 6");
    return {};
  }
  if (!take(len)) return {};
  auto a = ip::IpAddress::from_bytes(in_.subspan(pos_, len));
  pos_ += len;
  return a.value_or(ip::IpAddress{});
}

ip::Endpoint Reader::endpoint() {
  ip::Endpoint e;
  e.addr = address();
  e.port = u16();
  return e;
}

std::optional<ConnError> Reader::conn_error() {
  uint8_t v = u8();
  if (v == 0 || !ok()) return std::nullopt;
  auto e = conn_error_from_wire(v);
  if (!e) fail(Errc::BadValue, "unknown connection error code");
  return e;
}

Bytes Reader::bytes_u8(size_t max_len) {
  size_t n = u8();
  if (n > max_len) fail(Errc::TooLong, "byte list longer than its limit");
  if (!take(n)) return {};
  Bytes out(in_.begin() + pos_, in_.begin() + pos_ + n);
  pos_ += n;
  return out;
}

std::string Reader::text_u8(size_t max_len) {
  Bytes b = bytes_u8(max_len);
  return std::string(b.begin(), b.end());
}

std::vector<uint16_t> Reader::aead_list() {
  size_t n = u8();
  if (n > kMaxAeads) fail(Errc::TooLong, "AEAD list longer than its limit");
  std::vector<uint16_t> out;
  for (size_t i = 0; i < n && ok(); ++i) {
    uint16_t id = u16();
    if (id == 0) fail(Errc::BadValue, "AEAD id 0");
    out.push_back(id);
  }
  if (has_duplicates(out)) fail(Errc::BadValue, "duplicate AEAD id");
  return out;
}

EnoOptions Reader::eno_options() {
  EnoOptions o;
  o.mode = enumerator<Mode>(uint8_t(Mode::Default), "unknown ENO mode");
  uint8_t flags = u8();
  if (flags & ~kEnoFlagsMask) fail(Errc::BadValue, "unknown ENO option flag");
  o.passive_role = flags & kFlagPassive;
  o.app_aware = flags & kFlagAppAware;
  o.app_aware_mandatory = flags & kFlagAaMandatory;
  o.no_resumption = flags & kFlagNoResumption;
  o.no_cache = flags & kFlagNoCache;
  o.teps = bytes_u8(kMaxTeps);
  // api.md §9.2: TEP ids 0x20–0x7f (the v bit is never set by applications).
  for (uint8_t t : o.teps)
    if (t < 0x20 || t > 0x7f) fail(Errc::BadValue, "TEP id outside 0x20-0x7f");
  if (has_duplicates(o.teps)) fail(Errc::BadValue, "duplicate TEP id");
  o.aeads_offer = aead_list();
  o.aeads_prefer = aead_list();
  return o;
}

SecurityInfo Reader::security() {
  SecurityInfo s;
  s.encrypted = boolean();
  s.role = enumerator<Role>(uint8_t(Role::Unknown), "unknown role");
  s.tep = u8();
  s.aead = u16();
  s.self_gopt = u8();
  s.peer_gopt = u8();
  s.session_id = bytes_u8(kMaxSessionId);
  if (s.self_gopt > kMaxGopt || s.peer_gopt > kMaxGopt) fail(Errc::BadValue, "gopt over 5 bits");
  if (s.encrypted) {
    // RFC 8547 §5.1: an encrypting TEP always has a session ID; TEP ids start at 0x20.
    if (s.session_id.empty()) fail(Errc::BadValue, "encrypted without session ID");
    if ((s.tep & 0x7f) < 0x20) fail(Errc::BadValue, "encrypted with TEP id below 0x20");
  } else if (s.tep != 0 || s.aead != 0 || !s.session_id.empty()) {
    fail(Errc::BadValue, "plaintext connection with TEP, AEAD or session ID");
  }
  return s;
}

ConnectionStatus Reader::connection_status() {
  ConnectionStatus c;
  c.token = u64();
  c.state = enumerator<ConnState>(uint8_t(ConnState::Aborted), "unknown connection state");
  c.local = endpoint();
  c.remote = endpoint();
  c.mode = enumerator<Mode>(uint8_t(Mode::Required), "unknown ENO mode");
  c.security = security();
  c.error = conn_error();
  c.owner_pid = u32();
  c.owner_uid = u32();
  c.counters.bytes_sent = u64();
  c.counters.bytes_received = u64();
  c.counters.segments_sent = u64();
  c.counters.segments_received = u64();
  c.counters.retransmits = u64();
  return c;
}

Status Reader::finish() const {
  if (error_) return tl::unexpected(*error_);
  if (pos_ != in_.size()) return proto::fail(Errc::TrailingBytes, "bytes after the control body");
  return {};
}

void Writer::u64(uint64_t v) {
  u32(uint32_t(v >> 32));
  u32(uint32_t(v));
}

void Writer::address(const ip::IpAddress& a) {
  u8(a.is_v4() ? 4 : 6);
  put_bytes(out_, a.bytes());
}

void Writer::endpoint(const ip::Endpoint& e) {
  address(e.addr);
  u16(e.port);
}

void Writer::bytes_u8(ByteView b) {
  u8(uint8_t(b.size()));
  put_bytes(out_, b);
}

void Writer::aead_list(const std::vector<uint16_t>& l) {
  u8(uint8_t(l.size()));
  for (uint16_t id : l) u16(id);
}

void Writer::eno_options(const EnoOptions& o) {
  u8(uint8_t(o.mode));
  u8(uint8_t((o.passive_role ? kFlagPassive : 0) | (o.app_aware ? kFlagAppAware : 0) |
             (o.app_aware_mandatory ? kFlagAaMandatory : 0) |
             (o.no_resumption ? kFlagNoResumption : 0) | (o.no_cache ? kFlagNoCache : 0)));
  bytes_u8(o.teps);
  aead_list(o.aeads_offer);
  aead_list(o.aeads_prefer);
}

void Writer::security(const SecurityInfo& s) {
  boolean(s.encrypted);
  u8(uint8_t(s.role));
  u8(s.tep);
  u16(s.aead);
  u8(s.self_gopt);
  u8(s.peer_gopt);
  bytes_u8(s.session_id);
}

void Writer::connection_status(const ConnectionStatus& c) {
  u64(c.token);
  u8(uint8_t(c.state));
  endpoint(c.local);
  endpoint(c.remote);
  u8(uint8_t(c.mode));
  security(c.security);
  conn_error(c.error);
  u32(c.owner_pid);
  u32(c.owner_uid);
  u64(c.counters.bytes_sent);
  u64(c.counters.bytes_received);
  u64(c.counters.segments_sent);
  u64(c.counters.segments_received);
  u64(c.counters.retransmits);
}

}  // namespace proto::control::wire
