#include "proto/control/decoder.h"

namespace proto::control {

void Decoder::on_bytes(ByteView bytes) {
  if (error_) return;
  // Compact before growing so a long-lived stream does not keep consumed bytes.
  if (start_ > 0 && start_ >= buf_.size() / 2) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<ptrdiff_t>(start_));
    start_ = 0;
  }
  put_bytes(buf_, bytes);
}

Result<std::optional<Frame>> Decoder::poll_frame() {
  if (error_) return tl::unexpected(*error_);
  ByteView pending = ByteView(buf_).subspan(start_);
  if (pending.size() < kHeaderLen) return std::nullopt;
  // The header is checked as soon as it is complete, so an oversized length is refused
  // before any of its body is buffered.
  auto h = parse_header(pending, max_len_);
  if (!h) {
    error_ = h.error();
    return tl::unexpected(*error_);
  }
  size_t total = kHeaderLen + h->body_len;
  if (pending.size() < total) return std::nullopt;
  auto f = parse_frame(pending.first(total), max_len_);
  if (!f) {
    error_ = f.error();
    return tl::unexpected(*error_);
  }
  start_ += total;
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  }
  return std::optional<Frame>(std::move(*f));
}

}  // namespace proto::control
