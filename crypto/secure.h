// Secret handling: erase, constant-time comparison, and owning buffers that erase
// themselves. Every key, shared secret and session secret in the project lives in a
// SecretBytes (or is erased explicitly with secure_erase) so it never outlives its use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crypto {

// Overwrites the bytes in a way the compiler cannot elide (sodium_memzero).
void secure_erase(std::span<uint8_t> bytes);

// Constant time in the contents; the lengths are not secret (different lengths -> false).
bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);
// Constant-time "all bytes are zero" (RFC 7748 §6: abort on an all-zero X25519/X448 output).
bool ct_is_zero(std::span<const uint8_t> a);

// Owning byte buffer that is erased on destruction, on clear() and before reallocation.
// Move-only so that secrets are never silently duplicated.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : bytes_(n) {}
  explicit SecretBytes(std::span<const uint8_t> src) : bytes_(src.begin(), src.end()) {}
  SecretBytes(SecretBytes&& o) noexcept : bytes_(std::move(o.bytes_)) { o.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      clear();
      bytes_ = std::move(o.bytes_);
      o.bytes_.clear();
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { clear(); }

  // Explicit copy, so that duplicating a secret is visible at the call site.
  SecretBytes clone() const { return SecretBytes(view()); }

  void clear() {
    secure_erase(bytes_);
    bytes_.clear();
  }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  std::span<const uint8_t> view() const { return bytes_; }
  std::span<uint8_t> mut_view() { return bytes_; }
  uint8_t operator[](size_t i) const { return bytes_[i]; }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace crypto
