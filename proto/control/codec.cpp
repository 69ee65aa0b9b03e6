#include "proto/control/codec.h"

#include <utility>

#include "proto/control/wire.h"

namespace proto::control {
namespace {

using wire::Reader;
using wire::Writer;

// --- body layouts: write(w, m) and read(r, m) must mirror each other ---

void write(Writer& w, const Hello& m) {
  w.u8(m.min_version);
  w.u8(m.max_version);
}
void read(Reader& r, Hello& m) {
  m.min_version = r.u8();
  m.max_version = r.u8();
  if (m.min_version > m.max_version) r.fail(Errc::BadValue, "Hello min_version > max_version");
}

void write(Writer& w, const HelloReply& m) {
  w.u8(m.version);
  w.u16(m.ephemeral_first);
  w.u16(m.ephemeral_last);
  w.u8(uint8_t(m.t_addresses.size()));
  for (const auto& a : m.t_addresses) w.address(a);
}
void read(Reader& r, HelloReply& m) {
  m.version = r.u8();
  m.ephemeral_first = r.u16();
  m.ephemeral_last = r.u16();
  size_t n = r.u8();
  if (n > kMaxTAddresses) r.fail(Errc::TooLong, "too many T addresses");
  for (size_t i = 0; i < n && r.ok(); ++i) m.t_addresses.push_back(r.address());
  if (m.ephemeral_first > m.ephemeral_last) r.fail(Errc::BadValue, "empty ephemeral range");
}

void write(Writer& w, const Connect& m) {
  w.endpoint(m.destination);
  w.boolean(m.local.has_value());
  if (m.local) w.endpoint(*m.local);
  w.eno_options(m.options);
  w.boolean(m.nonblocking);
}
void read(Reader& r, Connect& m) {
  m.destination = r.endpoint();
  if (r.boolean()) m.local = r.endpoint();
  m.options = r.eno_options();
  m.nonblocking = r.boolean();
  if (m.destination.port == 0) r.fail(Errc::BadValue, "Connect to port 0");
}

// Replies carry an error byte; the success fields follow only when it is 0.
void write(Writer& w, const ConnectReply& m) {
  w.conn_error(m.error);
  if (m.error) return;
  w.endpoint(m.local);
  w.u64(m.token);
}
void read(Reader& r, ConnectReply& m) {
  m.error = r.conn_error();
  if (m.error || !r.ok()) return;
  m.local = r.endpoint();
  m.token = r.u64();
}

void write(Writer& w, const ConnectResult& m) {
  w.u64(m.token);
  w.conn_error(m.error);
  w.security(m.security);
}
void read(Reader& r, ConnectResult& m) {
  m.token = r.u64();
  m.error = r.conn_error();
  m.security = r.security();
}

void write(Writer& w, const Listen& m) {
  w.endpoint(m.local);
  w.u32(m.backlog);
  w.eno_options(m.options);
  w.boolean(m.listener_carrier);
}
void read(Reader& r, Listen& m) {
  m.local = r.endpoint();
  m.backlog = r.u32();
  m.options = r.eno_options();
  m.listener_carrier = r.boolean();
}

void write(Writer& w, const ListenReply& m) {
  w.conn_error(m.error);
  if (m.error) return;
  w.endpoint(m.local);
  w.u64(m.listener);
}
void read(Reader& r, ListenReply& m) {
  m.error = r.conn_error();
  if (m.error || !r.ok()) return;
  m.local = r.endpoint();
  m.listener = r.u64();
}

void write(Writer& w, const Unlisten& m) { w.u64(m.listener); }
void read(Reader& r, Unlisten& m) { m.listener = r.u64(); }

void write(Writer& w, const Accepted& m) {
  w.u64(m.listener);
  w.u64(m.token);
  w.endpoint(m.peer);
  w.endpoint(m.local);
  w.security(m.security);
}
void read(Reader& r, Accepted& m) {
  m.listener = r.u64();
  m.token = r.u64();
  m.peer = r.endpoint();
  m.local = r.endpoint();
  m.security = r.security();
}

void write(Writer& w, const Shutdown& m) {
  w.u64(m.token);
  w.u8(uint8_t(m.how));
}
void read(Reader& r, Shutdown& m) {
  m.token = r.u64();
  m.how = r.enumerator<ShutdownHow>(uint8_t(ShutdownHow::Both), "unknown shutdown direction");
}

void write(Writer& w, const Abort& m) { w.u64(m.token); }
void read(Reader& r, Abort& m) { m.token = r.u64(); }

void write(Writer& w, const OpReply& m) { w.conn_error(m.error); }
void read(Reader& r, OpReply& m) { m.error = r.conn_error(); }

void write(Writer& w, const StatusQuery& m) { w.u64(m.cursor); }
void read(Reader& r, StatusQuery& m) { m.cursor = r.u64(); }

void write(Writer& w, const StatusReply& m) {
  w.u64(m.next_cursor);
  w.u16(uint16_t(m.connections.size()));
  for (const auto& c : m.connections) w.connection_status(c);
}
void read(Reader& r, StatusReply& m) {
  m.next_cursor = r.u64();
  size_t n = r.u16();
  for (size_t i = 0; i < n && r.ok(); ++i) m.connections.push_back(r.connection_status());
}

void write(Writer& w, const Error& m) {
  w.u8(uint8_t(m.fault));
  w.bytes_u8(ByteView(reinterpret_cast<const uint8_t*>(m.detail.data()), m.detail.size()));
}
void read(Reader& r, Error& m) {
  uint8_t f = r.u8();
  if (r.ok() && (f < uint8_t(Fault::Malformed) || f > uint8_t(Fault::FdMismatch)))
    r.fail(Errc::BadValue, "unknown fault code");
  m.fault = Fault(f);
  m.detail = r.text_u8(kMaxDetail);
}

template <size_t... I>
Body read_body(size_t index, Reader& r, std::index_sequence<I...>) {
  Body out;
  ((index == I ? (void)read(r, out.emplace<I>()) : void()), ...);
  return out;
}

}  // namespace

Result<Header> parse_header(ByteView in, size_t max_message_len) {
  if (in.size() < kHeaderLen) return fail(Errc::Truncated, "control header incomplete");
  if (load_be16(in, 0) != kMagic) return fail(Errc::BadMagic, "control magic is not \"TC\"");
  if (in[2] != kVersion) return fail(Errc::BadVersion, "control protocol version unsupported");
  uint8_t type = in[3];
  if (type == 0 || type > kMessageTypeMax)
    return fail(Errc::UnknownMessage, "unknown control message type");
  Header h{MessageType(type), load_be16(in, 4), load_be32(in, 6), load_be32(in, 10)};
  if (h.flags & ~kFlagFd) return fail(Errc::BadValue, "unknown control header flag");
  if ((h.flags & kFlagFd) && !may_carry_fd(h.type))
    return fail(Errc::BadValue, "fd flag on a message type that carries no fd");
  if (h.body_len > max_message_len - kHeaderLen)
    return fail(Errc::TooLong, "control message over the size limit");
  return h;
}

Result<Frame> parse_frame(ByteView in, size_t max_message_len) {
  auto h = parse_header(in, max_message_len);
  if (!h) return tl::unexpected(h.error());
  if (in.size() < kHeaderLen + h->body_len) return fail(Errc::Truncated, "control body incomplete");
  if (in.size() > kHeaderLen + h->body_len)
    return fail(Errc::TrailingBytes, "bytes after the control message");
  Reader r(in.subspan(kHeaderLen));
  Frame f{h->request_id, (h->flags & kFlagFd) != 0,
          read_body(size_t(h->type) - 1, r, std::make_index_sequence<kMessageTypeMax>{})};
  if (auto st = r.finish(); !st) return tl::unexpected(st.error());
  return f;
}

Result<Bytes> encode(const Frame& frame) {
  Bytes out;
  Writer w(out);
  MessageType type = type_of(frame.body);
  w.u16(kMagic);
  w.u8(kVersion);
  w.u8(uint8_t(type));
  w.u16(frame.carries_fd ? kFlagFd : 0);
  w.u32(frame.request_id);
  w.u32(0);  // body_len, patched below
  std::visit([&](const auto& m) { write(w, m); }, frame.body);
  if (out.size() > kMaxMessageLen) return fail(Errc::TooLong, "control message over the size limit");
  store_be32(out, 10, uint32_t(out.size() - kHeaderLen));
  // Never emit what a receiver rejects (over-long lists wrap their u8 count, bad values…).
  if (auto check = parse_frame(out); !check) return tl::unexpected(check.error());
  return out;
}

}  // namespace proto::control
