// Init1 / Init2, the two key-exchange messages of tcpcrypt (RFC 8548 §3.3, §4.1).
//
//   Init1 = INIT1_MAGIC | message_len(4) | nciphers(1) | sym_cipher[K](2 each) | N_A(32)
//           | Pub_A | ignored
//   Init2 = INIT2_MAGIC | message_len(4) | sym_cipher(2) | N_B(32) | Pub_B | ignored
//
// message_len counts the whole message. The `ignored` tail is accepted and kept on receipt
// (it enters the PRK, interpretation 4) and is empty in everything the Session sends
// (TC-40); encode() writes it only so that tests and vectors can exercise receivers.
// Pure functions; thread-safe. Errors: BadMagic, BadMessageLength (shorter than the fixed
// part, or longer than the local limit), Truncated / TooLong (exact parse of a buffer whose
// size differs from message_len), InvalidArgument (unknown TEP, unencodable message).
#pragma once

#include <array>
#include <cstdint>
#include <variant>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/tcpcrypt/constants.h"

namespace proto::tcpcrypt {

// RFC 8548 sets no upper bound on message_len; a peer could otherwise make us buffer
// 4 GiB. The largest compliant message is 9 + 2*255 + 32 + 69 = 620 bytes.
inline constexpr size_t kDefaultMaxInitLen = 2048;

struct Init1 {
  std::vector<uint16_t> sym_ciphers;  // A's acceptable AEADs, any 16-bit values, in order
  std::array<uint8_t, kNonceLen> n_a{};
  Bytes pub;                          // public-key field as on the wire (public_key.h)
  Bytes ignored;                      // trailing bytes (empty when we send)
};

struct Init2 {
  uint16_t sym_cipher = 0;
  std::array<uint8_t, kNonceLen> n_b{};
  Bytes pub;
  Bytes ignored;
};

// Incremental reading: either "need at least `bytes` more bytes" or the message and its
// exact length (the peer's first frame starts right after it).
struct NeedMore {
  size_t bytes;
};
template <class Msg>
struct Parsed {
  Msg msg;
  size_t length;
};
template <class Msg>
using InitStep = std::variant<NeedMore, Parsed<Msg>>;

// InvalidArgument if the TEP is unknown, pub has the wrong length or there are > 255
// ciphers.
Result<Bytes> encode(uint8_t tep, const Init1& msg);
Result<Bytes> encode(uint8_t tep, const Init2& msg);

// `buffered` = the peer's stream bytes received so far, starting at its offset 0.
Result<InitStep<Init1>> read_init1(uint8_t tep, ByteView buffered,
                                   size_t max_len = kDefaultMaxInitLen);
Result<InitStep<Init2>> read_init2(uint8_t tep, ByteView buffered,
                                   size_t max_len = kDefaultMaxInitLen);

// Exact parse: `message` must be one whole message (Truncated / TooLong otherwise).
Result<Init1> parse_init1(uint8_t tep, ByteView message, size_t max_len = kDefaultMaxInitLen);
Result<Init2> parse_init2(uint8_t tep, ByteView message, size_t max_len = kDefaultMaxInitLen);

}  // namespace proto::tcpcrypt
