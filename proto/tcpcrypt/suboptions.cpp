#include "proto/tcpcrypt/suboptions.h"

#include <algorithm>

namespace proto::tcpcrypt {

SuboptionKind classify(const eno::TepSuboption& s) {
  if (!is_tcpcrypt_tep(s.tep)) return SuboptionKind::Invalid;
  if (!s.v) return s.data.empty() ? SuboptionKind::Fresh : SuboptionKind::Invalid;
  // §3.5: fewer than 9 bytes = fresh offer (TC-18); 9-17 = half + nonce; more: invalid.
  if (s.data.size() < kResumeHalfLen) return SuboptionKind::Fresh;
  if (s.data.size() <= kResumeHalfLen + kMaxResumeNonceLen) return SuboptionKind::Resume;
  return SuboptionKind::Invalid;
}

Result<ResumeSuboption> parse_resume(const eno::TepSuboption& s) {
  if (classify(s) != SuboptionKind::Resume) return fail(Errc::BadValue, "not a resumption suboption");
  ResumeSuboption out;
  out.tep = s.tep;
  std::copy_n(s.data.begin(), kResumeHalfLen, out.half.begin());
  out.nonce.assign(s.data.begin() + kResumeHalfLen, s.data.end());
  return out;
}

eno::TepSuboption fresh_suboption(uint8_t tep) {
  eno::TepSuboption s;
  s.tep = tep;
  return s;
}

Result<eno::TepSuboption> resume_suboption(uint8_t tep, const ResumeHalf& half, ByteView nonce) {
  if (!is_tcpcrypt_tep(tep)) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  if (nonce.size() > kMaxResumeNonceLen) return fail(Errc::InvalidArgument, "nonce over 8 bytes");
  eno::TepSuboption s;
  s.tep = tep;
  s.v = true;
  s.data = concat({half, nonce});
  return s;
}

}  // namespace proto::tcpcrypt
