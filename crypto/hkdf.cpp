#include "crypto/hkdf.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/secure.h"
#include "crypto/sodium_init.h"

namespace crypto {

namespace {

// libsodium declares the key pointer non-null even for an empty key (RFC 5869 A.3 uses
// an empty salt, i.e. an empty HMAC key), and an empty span may carry nullptr.
void hmac_init(crypto_auth_hmacsha256_state& st, ConstBytes key) {
  static const uint8_t kNoKey = 0;
  crypto_auth_hmacsha256_init(&st, key.empty() ? &kNoKey : key.data(), key.size());
}

}  // namespace

void hmac_sha256(ConstBytes key, std::initializer_list<ConstBytes> msg_parts,
                 std::span<uint8_t, kSha256Len> out) {
  sodium_ready();  // libsodium's rule: initialise before any other call
  crypto_auth_hmacsha256_state st;
  hmac_init(st, key);
  for (ConstBytes p : msg_parts) crypto_auth_hmacsha256_update(&st, p.data(), p.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
}

void hkdf_extract(ConstBytes salt, std::initializer_list<ConstBytes> ikm_parts,
                  std::span<uint8_t, kSha256Len> prk) {
  // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM).
  hmac_sha256(salt, ikm_parts, prk);
}

proto::Status hkdf_expand(ConstBytes prk, std::initializer_list<ConstBytes> info_parts,
                          std::span<uint8_t> out) {
  if (out.size() > kHkdfMaxOutput) return proto::fail(proto::Errc::InvalidArgument, "HKDF output too long");
  if (prk.size() < kSha256Len) return proto::fail(proto::Errc::InvalidArgument, "HKDF PRK too short");
  sodium_ready();
  // RFC 5869 §2.3: T(n) = HMAC(PRK, T(n-1) | info | n), n a single byte from 1.
  uint8_t t[kSha256Len];
  size_t t_len = 0, done = 0;
  for (uint8_t n = 1; done < out.size(); ++n) {
    crypto_auth_hmacsha256_state st;
    hmac_init(st, prk);
    crypto_auth_hmacsha256_update(&st, t, t_len);
    for (ConstBytes p : info_parts) crypto_auth_hmacsha256_update(&st, p.data(), p.size());
    crypto_auth_hmacsha256_update(&st, &n, 1);
    crypto_auth_hmacsha256_final(&st, t);
    sodium_memzero(&st, sizeof st);
    t_len = kSha256Len;
    size_t take = std::min(kSha256Len, out.size() - done);
    std::copy_n(t, take, out.begin() + done);
    done += take;
  }
  secure_erase(t);
  return {};
}

}  // namespace crypto
