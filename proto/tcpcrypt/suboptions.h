// tcpcrypt's TCP-ENO suboptions (RFC 8548 §3.2, §3.5 Figs 2-3; interpretation 11):
//   fresh:       TEP byte (v = 0), no data; v = 1 with 0-8 data bytes means the same
//   resumption:  0x80|TEP, data = resume[i] half (9 bytes) | nonce (0-8 bytes)
//   v = 1 with more than 17 data bytes: not valid data for tcpcrypt.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/eno/tep_policy.h"
#include "proto/tcpcrypt/key_schedule.h"

namespace proto::tcpcrypt {

enum class SuboptionKind : uint8_t { Fresh, Resume, Invalid };

struct ResumeSuboption {
  uint8_t tep = 0;  // without the v bit
  ResumeHalf half{};
  Bytes nonce;      // 0-8 bytes
};

// Fresh / Resume / Invalid for a suboption of a tcpcrypt TEP (Invalid also for TEPs that
// are not 0x21-0x24, and for v = 0 carrying data, which no ENO encoding produces).
SuboptionKind classify(const eno::TepSuboption& s);

// BadValue unless classify(s) == Resume.
Result<ResumeSuboption> parse_resume(const eno::TepSuboption& s);

eno::TepSuboption fresh_suboption(uint8_t tep);
// InvalidArgument for a nonce longer than 8 bytes (TC-14) or a non-tcpcrypt TEP.
Result<eno::TepSuboption> resume_suboption(uint8_t tep, const ResumeHalf& half, ByteView nonce);

}  // namespace proto::tcpcrypt
