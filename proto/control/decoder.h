// Streaming decoder for the control protocol: feed bytes as they arrive (any split), poll
// complete frames. Sans-IO; one owner, not thread-safe.
//
// Errors are sticky: the stream has no resynchronisation point, so after the first error every
// poll_frame() returns the same error and the owner should send Error and disconnect.
// Memory is bounded: at most one partial message (≤ max_message_len) plus what the owner fed
// beyond it is buffered; feed in chunks and poll until nullopt to keep it small.
#pragma once

#include <optional>

#include "proto/common/result.h"
#include "proto/control/codec.h"

namespace proto::control {

class Decoder {
 public:
  explicit Decoder(size_t max_message_len = kMaxMessageLen) : max_len_(max_message_len) {}

  void on_bytes(ByteView bytes);
  // A complete frame, nullopt if more bytes are needed, or the (sticky) error.
  Result<std::optional<Frame>> poll_frame();
  // True if bytes of an incomplete message are buffered (EOF now would truncate it).
  bool mid_frame() const { return buffered() != 0; }

 private:
  size_t buffered() const { return buf_.size() - start_; }

  size_t max_len_;
  Bytes buf_;
  size_t start_ = 0;  // first unconsumed byte in buf_
  std::optional<proto::Error> error_;
};

}  // namespace proto::control
