// Wire constants of TCP-ENO (RFC 8547). Specification values only; tuning lives in
// NegotiatorConfig.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace proto::eno {

// RFC 8547 §4.1, §11: the ENO option is TCP option kind 69.
inline constexpr uint8_t kEnoKind = 69;
// RFC 8547 §11: the legacy experimental encoding (RFC 6994 kind 253, ExID 0x454E). Never
// emitted; recognised only so that it can be reported and ignored (ENO-31).
inline constexpr uint8_t kExperimentalKind = 253;
inline constexpr uint16_t kLegacyEnoExId = 0x454E;

// RFC 9293 §3.1: at most 40 bytes of options in a TCP header, so an ENO option is at
// most 40 bytes (kind, length, 38 bytes of contents).
inline constexpr size_t kMaxTcpOptionSpace = 40;
inline constexpr size_t kOptionHeaderLen = 2;  // kind byte + length byte

// RFC 8547 §4.1 Table 1: classes of the first byte of a suboption.
inline constexpr uint8_t kVBit = 0x80;             // v: suboption data follows
inline constexpr uint8_t kGltMask = 0x7f;
inline constexpr uint8_t kTepMin = 0x20;            // 0x20..0x7f: TEP identifiers
inline constexpr uint8_t kTepMax = 0x7f;
inline constexpr uint8_t kLengthByteMin = 0x80;     // 0x80..0x9f: length bytes
inline constexpr uint8_t kTepWithDataMin = 0xa0;    // 0xa0..0xff: TEP with data
inline constexpr uint8_t kLengthMask = 0x1f;        // nnnnn, data length = nnnnn + 1
inline constexpr size_t kMaxLengthByteData = 32;    // RFC 8547 §4.4

// RFC 8547 §4.2 Figure 5: the global suboption (0x00..0x1f).
inline constexpr uint8_t kGlobalB = 0x01;       // passive role bit
inline constexpr uint8_t kGlobalA = 0x02;       // application-aware bit
inline constexpr uint8_t kGlobalZMask = 0x1c;   // z1..z3: send 0, ignore on receipt
inline constexpr uint8_t kImplicitGlobal = 0x00;

// RFC 8547 §4.1: a non-SYN-form option with empty contents (ENO-1).
inline constexpr std::array<uint8_t, 2> kNonSynOption{kEnoKind, 2};

constexpr bool is_global_byte(uint8_t c) { return c < kTepMin; }
constexpr bool is_tep_id(uint8_t tep) { return tep >= kTepMin && tep <= kTepMax; }

}  // namespace proto::eno
