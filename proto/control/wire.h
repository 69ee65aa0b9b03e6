// Field-level reader and writer for control message bodies (internal to proto/control).
// Reader never reads out of bounds: a short or invalid field records the first error and
// later reads return zeros; finish() reports that error, or TrailingBytes if input is left.
#pragma once

#include <string>
#include <vector>

#include "proto/common/result.h"
#include "proto/control/messages.h"

namespace proto::control::wire {

class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  bool boolean();
  ip::IpAddress address();
  ip::Endpoint endpoint();
  std::optional<ConnError> conn_error();  // 0 = none
  Bytes bytes_u8(size_t max_len);         // u8 length + bytes
  std::string text_u8(size_t max_len);
  EnoOptions eno_options();
  SecurityInfo security();
  ConnectionStatus connection_status();
  // Enum of wire value 0..max; anything else is BadValue.
  template <class E>
  E enumerator(uint8_t max, const char* what) {
    uint8_t v = u8();
    if (v > max) fail(Errc::BadValue, what);
    return ok() ? E(v) : E(0);
  }

  void fail(Errc code, const char* detail);
  bool ok() const { return !error_; }
  Status finish() const;

 private:
  bool take(size_t n);  // false (and Truncated) if fewer than n bytes remain
  std::vector<uint16_t> aead_list();

  ByteView in_;
  size_t pos_ = 0;
  std::optional<proto::Error> error_;
};

// Appends fields; callers keep list lengths within the kMax* limits (encode() checks).
class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}
  void u8(uint8_t v) { put_u8(out_, v); }
  void u16(uint16_t v) { put_be16(out_, v); }
  void u32(uint32_t v) { put_be32(out_, v); }
  void u64(uint64_t v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  void address(const ip::IpAddress& a);
  void endpoint(const ip::Endpoint& e);
  void conn_error(std::optional<ConnError> e) { u8(e ? uint8_t(*e) : 0); }
  void bytes_u8(ByteView b);
  void eno_options(const EnoOptions& o);
  void security(const SecurityInfo& s);
  void connection_status(const ConnectionStatus& c);

 private:
  void aead_list(const std::vector<uint16_t>& l);
  Bytes& out_;
};

}  // namespace proto::control::wire
