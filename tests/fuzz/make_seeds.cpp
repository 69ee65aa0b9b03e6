// Writes the seed corpora of the tcpcrypt fuzz targets, deterministically (fixed keys and
// DeterministicRandom): a few valid inputs per target and the edge cases next to them.
//   make_fuzz_seeds tests/fuzz/corpus
// The layouts are those documented at the top of each target.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/random.h"
#include "proto/tcpcrypt/frame.h"
#include "proto/tcpcrypt/init_messages.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/public_key.h"
#include "tests/fuzz/fixtures.h"

using namespace proto;
using namespace proto::tcpcrypt;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

void write_seed(const char* target, const std::string& name, ByteView bytes) {
  fs::create_directories(g_root / target);
  std::ofstream(g_root / target / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

Bytes hex(const char* s) { return from_hex(s).value(); }

// ---- eno_negotiation: split | script_len | script | option 1 | option 2 -------------------

void eno_seed(const std::string& name, const char* one, const char* two, Bytes script = {}) {
  Bytes a = hex(one), b = hex(two);
  Bytes in{uint8_t(a.size()), uint8_t(script.size())};
  put_bytes(in, script);
  put_bytes(in, a);
  put_bytes(in, b);
  write_seed("eno_negotiation", name, in);
}

void eno_seeds() {
  eno_seed("fresh-x25519", "450621222324", "45040123");
  eno_seed("fresh-b-first", "45040123", "450621222324");
  eno_seed("length-byte", "450882a3d0d1d224", "45040124");
  eno_seed("resumption", "450ca3000102030405060708", "450d01a3090a0b0c0d0e0f1011");
  eno_seed("role-clash", "45040123", "45040123");
  eno_seed("vacuous", "450323", "450301");
  eno_seed("malformed", "45048223", "45040123");
  eno_seed("empty", "", "");
  // Passive opener: SYN(option 1), SYN-ACK, ACK with `45 02`, ACK.
  eno_seed("passive-handshake", "450621222324", "4502", {0x14, 0x0d, 0x0b, 0x09});
  // Active opener: SYN, SYN-ACK(option 1), ACK, then the SYN retransmitted and disabled.
  eno_seed("active-disable", "45040123", "", {0x05, 0x1c, 0x09, 0x02, 0x05, 0x01});
}

// ---- tcpcrypt_init: selector | split1 | split2 | message ---------------------------------

constexpr uint8_t kTeps[] = {kTepP256, kTepP521, kTepX25519, kTepX448};

void init_seed(const std::string& name, uint8_t selector, ByteView msg) {
  Bytes in{selector, uint8_t(msg.size() / 3), uint8_t(msg.size() / 2)};
  put_bytes(in, msg);
  write_seed("tcpcrypt_init", name, in);
}

void init_seeds() {
  crypto::DeterministicRandom rng(3);
  for (uint8_t i = 0; i < 4; ++i) {
    const uint8_t tep = kTeps[i];
    auto key = crypto::EcdhPrivateKey::generate(*tep_group(tep), rng).value();
    Init1 one;
    one.sym_ciphers = {1, 2, 0x10};
    rng.fill(one.n_a);
    one.pub = own_pub_field(tep, key).value();
    Init2 two;
    two.sym_cipher = 0x10;
    rng.fill(two.n_b);
    two.pub = one.pub;
    const std::string tag = "tep" + std::to_string(tep);
    init_seed(tag + "-init1", i, encode(tep, one).value());
    init_seed(tag + "-init2", uint8_t(i | 4), encode(tep, two).value());
    if (tep == kTepX25519) {
      two.ignored = {0xee, 0xee};
      init_seed(tag + "-init2-ignored", uint8_t(i | 4), encode(tep, two).value());
      Bytes followed = encode(tep, one).value();
      put_bytes(followed, hex("0000110000"));  // a frame header right after it
      init_seed(tag + "-init1-then-frame", i, followed);
      init_seed(tag + "-init1-truncated", i, ByteView(followed).first(40));
    }
  }
  init_seed("bad-magic", 0, hex("15101a0f0000004f"));
  init_seed("huge-length", 4, hex("097105e0ffffffff"));
}

// ---- tcpcrypt_frame -----------------------------------------------------------------------

void frame_seeds() {
  const AeadId aeads[] = {AeadId::Aes128Gcm, AeadId::Aes256Gcm, AeadId::ChaCha20Poly1305};
  const Bytes data = hex("68656c6c6f");
  for (uint8_t i = 0; i < 3; ++i) {
    const std::string tag = "aead" + std::to_string(i);
    // Raw mode: selector | offset | two frames (the second after a rekey) from offset 9.
    auto sealer =
        FrameSealer::create(aeads[i], fuzz::frame_master_key(), KeyDirection::Ab, 9).value();
    Bytes raw{i, 9};
    (void)sealer.seal(data, false, std::nullopt, raw);
    (void)sealer.raise_generation();
    (void)sealer.seal({}, true, uint16_t(3), raw);
    write_seed("tcpcrypt_frame", tag + "-raw-two-frames", raw);
    // Mutated mode: selector | fields | data_len | data | (position(2), xor(1))*.
    Bytes clean{uint8_t(i | 4), 0x00, uint8_t(data.size())};
    put_bytes(clean, data);
    write_seed("tcpcrypt_frame", tag + "-mutated-none", clean);
    Bytes flipped{uint8_t(i | 4), 0x0b, uint8_t(data.size())};
    put_bytes(flipped, data);
    put_bytes(flipped, hex("000001" "000501" "001080"));
    write_seed("tcpcrypt_frame", tag + "-mutated-flips", flipped);
  }
  write_seed("tcpcrypt_frame", "clen-too-small", hex("00000000100000"));
  write_seed("tcpcrypt_frame", "clen-beyond", hex("0100" "00ffff00"));
}

// ---- tcpcrypt_session: setup | (op, arg)* ----------------------------------------------------

void session_seed(const std::string& name, uint8_t setup, const char* script) {
  Bytes in{setup};
  put_bytes(in, hex(script));
  write_seed("tcpcrypt_session", name, in);
}

void session_seeds() {
  // A sends 5, everything both ways, B sends 9, both FIN, TCP FINs after everything.
  const char* exchange = "0005" "0300" "0b00" "0809" "0300" "0b00" "0100" "0900" "0700" "0f00";
  for (uint8_t tep = 0; tep < 4; ++tep)
    session_seed("fresh-tep" + std::to_string(tep), tep, exchange);
  session_seed("resumed", 0x06, exchange);
  session_seed("tiny-frames-chacha", 0x32, "0040" "0300" "0b00" "0210" "0205" "0300");
  session_seed("rekey-both", 0x02,
               "0300" "0b00" "0500" "0300" "0b00" "0d00" "0b00" "0300" "0003" "0300");
  session_seed("tampered-init1", 0x02, "0420");
  session_seed("tampered-frame", 0x06, "0010" "0405" "0300");
  session_seed("fin-without-finp", 0x06, "0010" "0300" "0600");
  session_seed("split-delivery", 0x02, "0002" "0203" "0200" "0b00" "0300");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds CORPUS_DIR\n");
    return 2;
  }
  g_root = argv[1];
  eno_seeds();
  init_seeds();
  frame_seeds();
  session_seeds();
  return 0;
}
