// Ephemeral key agreement on tcpcrypt public-key fields (RFC 8548 §3.3, §5): wraps
// crypto::EcdhPrivateKey with the wire framing of public_key.h. Thread-safe (const use).
#pragma once

#include <cstdint>

#include "crypto/ecdh.h"
#include "crypto/secure.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"

namespace proto::tcpcrypt {

// ES = key agreement with our private key and the peer's wire field. InvalidPublicKey
// when the field or the point fails validation or X25519/X448 gives all zeros (TC-6,
// TC-43, TC-44).
Result<crypto::SecretBytes> agree(uint8_t tep, const crypto::EcdhPrivateKey& own,
                                  ByteView peer_field);

// Our own wire field.
Result<Bytes> own_pub_field(uint8_t tep, const crypto::EcdhPrivateKey& own);

}  // namespace proto::tcpcrypt
