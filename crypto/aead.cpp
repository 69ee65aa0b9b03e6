#include "crypto/aead.h"

#include <openssl/evp.h>

#include <climits>
#include <cstring>

#include "crypto/secure.h"

namespace crypto {

namespace {

constexpr AeadInfo kAeads[] = {
    {AeadId::Aes128Gcm, 16, kAeadNonceLen, kAeadTagLen, "AEAD_AES_128_GCM"},
    {AeadId::Aes256Gcm, 32, kAeadNonceLen, kAeadTagLen, "AEAD_AES_256_GCM"},
    {AeadId::ChaCha20Poly1305, 32, kAeadNonceLen, kAeadTagLen, "AEAD_CHACHA20_POLY1305"},
};

const EVP_CIPHER* evp_cipher(AeadId id) {
  switch (id) {
    case AeadId::Aes128Gcm: return EVP_aes_128_gcm();
    case AeadId::Aes256Gcm: return EVP_aes_256_gcm();
    case AeadId::ChaCha20Poly1305: return EVP_chacha20_poly1305();
  }
  return nullptr;
}

// In-place operation is only defined for exact aliasing; a partial overlap would let
// the cipher overwrite input it has not read yet.
bool overlaps_partially(std::span<const uint8_t> in, std::span<const uint8_t> out) {
  if (in.empty() || out.empty() || in.data() == out.data()) return false;
  auto a = reinterpret_cast<uintptr_t>(in.data());
  auto b = reinterpret_cast<uintptr_t>(out.data());
  return a < b + out.size() && b < a + in.size();
}

}  // namespace

const AeadInfo* aead_info(uint16_t id) {
  for (const AeadInfo& info : kAeads)
    if (uint16_t(info.id) == id) return &info;
  return nullptr;
}

// The key is scheduled once in create(); each seal/open only re-initialises the IV
// (EVP_CipherInit_ex with a null cipher and key keeps the key schedule), so a call costs
// the cipher and little else. One context serves both directions: the direction is
// chosen on every call.
struct Aead::Impl {
  AeadId id;
  EVP_CIPHER_CTX* ctx = nullptr;

  ~Impl() { EVP_CIPHER_CTX_free(ctx); }  // clears the key schedule (OPENSSL_cleanse)

  // Starts one message: direction, nonce, then the associated data.
  bool start(int enc, std::span<const uint8_t> nonce, std::span<const uint8_t> ad) {
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), enc) != 1) return false;
    int len = 0;
    return ad.empty() || EVP_CipherUpdate(ctx, nullptr, &len, ad.data(), int(ad.size())) == 1;
  }

  // Runs the cipher over in into out (same length) and finishes the message.
  bool run(std::span<const uint8_t> in, uint8_t* out) {
    int len = 0;
    if (!in.empty() && EVP_CipherUpdate(ctx, out, &len, in.data(), int(in.size())) != 1)
      return false;
    int final_len = 0;
    // Stream modes emit nothing at final; out + len stays within the buffer.
    return EVP_CipherFinal_ex(ctx, out + len, &final_len) == 1;
  }
};

Aead::Aead(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;

AeadId Aead::id() const { return impl_->id; }

proto::Result<Aead> Aead::create(AeadId id, std::span<const uint8_t> key) {
  const AeadInfo* info = aead_info(uint16_t(id));
  if (info == nullptr) return proto::fail(proto::Errc::InvalidArgument, "unknown AEAD id");
  if (key.size() != info->key_len)
    return proto::fail(proto::Errc::InvalidArgument, "AEAD key has the wrong length");
  auto impl = std::make_unique<Impl>();
  impl->id = id;
  impl->ctx = EVP_CIPHER_CTX_new();
  if (impl->ctx == nullptr ||
      EVP_CipherInit_ex(impl->ctx, evp_cipher(id), nullptr, nullptr, nullptr, 1) != 1 ||
      EVP_CIPHER_CTX_ctrl(impl->ctx, EVP_CTRL_AEAD_SET_IVLEN, int(kAeadNonceLen), nullptr) != 1 ||
      EVP_CipherInit_ex(impl->ctx, nullptr, nullptr, key.data(), nullptr, 1) != 1)
    return proto::fail(proto::Errc::CryptoFailure, "AEAD context setup failed");
  return Aead(std::move(impl));
}

proto::Status Aead::seal(std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                         std::span<const uint8_t> plaintext, std::span<uint8_t> out) {
  if (nonce.size() != kAeadNonceLen || out.size() != plaintext.size() + kAeadTagLen ||
      plaintext.size() > INT_MAX - kAeadTagLen || ad.size() > INT_MAX ||
      overlaps_partially(plaintext, out))
    return proto::fail(proto::Errc::InvalidArgument, "AEAD seal: bad nonce or buffer sizes");
  Impl& s = *impl_;
  if (!s.start(1, nonce, ad) || !s.run(plaintext, out.data()) ||
      EVP_CIPHER_CTX_ctrl(s.ctx, EVP_CTRL_AEAD_GET_TAG, int(kAeadTagLen),
                          out.data() + plaintext.size()) != 1) {
    secure_erase(out);
    return proto::fail(proto::Errc::CryptoFailure, "AEAD seal failed");
  }
  return {};
}

proto::Status Aead::open(std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                         std::span<const uint8_t> ciphertext, std::span<uint8_t> out) {
  // A frame too short to hold a tag cannot authenticate: that is input, not misuse.
  if (ciphertext.size() < kAeadTagLen) {
    secure_erase(out);
    return proto::fail(proto::Errc::AuthFailed, "AEAD ciphertext shorter than the tag");
  }
  const size_t body_len = ciphertext.size() - kAeadTagLen;
  if (nonce.size() != kAeadNonceLen || out.size() != body_len || body_len > INT_MAX ||
      ad.size() > INT_MAX || overlaps_partially(ciphertext.first(body_len), out))
    return proto::fail(proto::Errc::InvalidArgument, "AEAD open: bad nonce or buffer sizes");
  // The tag lies after out even when decrypting in place; copy it because OpenSSL's
  // control interface takes a mutable pointer.
  uint8_t tag[kAeadTagLen];
  std::memcpy(tag, ciphertext.data() + body_len, kAeadTagLen);
  Impl& s = *impl_;
  if (!s.start(0, nonce, ad) ||
      EVP_CIPHER_CTX_ctrl(s.ctx, EVP_CTRL_AEAD_SET_TAG, int(kAeadTagLen), tag) != 1 ||
      !s.run(ciphertext.first(body_len), out.data())) {
    // No unauthenticated plaintext leaves this function.
    secure_erase(out);
    return proto::fail(proto::Errc::AuthFailed, "AEAD authentication failed");
  }
  return {};
}

}  // namespace crypto
