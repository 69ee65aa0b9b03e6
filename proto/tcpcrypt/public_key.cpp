#include "proto/tcpcrypt/public_key.h"

#include "proto/tcpcrypt/constants.h"

namespace proto::tcpcrypt {

namespace {

constexpr size_t kPubkeyLenBytes = 2;

bool is_nist(crypto::Group g) { return g == crypto::Group::P256 || g == crypto::Group::P521; }

}  // namespace

std::optional<crypto::Group> tep_group(uint8_t tep) {
  switch (uint8_t(tep & kTepIdMask)) {
    case kTepP256: return crypto::Group::P256;
    case kTepP521: return crypto::Group::P521;
    case kTepX25519: return crypto::Group::X25519;
    case kTepX448: return crypto::Group::X448;
    default: return std::nullopt;
  }
}

// Lengths are fixed here rather than asked of crypto/ so that framing works without a
// back-end (and so the spec values stand next to each other).
size_t pub_field_len(uint8_t tep) {
  switch (uint8_t(tep & kTepIdMask)) {
    case kTepP256: return 35;
    case kTepP521: return 69;
    case kTepX25519: return 32;
    case kTepX448: return 56;
    default: return 0;
  }
}

Result<Bytes> encode_pub_field(uint8_t tep, ByteView point) {
  auto group = tep_group(tep);
  if (!group) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  size_t field_len = pub_field_len(tep);
  size_t prefix = is_nist(*group) ? kPubkeyLenBytes : 0;
  if (point.size() + prefix != field_len) return fail(Errc::InvalidArgument, "point length");
  Bytes out;
  out.reserve(field_len);
  if (prefix) put_be16(out, uint16_t(field_len));  // RFC 8548 §5: pubkey_len counts itself
  put_bytes(out, point);
  return out;
}

Result<ByteView> parse_pub_field(uint8_t tep, ByteView field) {
  auto group = tep_group(tep);
  if (!group) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  if (field.size() != pub_field_len(tep)) return fail(Errc::InvalidPublicKey, "key field length");
  if (!is_nist(*group)) return field;
  // Interpretation 1: pubkey_len is the length of the whole field (35 / 69).
  if (load_be16(field, 0) != field.size()) return fail(Errc::InvalidPublicKey, "pubkey_len");
  ByteView point = field.subspan(kPubkeyLenBytes);
  // Interpretation 2: only the compressed form (02 / 03) is accepted.
  if (point[0] != 0x02 && point[0] != 0x03) return fail(Errc::InvalidPublicKey, "point not compressed");
  return point;
}

}  // namespace proto::tcpcrypt
