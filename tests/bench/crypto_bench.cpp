// Per-call cost of crypto/: AEAD seal/open of a 16 KiB frame against the raw OpenSSL EVP
// loop (same cipher, context kept, IV set per call), and ECDH key generation and derive.
// The baseline is the one place outside crypto/ that includes an OpenSSL header: it
// measures the wrapper against the library itself.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <vector>

#include "crypto/aead.h"
#include "crypto/ecdh.h"

namespace {

constexpr size_t kFrame = 16 * 1024;

crypto::AeadId aead_id(const benchmark::State& state) { return crypto::AeadId(state.range(0)); }

void BM_AeadSeal(benchmark::State& state) {
  const auto* info = crypto::aead_info(uint16_t(state.range(0)));
  auto aead = crypto::Aead::create(aead_id(state), std::vector<uint8_t>(info->key_len, 7));
  std::vector<uint8_t> nonce(12, 1), ad(20, 2), pt(kFrame, 3), out(kFrame + 16);
  for (auto _ : state) {
    nonce[11]++;
    if (!aead->seal(nonce, ad, pt, out)) state.SkipWithError("seal failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kFrame));
}

void BM_AeadOpen(benchmark::State& state) {
  const auto* info = crypto::aead_info(uint16_t(state.range(0)));
  auto aead = crypto::Aead::create(aead_id(state), std::vector<uint8_t>(info->key_len, 7));
  std::vector<uint8_t> nonce(12, 1), ad(20, 2), pt(kFrame, 3), ct(kFrame + 16), out(kFrame);
  if (!aead->seal(nonce, ad, pt, ct)) state.SkipWithError("seal failed");
  for (auto _ : state) {
    if (!aead->open(nonce, ad, ct, out)) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kFrame));
}

// Baseline: what the wrapper does, written directly against EVP with no checks.
void BM_RawEvpSeal(benchmark::State& state) {
  const EVP_CIPHER* cipher = state.range(0) == 0x0001   ? EVP_aes_128_gcm()
                             : state.range(0) == 0x0002 ? EVP_aes_256_gcm()
                                                        : EVP_chacha20_poly1305();
  std::vector<uint8_t> key(32, 7), nonce(12, 1), ad(20, 2), pt(kFrame, 3), out(kFrame + 16);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), nullptr);
  for (auto _ : state) {
    nonce[11]++;
    int len = 0;
    EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data());
    EVP_EncryptUpdate(ctx, nullptr, &len, ad.data(), int(ad.size()));
    EVP_EncryptUpdate(ctx, out.data(), &len, pt.data(), int(pt.size()));
    EVP_EncryptFinal_ex(ctx, out.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out.data() + kFrame);
    benchmark::DoNotOptimize(out.data());
  }
  EVP_CIPHER_CTX_free(ctx);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kFrame));
}

void aead_ids(benchmark::internal::Benchmark* b) { b->Arg(0x0001)->Arg(0x0002)->Arg(0x0010); }
BENCHMARK(BM_AeadSeal)->Apply(aead_ids);
BENCHMARK(BM_AeadOpen)->Apply(aead_ids);
BENCHMARK(BM_RawEvpSeal)->Apply(aead_ids);

void groups(benchmark::internal::Benchmark* b) {
  for (auto g : {crypto::Group::P256, crypto::Group::P521, crypto::Group::X25519, crypto::Group::X448})
    b->Arg(int64_t(g));
}

void BM_EcdhGenerate(benchmark::State& state) {
  crypto::DeterministicRandom rng(1);
  for (auto _ : state) {
    auto key = crypto::EcdhPrivateKey::generate(crypto::Group(state.range(0)), rng);
    benchmark::DoNotOptimize(key);
  }
}

void BM_EcdhDerive(benchmark::State& state) {
  const auto g = crypto::Group(state.range(0));
  crypto::DeterministicRandom rng(1);
  auto a = crypto::EcdhPrivateKey::generate(g, rng);
  auto b = crypto::EcdhPrivateKey::generate(g, rng);
  std::vector<uint8_t> peer(b->public_key().begin(), b->public_key().end());
  for (auto _ : state) {
    auto es = a->derive(peer);
    benchmark::DoNotOptimize(es);
  }
}

BENCHMARK(BM_EcdhGenerate)->Apply(groups);
BENCHMARK(BM_EcdhDerive)->Apply(groups);

}  // namespace
