// tcpcrypt public-key fields per TEP (RFC 8548 §5).
// NIST TEPs carry `pubkey_len (2, counts itself) | compressed point`, i.e. 35 bytes for
// P-256 and 69 for P-521 (interpretation 1); X25519/X448 keys travel raw (32 / 56).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/ecdh.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"

namespace proto::tcpcrypt {

// The ECDH group of a tcpcrypt TEP (v bit ignored); nullopt for any other identifier.
std::optional<crypto::Group> tep_group(uint8_t tep);

// Length of the public-key field in Init1/Init2 (35, 69, 32, 56); 0 for unknown TEPs.
size_t pub_field_len(uint8_t tep);

// The wire field for an encoded point (crypto::EcdhPrivateKey::public_key()).
// InvalidArgument when the TEP is unknown or the point has the wrong length.
Result<Bytes> encode_pub_field(uint8_t tep, ByteView point);

// Checks a received field's framing and returns the point inside it (a view into field).
// InvalidPublicKey on a wrong total length, a pubkey_len other than the whole field (33/67
// included), or a NIST point that is not compressed (interpretations 1, 2; TC-43). The
// point itself is validated by the ECDH back-end in key_agreement.h.
Result<ByteView> parse_pub_field(uint8_t tep, ByteView field);

}  // namespace proto::tcpcrypt
