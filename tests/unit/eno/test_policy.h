// Test doubles for the ENO/TEP seam: a TepPolicy whose rules the tests control, and hex
// helpers. Independent of proto/tcpcrypt.
#pragma once

#include <bitset>
#include <optional>
#include <string_view>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/eno/constants.h"
#include "proto/eno/tep_policy.h"

namespace proto::eno::testing {

inline Bytes hex(std::string_view s) { return from_hex(s).value(); }

inline TepSuboption tep(uint8_t id, Bytes data = {}, bool length_byte = false) {
  return TepSuboption{id, !data.empty(), std::move(data), length_byte};
}
inline TepSuboption tep_v(uint8_t id, Bytes data, bool length_byte = false) {
  return TepSuboption{id, true, std::move(data), length_byte};
}

// Supports 0x20..0x7f by default. A TEP is valid when every suboption has v = 0, or when
// accept_data is set (then both sides sending v = 1 with data means "resumption").
// reject_repeats makes a TEP repeated within one option invalid (vectors.md §8 item 11).
class TestPolicy final : public TepPolicy {
 public:
  TestPolicy() {
    for (unsigned t = kTepMin; t <= kTepMax; ++t) supported.set(t);
  }

  std::bitset<kTepMax + 1> supported;
  bool reject_repeats = false;
  bool accept_data = false;
  std::optional<std::vector<TepSuboption>> reply_override;
  std::vector<uint8_t> judged;  // every judge() call, in order

  bool supports(uint8_t t) const override { return t <= kTepMax && supported.test(t); }

  TepVerdict judge(uint8_t t, std::span<const TepSuboption> from_a,
                   std::span<const TepSuboption> from_b) override {
    judged.push_back(t);
    if (reject_repeats && (from_a.size() > 1 || from_b.size() > 1)) return {};
    auto has_v = [](std::span<const TepSuboption> s) {
      for (const auto& x : s)
        if (x.v) return true;
      return false;
    };
    if (!accept_data && (has_v(from_a) || has_v(from_b))) return {};
    const bool resumption = from_a.back().v && !from_a.back().data.empty() &&
                            from_b.back().v && !from_b.back().data.empty();
    return {true, resumption};
  }

  // One TEP, v = 0: the last offered one this host supports (ENO-12).
  std::vector<TepSuboption> passive_reply(std::span<const TepSuboption> offered) override {
    if (reply_override) return *reply_override;
    for (auto it = offered.rbegin(); it != offered.rend(); ++it)
      if (supports(it->tep)) return {tep(it->tep)};
    return {};
  }
};

}  // namespace proto::eno::testing
