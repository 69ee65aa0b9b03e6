// Control protocol codec: Frame ⇄ bytes (layout in messages.h and codec.cpp).
// Pure functions, thread-safe. Every malformed input yields a typed proto::Error:
//   BadMagic, BadVersion (header version ≠ kVersion), UnknownMessage (type code),
//   BadValue (unknown flag, enum value, fd flag on a type that carries none, rule broken),
//   TooLong (over the size limit, or a list over its limit), Truncated, TrailingBytes.
#pragma once

#include "proto/common/result.h"
#include "proto/control/messages.h"

namespace proto::control {

struct Header {
  MessageType type = MessageType::Hello;
  uint16_t flags = 0;
  uint32_t request_id = 0;
  uint32_t body_len = 0;
};

// Parses the first kHeaderLen bytes of `in` (needs at least that many; else Truncated).
// max_message_len bounds header + body.
Result<Header> parse_header(ByteView in, size_t max_message_len = kMaxMessageLen);

// Parses exactly one whole message (header + body, nothing after it).
Result<Frame> parse_frame(ByteView in, size_t max_message_len = kMaxMessageLen);

// Encodes a message. Fails (with the error parse_frame would give) rather than produce
// bytes the receiver would reject: lists over their limits, invalid values, over kMaxMessageLen.
Result<Bytes> encode(const Frame& frame);

}  // namespace proto::control
