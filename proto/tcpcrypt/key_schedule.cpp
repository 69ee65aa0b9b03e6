#include "proto/tcpcrypt/key_schedule.h"

#include <algorithm>

#include "crypto/hkdf.h"

namespace proto::tcpcrypt {

namespace {

template <size_t N>
Result<std::array<uint8_t, N>> cprf_public(ByteView key, std::initializer_list<ByteView> info) {
  std::array<uint8_t, N> out{};
  if (auto ok = crypto::hkdf_expand(key, info, out); !ok) return tl::unexpected(ok.error());
  return out;
}

ByteView one(const uint8_t& c) { return ByteView(&c, 1); }

}  // namespace

Result<SecretBytes> cprf(ByteView key, std::initializer_list<ByteView> info, size_t len) {
  SecretBytes out(len);
  if (auto ok = crypto::hkdf_expand(key, info, out.mut_view()); !ok)
    return tl::unexpected(ok.error());
  return out;
}

SecretBytes compute_prk(ByteView n_a, ByteView eno_transcript, ByteView init1, ByteView init2,
                        ByteView es) {
  SecretBytes prk(crypto::kSha256Len);
  crypto::hkdf_extract(n_a, {eno_transcript, init1, init2, es},
                       std::span<uint8_t, crypto::kSha256Len>(prk.data(), crypto::kSha256Len));
  return prk;
}

Result<SecretBytes> next_session_secret(ByteView ss) {
  return cprf(ss, {one(kConstNextk)}, kKLen);
}

Result<SecretBytes> first_master_key(ByteView ss, ByteView sn) {
  return cprf(ss, {one(kConstRekey), sn}, kKLen);
}

Result<SecretBytes> next_master_key(ByteView mk) { return cprf(mk, {one(kConstRekey)}, kKLen); }

Result<SecretBytes> traffic_key(ByteView mk, KeyDirection dir, const crypto::AeadInfo& info) {
  const uint8_t& c = dir == KeyDirection::Ab ? kConstKeyA : kConstKeyB;
  return cprf(mk, {one(c)}, traffic_key_len(info));
}

Result<SessionId> session_id(uint8_t tep_byte, ByteView ss, ByteView sn) {
  auto tail = cprf_public<kKLen>(ss, {one(kConstSessid), sn});
  if (!tail) return tl::unexpected(tail.error());
  SessionId sid{};
  sid[0] = tep_byte;  // interpretation 10: B's byte, with its v bit
  std::copy(tail->begin(), tail->end(), sid.begin() + 1);
  return sid;
}

Result<ResumeId> resume_id(ByteView ss) { return cprf_public<kResumeIdLen>(ss, {one(kConstResume)}); }

ResumeHalf resume_half(const ResumeId& id, bool was_a_originally) {
  ResumeHalf half{};
  auto from = id.begin() + (was_a_originally ? 0 : kResumeHalfLen);
  std::copy_n(from, kResumeHalfLen, half.begin());
  return half;
}

Result<SessionSecrets> enter_session(SecretBytes ss, ByteView sn, uint8_t tep_byte) {
  SessionSecrets out;
  auto mk = first_master_key(ss.view(), sn);
  if (!mk) return tl::unexpected(mk.error());
  auto sid = session_id(tep_byte, ss.view(), sn);
  auto next = next_session_secret(ss.view());
  if (!sid || !next) return fail(Errc::InvalidArgument, "session secret too short");
  ss.clear();  // TC-23: erase ss[i] once mk[0], the session ID and ss[i+1] exist
  auto resume = resume_id(next->view());
  if (!resume) return tl::unexpected(resume.error());
  out.mk0 = std::move(*mk);
  out.session_id = *sid;
  out.ss_next = std::move(*next);
  out.resume_next = *resume;
  return out;
}

}  // namespace proto::tcpcrypt
