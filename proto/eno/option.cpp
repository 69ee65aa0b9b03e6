#include "proto/eno/option.h"

#include <algorithm>

namespace proto::eno {

std::optional<uint8_t> SynOption::syn_tep() const {
  if (teps.empty()) return std::nullopt;
  return teps.back().tep;
}

std::vector<TepSuboption> SynOption::suboptions_for(uint8_t tep) const {
  std::vector<TepSuboption> out;
  for (const auto& s : teps)
    if (s.tep == tep) out.push_back(s);
  return out;
}

bool SynOption::offers(uint8_t tep) const {
  return std::any_of(teps.begin(), teps.end(), [tep](const TepSuboption& s) { return s.tep == tep; });
}

namespace {

TepSuboption make_tep(uint8_t first_byte, ByteView data, bool length_byte) {
  TepSuboption s;
  s.tep = uint8_t(first_byte & kGltMask);
  s.v = (first_byte & kVBit) != 0;
  s.data.assign(data.begin(), data.end());
  s.length_byte = length_byte;
  return s;
}

}  // namespace

// RFC 8547 §4.1 Table 1 and §4.4; the algorithm of tcp-eno.md §5.1.
Result<SynOption> parse_syn_option(ByteView option) {
  if (option.size() < kOptionHeaderLen) return fail(Errc::BadEnoOption, "ENO option shorter than 2 bytes");
  if (option[0] != kEnoKind) return fail(Errc::BadEnoOption, "option kind is not 69");
  if (option[1] != option.size()) return fail(Errc::BadEnoOption, "ENO length byte differs from option size");

  SynOption out;
  out.raw.assign(option.begin(), option.end());
  const ByteView c = option.subspan(kOptionHeaderLen);
  size_t i = 0;
  while (i < c.size()) {
    const uint8_t byte = c[i];
    if (is_global_byte(byte)) {
      out.globals.push_back({byte, out.teps.size()});
      if (!out.has_explicit_global) {  // §4.2: only the first counts (ENO-3)
        out.global = byte;
        out.has_explicit_global = true;
      }
      i += 1;
    } else if (byte < kLengthByteMin) {  // TEP without data
      out.teps.push_back(make_tep(byte, {}, false));
      i += 1;
    } else if (byte < kTepWithDataMin) {  // length byte
      const size_t len = size_t(byte & kLengthMask) + 1;
      if (i + 1 >= c.size()) return fail(Errc::BadEnoOption, "length byte is the last byte");
      if (c[i + 1] < kTepWithDataMin)
        return fail(Errc::BadEnoOption, "length byte not followed by a TEP with v=1");
      if (len > c.size() - (i + 2)) return fail(Errc::BadEnoOption, "length byte overruns the option");
      out.teps.push_back(make_tep(c[i + 1], c.subspan(i + 2, len), true));
      i += 2 + len;
    } else {  // TEP with data to the end of the option
      out.teps.push_back(make_tep(byte, c.subspan(i + 1), false));
      i = c.size();
    }
  }
  return out;
}

namespace {

// Validates one suboption for encoding; returns whether it gets a length byte.
Result<bool> needs_length_byte(const TepSuboption& s, bool last) {
  if (!is_tep_id(s.tep)) return fail(Errc::InvalidArgument, "TEP identifier outside 0x20..0x7f");
  if (!s.v) {
    if (!s.data.empty()) return fail(Errc::InvalidArgument, "suboption data with v=0");
    if (s.length_byte) return fail(Errc::InvalidArgument, "length byte requested with v=0");
    return false;
  }
  const bool length_byte = !last || s.length_byte;  // §4.4, ENO-9
  if (length_byte && (s.data.empty() || s.data.size() > kMaxLengthByteData))
    return fail(Errc::InvalidArgument, "suboption data needs a length byte but is not 1..32 bytes");
  return length_byte;
}

}  // namespace

Result<Bytes> encode_syn_option(std::optional<uint8_t> global, std::span<const TepSuboption> teps,
                                size_t max_len) {
  if (global && (!is_global_byte(*global) || (*global & kGlobalZMask) != 0))
    return fail(Errc::InvalidArgument, "global suboption not in 0x00..0x03");
  Bytes out{kEnoKind, 0};
  if (global) put_u8(out, *global);
  for (size_t k = 0; k < teps.size(); ++k) {
    const TepSuboption& s = teps[k];
    auto length_byte = needs_length_byte(s, k + 1 == teps.size());
    if (!length_byte) return tl::unexpected(length_byte.error());
    if (*length_byte) put_u8(out, uint8_t(kLengthByteMin | (s.data.size() - 1)));
    put_u8(out, s.wire_byte());
    put_bytes(out, s.data);
  }
  if (out.size() > std::min(max_len, kMaxTcpOptionSpace))
    return fail(Errc::TooLong, "ENO option exceeds the option budget");
  out[1] = uint8_t(out.size());
  return out;
}

}  // namespace proto::eno
