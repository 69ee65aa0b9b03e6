#include "proto/tcpcrypt/key_agreement.h"

#include "proto/tcpcrypt/public_key.h"

namespace proto::tcpcrypt {

Result<crypto::SecretBytes> agree(uint8_t tep, const crypto::EcdhPrivateKey& own,
                                  ByteView peer_field) {
  auto group = tep_group(tep);
  if (!group || *group != own.group()) return fail(Errc::InvalidArgument, "key group mismatch");
  auto point = parse_pub_field(tep, peer_field);
  if (!point) return tl::unexpected(point.error());
  return own.derive(*point);
}

Result<Bytes> own_pub_field(uint8_t tep, const crypto::EcdhPrivateKey& own) {
  return encode_pub_field(tep, own.public_key());
}

}  // namespace proto::tcpcrypt
