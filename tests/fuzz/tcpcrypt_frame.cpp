// Fuzz target for tcpcrypt encryption frames (RFC 8548 §3.6-§3.8, §4.2) under fixed keys.
//
// Input: selector(1) | ... Selector bits 0-1 pick the AEAD (AES-128-GCM, AES-256-GCM,
// ChaCha20-Poly1305); bit 2 the mode:
//   raw (0):     offset(1) | stream. frame_extent, FrameKey::open_in_place on the first
//                frame, and FrameOpener::open_next over the whole stream.
//   mutated (1): fields(1) | data_len(1) | data | then (position(2), xor(1)) flips. A frame
//                sealed by FrameSealer (fields bit 3: after a rekey) is flipped and opened
//                by a FrameOpener.
// Invariants: an opened frame lies inside its buffer and matches frame_extent; a frame
// that differs from the sealed one FAILs, one that does not returns exactly the sealed
// data and fields (authenticity, TC-30).
#include <array>
#include <cstdint>
#include <optional>

#include "proto/tcpcrypt/frame.h"
#include "tests/fuzz/fixtures.h"
#include "tests/fuzz/fuzz_input.h"

using namespace proto;
using namespace proto::tcpcrypt;

namespace {

constexpr std::array<AeadId, 3> kAeads{AeadId::Aes128Gcm, AeadId::Aes256Gcm,
                                       AeadId::ChaCha20Poly1305};

FrameKey& fixed_key(size_t aead) {
  static std::array<std::optional<FrameKey>, 3> keys;
  if (!keys[aead])
    keys[aead] = std::move(
        frame_key_for(kAeads[aead], fuzz::frame_master_key(), KeyDirection::Ab).value());
  return *keys[aead];
}

bool inside(ByteView part, ByteView whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void run_raw(size_t aead, fuzz::FuzzInput& in) {
  const uint64_t offset = in.byte();
  ByteView input = in.rest();
  auto extent = frame_extent(input);
  Bytes copy(input.begin(), input.end());
  // The first frame as FrameKey sees it (generation 0): what it yields, the opener must too.
  std::optional<Bytes> first_plain;
  if (extent && std::holds_alternative<size_t>(*extent)) {
    size_t len = std::get<size_t>(*extent);
    if (len <= copy.size()) {
      MutByteView frame = MutByteView(copy).first(len);
      if (auto opened = fixed_key(aead).open_in_place(offset, frame)) {
        FUZZ_CHECK(opened->length == len && inside(opened->data, frame));
        if (!opened->fields.rekey) first_plain.emplace(opened->data.begin(), opened->data.end());
      }
    }
  }
  auto opener =
      FrameOpener::create(kAeads[aead], fuzz::frame_master_key(), KeyDirection::Ab, offset);
  FUZZ_CHECK(opener.has_value());
  copy.assign(input.begin(), input.end());
  MutByteView rest(copy);
  for (bool first = true;; first = false) {
    auto step = opener->open_next(rest);
    if (first && first_plain) FUZZ_CHECK(step && std::holds_alternative<OpenedFrame>(*step));
    if (!step || std::holds_alternative<NeedMore>(*step)) break;
    const OpenedFrame& f = std::get<OpenedFrame>(*step);
    if (first && first_plain) FUZZ_CHECK(Bytes(f.data.begin(), f.data.end()) == *first_plain);
    FUZZ_CHECK(f.length >= kFrameHeaderLen + kMinClen && f.length <= rest.size());
    FUZZ_CHECK(inside(f.data, rest.first(f.length)));
    rest = rest.subspan(f.length);
  }
}

void run_mutated(size_t aead, fuzz::FuzzInput& in) {
  const uint8_t bits = in.byte();
  const FrameFields fields{false, (bits & 1) != 0,
                           (bits & 2) ? std::optional<uint16_t>(uint16_t(bits * 257)) : std::nullopt};
  const bool after_rekey = (bits & 8) != 0;
  ByteView data = in.take(in.byte());
  auto sealer = FrameSealer::create(kAeads[aead], fuzz::frame_master_key(), KeyDirection::Ba,
                                    fuzz::kMutatedFirstOffset);
  FUZZ_CHECK(sealer && (!after_rekey || sealer->raise_generation()));
  Bytes frame;
  FUZZ_CHECK(sealer->seal(data, fields.finp, fields.urgent, frame).has_value());
  const Bytes sealed = frame;
  while (in.size() >= 3) {
    size_t at = in.be16() % frame.size();
    frame[at] ^= in.byte();
  }
  const bool changed = frame != sealed;
  auto opener = FrameOpener::create(kAeads[aead], fuzz::frame_master_key(), KeyDirection::Ba,
                                    fuzz::kMutatedFirstOffset);
  FUZZ_CHECK(opener.has_value());
  auto step = opener->open_next(frame);  // decrypts in place
  if (!changed) {
    FUZZ_CHECK(step && std::holds_alternative<OpenedFrame>(*step));
  } else if (!step || std::holds_alternative<NeedMore>(*step)) {
    return;  // FAIL, or a flipped clen now announces more bytes than there are
  }
  const OpenedFrame& opened = std::get<OpenedFrame>(*step);
  FUZZ_CHECK(!changed);  // anything else opening would be a forgery
  FrameFields expected = fields;
  expected.rekey = after_rekey;
  FUZZ_CHECK(opened.fields == expected && opened.length == sealed.size());
  FUZZ_CHECK(Bytes(opened.data.begin(), opened.data.end()) == Bytes(data.begin(), data.end()));
  FUZZ_CHECK(opener->generation() == (after_rekey ? 1u : 0u));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint8_t selector = in.byte();
  const size_t aead = (selector & 3) % kAeads.size();
  if (selector & 4)
    run_mutated(aead, in);
  else
    run_raw(aead, in);
  return 0;
}
