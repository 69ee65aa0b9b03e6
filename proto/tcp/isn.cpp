#include "proto/tcp/isn.h"

#include <array>

#include "crypto/hkdf.h"
#include "crypto/secure.h"

namespace proto::tcp {

IsnAndTsOffset generate_isn(ByteView secret, const FourTuple& t, Instant now) {
  std::array<uint8_t, 4> ports{};
  store_be16(ports, 0, t.local_port);
  store_be16(ports, 2, t.remote_port);
  std::array<uint8_t, crypto::kSha256Len> mac{};
  crypto::hmac_sha256(secret, {t.local_addr.bytes(), t.remote_addr.bytes(), ports}, mac);
  uint32_t f = load_be32(mac, 0);
  uint32_t ts = load_be32(mac, 4);
  crypto::secure_erase(mac);
  uint32_t m = uint32_t(uint64_t(now.us) / 4);  // RFC 6528 §3: 4 microsecond timer
  return {SeqNum{m + f}, ts};
}

}  // namespace proto::tcp
