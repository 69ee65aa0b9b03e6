// Frame seal + open round trip (RFC 8548 §4.2) per AEAD at 64 B, 1448 B (one Ethernet MSS)
// and 16 KiB, beside the raw OpenSSL EVP seal + open of the same plaintext in the same run.
// Ours: FrameKey::seal with the data already at frame_data_offset() (no copy), then
// FrameKey::open_in_place. Raw: one encrypt and one decrypt context, keys scheduled once,
// IV + AD + update + final + tag per message, no checks. Both count data bytes per round
// trip. The ratio lines at the end compare them (target: ours >= 0.9x raw at 16 KiB).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "proto/tcpcrypt/frame.h"
#include "tests/bench/ratio_report.h"

namespace {

using namespace proto;
using namespace proto::tcpcrypt;

constexpr size_t kSizes[] = {64, 1448, 16384};
struct AeadCase {
  AeadId id;
  const char* name;
  const EVP_CIPHER* (*cipher)();
};
const AeadCase kAeads[] = {
    {AeadId::Aes128Gcm, "aes128gcm", EVP_aes_128_gcm},
    {AeadId::Aes256Gcm, "aes256gcm", EVP_aes_256_gcm},
    {AeadId::ChaCha20Poly1305, "chacha20poly1305", EVP_chacha20_poly1305},
};

void ours(benchmark::State& state, AeadCase aead, size_t size) {
  const crypto::AeadInfo* info = crypto::aead_info(uint16_t(aead.id));
  auto key = FrameKey::create(aead.id, Bytes(traffic_key_len(*info), 0x5a));
  if (!key) return state.SkipWithError("key");
  Bytes frame(frame_len(size, false), 0x33);
  const ByteView data = ByteView(frame).subspan(frame_data_offset(false), size);
  uint64_t offset = 0;
  for (auto _ : state) {
    if (!key->seal(offset, {}, data, frame)) return state.SkipWithError("seal");
    auto opened = key->open_in_place(offset, frame);
    if (!opened) return state.SkipWithError("open");
    benchmark::DoNotOptimize(opened->data.data());
    offset += frame.size();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(size));
}

// The same work straight on EVP: a 3-byte AD, 1 flags byte + data as plaintext.
void raw(benchmark::State& state, AeadCase aead, size_t size) {
  const size_t plain_len = 1 + size;
  std::vector<uint8_t> key(32, 0x5a), nonce(12, 0x01), ad(3, 0x00), buf(plain_len + 16, 0x33);
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(enc, aead.cipher(), nullptr, key.data(), nullptr);
  EVP_DecryptInit_ex(dec, aead.cipher(), nullptr, key.data(), nullptr);
  bool ok = true;
  for (auto _ : state) {
    ++nonce[11];
    int len = 0;
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, nonce.data());
    EVP_EncryptUpdate(enc, nullptr, &len, ad.data(), int(ad.size()));
    EVP_EncryptUpdate(enc, buf.data(), &len, buf.data(), int(plain_len));
    EVP_EncryptFinal_ex(enc, buf.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, 16, buf.data() + plain_len);
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, nonce.data());
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, 16, buf.data() + plain_len);
    EVP_DecryptUpdate(dec, nullptr, &len, ad.data(), int(ad.size()));
    EVP_DecryptUpdate(dec, buf.data(), &len, buf.data(), int(plain_len));
    ok &= EVP_DecryptFinal_ex(dec, buf.data() + len, &len) == 1;
    benchmark::DoNotOptimize(buf.data());
  }
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
  if (!ok) state.SkipWithError("raw open failed");
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(size));
}

void register_all() {
  for (const AeadCase& aead : kAeads)
    for (size_t size : kSizes)
      for (auto [kind, fn] : {std::pair{"ours", &ours}, std::pair{"raw", &raw}}) {
        std::string name =
            std::string("frames/") + kind + "/" + aead.name + "/" + std::to_string(size);
        benchmark::RegisterBenchmark(name.c_str(), fn, aead, size);
      }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return bench::run_with_ratios(argc, argv);
}
