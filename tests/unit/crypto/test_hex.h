// Hex literals for known-answer tests: spaces are ignored so vectors can be pasted in the
// grouping their source document uses.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "proto/common/bytes.h"

namespace crypto::test {

inline proto::Bytes hex(std::string_view s) {
  std::string compact;
  for (char c : s)
    if (c != ' ') compact.push_back(c);
  auto b = proto::from_hex(compact);
  if (!b) ADD_FAILURE() << "bad hex literal in test: " << s;
  return b.value_or(proto::Bytes{});
}

inline proto::Bytes bytes_of(std::string_view text) { return proto::Bytes(text.begin(), text.end()); }

}  // namespace crypto::test
