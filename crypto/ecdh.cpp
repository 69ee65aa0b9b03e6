#include "crypto/ecdh.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <sodium.h>

#include "crypto/sodium_init.h"

// Back-ends:
// - P-256, P-521: OpenSSL's EC_GROUP / EC_POINT arithmetic (not deprecated in OpenSSL 3;
//   only EC_KEY is). It gives us what EVP hides: the public point from a caller-supplied
//   scalar, and compressed point decoding with the checks of IEEE 1363 A.16.10.
// - X25519: libsodium. crypto_scalarmult() is one call on caller memory, where OpenSSL's
//   EVP route allocates a peer EVP_PKEY and an EVP_PKEY_CTX per derive; measured on the
//   development machine: ~35 us (libsodium) vs ~49 us (OpenSSL EVP) per derive.
// - X448: OpenSSL EVP raw keys (libsodium 1.0.18 has no X448).

namespace crypto {

namespace {

struct GroupParams {
  size_t pub_len;
  size_t secret_len;
  size_t priv_len;
  const char* name;
};

const GroupParams& params(Group g) {
  static constexpr GroupParams kP256{33, 32, 32, "P-256"};
  static constexpr GroupParams kP521{67, 66, 66, "P-521"};
  static constexpr GroupParams kX25519{32, 32, 32, "X25519"};
  static constexpr GroupParams kX448{56, 56, 56, "X448"};
  switch (g) {
    case Group::P256: return kP256;
    case Group::P521: return kP521;
    case Group::X25519: return kX25519;
    case Group::X448: break;
  }
  return kX448;
}

bool is_nist(Group g) { return g == Group::P256 || g == Group::P521; }

// The curve objects are immutable after creation and shared by all keys (OpenSSL only
// reads an EC_GROUP during point arithmetic). Created once, thread-safe.
const EC_GROUP* ec_group(Group g) {
  struct Groups {
    EC_GROUP* p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_GROUP* p521 = EC_GROUP_new_by_curve_name(NID_secp521r1);
    ~Groups() {
      EC_GROUP_free(p256);
      EC_GROUP_free(p521);
    }
  };
  static const Groups groups;
  return g == Group::P256 ? groups.p256 : groups.p521;
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_clear_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

proto::Error crypto_failure() { return {proto::Errc::CryptoFailure, "ECDH back-end failure"}; }
proto::Error invalid_peer(const char* why) { return {proto::Errc::InvalidPublicKey, why}; }

// Compressed SEC1 / IEEE 1363 encoding of point.
bool encode_point(const EC_GROUP* group, const EC_POINT* point, std::span<uint8_t> out,
                  BN_CTX* bn) {
  return EC_POINT_point2oct(group, point, POINT_CONVERSION_COMPRESSED, out.data(), out.size(),
                            bn) == out.size();
}

// Peer point validation for the NIST TEPs (RFC 8548 §5, IEEE 1363 A.16.10; digest §3.2):
// compressed form only, x < p, x on the curve. The cofactor is 1, so a decoded point that
// is not infinity lies in the prime-order group.
proto::Result<PointPtr> decode_peer_point(Group g, std::span<const uint8_t> enc, BN_CTX* bn) {
  if (enc.size() != params(g).pub_len) return tl::unexpected(invalid_peer("peer key length"));
  // 0x04 (uncompressed) and 0x06/0x07 (hybrid) are refused (interpretation 2).
  if (enc[0] != 0x02 && enc[0] != 0x03)
    return tl::unexpected(invalid_peer("peer key not a compressed point"));
  const EC_GROUP* group = ec_group(g);
  PointPtr point(EC_POINT_new(group));
  if (!point) return tl::unexpected(crypto_failure());
  // OpenSSL rejects x >= p and an x whose curve equation has no square root here.
  if (EC_POINT_oct2point(group, point.get(), enc.data(), enc.size(), bn) != 1 ||
      EC_POINT_is_at_infinity(group, point.get()) ||
      EC_POINT_is_on_curve(group, point.get(), bn) != 1)
    return tl::unexpected(invalid_peer("peer point not on the curve"));
  return point;
}

}  // namespace

size_t public_key_len(Group g) { return params(g).pub_len; }
size_t shared_secret_len(Group g) { return params(g).secret_len; }
size_t private_key_len(Group g) { return params(g).priv_len; }
const char* group_name(Group g) { return params(g).name; }

struct EcdhPrivateKey::Impl {
  Group group;
  SecretBytes priv;            // the encoding of ecdh.h, erased on destruction
  std::vector<uint8_t> pub;    // encoded public key
  BnPtr scalar;                // NIST only; BN_clear_free erases it
  PkeyPtr x448;                // X448 only; OpenSSL cleanses raw keys on free
};

EcdhPrivateKey::EcdhPrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EcdhPrivateKey::EcdhPrivateKey(EcdhPrivateKey&&) noexcept = default;
EcdhPrivateKey& EcdhPrivateKey::operator=(EcdhPrivateKey&&) noexcept = default;
EcdhPrivateKey::~EcdhPrivateKey() = default;

Group EcdhPrivateKey::group() const { return impl_->group; }
std::span<const uint8_t> EcdhPrivateKey::public_key() const { return impl_->pub; }

proto::Result<EcdhPrivateKey> EcdhPrivateKey::generate(Group g, RandomSource& rng) {
  SecretBytes priv(private_key_len(g));
  // X25519/X448 take any scalar string (RFC 7748 §5 clamps it). NIST scalars are
  // rejection-sampled into [1, n-1] from big-endian strings (FIPS 186-4 B.4.2); for P-521
  // the top 7 bits of the 66 bytes are masked first, else most draws would be rejected.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    rng.fill(priv.mut_view());
    if (g == Group::P521) priv.data()[0] &= 0x01;
    auto key = from_bytes(g, priv.view());
    if (key || key.error().code != proto::Errc::InvalidArgument) return key;
  }
  // Only a broken RandomSource gets here (n is close to 2^256 / 2^521).
  return proto::fail(proto::Errc::CryptoFailure, "no valid private key drawn");
}

proto::Result<EcdhPrivateKey> EcdhPrivateKey::from_bytes(Group g, std::span<const uint8_t> priv) {
  if (priv.size() != private_key_len(g))
    return proto::fail(proto::Errc::InvalidArgument, "private key has the wrong length");
  if (!sodium_ready()) return tl::unexpected(crypto_failure());
  auto impl = std::make_unique<Impl>();
  impl->group = g;
  impl->priv = SecretBytes(priv);
  impl->pub.resize(public_key_len(g));
  switch (g) {
    case Group::X25519:
      if (crypto_scalarmult_curve25519_base(impl->pub.data(), priv.data()) != 0)
        return tl::unexpected(crypto_failure());
      break;
    case Group::X448: {
      impl->x448.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_X448, nullptr, priv.data(), priv.size()));
      size_t len = impl->pub.size();
      if (!impl->x448 || EVP_PKEY_get_raw_public_key(impl->x448.get(), impl->pub.data(), &len) != 1 ||
          len != impl->pub.size())
        return tl::unexpected(crypto_failure());
      break;
    }
    case Group::P256:
    case Group::P521: {
      const EC_GROUP* group = ec_group(g);
      BnCtxPtr bn(BN_CTX_new());
      impl->scalar.reset(BN_secure_new());
      PointPtr point(group ? EC_POINT_new(group) : nullptr);
      if (!bn || !impl->scalar || !point ||
          !BN_bin2bn(priv.data(), int(priv.size()), impl->scalar.get()))
        return tl::unexpected(crypto_failure());
      BN_set_flags(impl->scalar.get(), BN_FLG_CONSTTIME);
      const BIGNUM* order = EC_GROUP_get0_order(group);
      if (BN_is_zero(impl->scalar.get()) || BN_cmp(impl->scalar.get(), order) >= 0)
        return proto::fail(proto::Errc::InvalidArgument, "private scalar not in [1, n-1]");
      if (EC_POINT_mul(group, point.get(), impl->scalar.get(), nullptr, nullptr, bn.get()) != 1 ||
          !encode_point(group, point.get(), impl->pub, bn.get()))
        return tl::unexpected(crypto_failure());
      break;
    }
  }
  return EcdhPrivateKey(std::move(impl));
}

proto::Result<SecretBytes> EcdhPrivateKey::derive(std::span<const uint8_t> peer_public) const {
  const Impl& k = *impl_;
  if (peer_public.size() != public_key_len(k.group))
    return tl::unexpected(invalid_peer("peer key length"));
  SecretBytes es(shared_secret_len(k.group));
  if (is_nist(k.group)) {
    const EC_GROUP* group = ec_group(k.group);
    BnCtxPtr bn(BN_CTX_new());
    if (!bn) return tl::unexpected(crypto_failure());
    auto peer = decode_peer_point(k.group, peer_public, bn.get());
    if (!peer) return tl::unexpected(peer.error());
    PointPtr shared(EC_POINT_new(group));
    BnPtr x(BN_secure_new());
    if (!shared || !x ||
        EC_POINT_mul(group, shared.get(), nullptr, peer->get(), k.scalar.get(), bn.get()) != 1)
      return tl::unexpected(crypto_failure());
    // Unreachable with a valid peer and 1 <= d < n (prime order), checked anyway.
    if (EC_POINT_is_at_infinity(group, shared.get()))
      return tl::unexpected(invalid_peer("shared point at infinity"));
    // ES = x coordinate, fixed length, leading zeros kept (digest §3.2).
    if (EC_POINT_get_affine_coordinates(group, shared.get(), x.get(), nullptr, bn.get()) != 1 ||
        BN_bn2binpad(x.get(), es.data(), int(es.size())) != int(es.size()))
      return tl::unexpected(crypto_failure());
    return es;
  }
  // X25519 / X448. Both libraries already refuse an all-zero result; the failure of the
  // call is therefore input-dependent and reported as an invalid peer key.
  bool ok = false;
  if (k.group == Group::X25519) {
    ok = crypto_scalarmult_curve25519(es.data(), k.priv.data(), peer_public.data()) == 0;
  } else {
    PkeyPtr peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X448, nullptr, peer_public.data(),
                                             peer_public.size()));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(k.x448.get(), nullptr));
    if (!peer || !ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1)
      return tl::unexpected(crypto_failure());
    size_t len = es.size();
    ok = EVP_PKEY_derive(ctx.get(), es.data(), &len) == 1 && len == es.size();
  }
  // RFC 7748 §6: abort on the all-zero output, with a constant-time check (TC-44).
  if (!ok || ct_is_zero(es.view())) return tl::unexpected(invalid_peer("all-zero shared secret"));
  return es;
}

}  // namespace crypto
