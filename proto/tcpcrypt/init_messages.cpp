#include "proto/tcpcrypt/init_messages.h"

#include <algorithm>
#include <optional>

#include "proto/tcpcrypt/public_key.h"

namespace proto::tcpcrypt {

namespace {

constexpr size_t kInit1FixedBeforeCiphers = kInitHeaderLen + 1;  // + nciphers
constexpr size_t kInit2FixedBeforePub = kInitHeaderLen + 2 + kNonceLen;

// Steps shared by both messages: magic, message_len bounds, wait for the whole message.
// `fixed_len` is the length of the message without its ignored tail (0 = not yet known
// because Init1's nciphers has not arrived; then `known_prefix` bytes are needed first).
struct Framing {
  std::optional<size_t> need;  // more bytes needed
  size_t message_len = 0;
};

Result<Framing> check_framing(uint32_t magic, ByteView buffered, size_t known_prefix,
                              size_t fixed_len, size_t max_len) {
  size_t have = buffered.size();
  // A wrong magic is reported as soon as the bytes that disagree are here: encryption is
  // already on and nothing else may appear at this position.
  uint8_t magic_bytes[4];
  store_be32(magic_bytes, 0, magic);
  size_t n = std::min<size_t>(have, 4);
  if (!std::equal(buffered.begin(), buffered.begin() + n, magic_bytes))
    return fail(Errc::BadMagic, "Init magic");
  if (have < known_prefix) return Framing{known_prefix - have, 0};
  uint32_t m = load_be32(buffered, 4);
  if (m < fixed_len) return fail(Errc::BadMessageLength, "message_len below fixed part");
  if (m > max_len) return fail(Errc::BadMessageLength, "message_len over local limit");
  if (have < m) return Framing{m - have, m};
  return Framing{std::nullopt, m};
}

template <class Msg>
Result<Msg> exact(Result<InitStep<Msg>> step, size_t size) {
  if (!step) return tl::unexpected(step.error());
  if (std::holds_alternative<NeedMore>(*step)) return fail(Errc::Truncated, "Init message truncated");
  auto& parsed = std::get<Parsed<Msg>>(*step);
  if (parsed.length != size) return fail(Errc::TooLong, "bytes after Init message");
  return std::move(parsed.msg);
}

Status check_pub(uint8_t tep, const Bytes& pub) {
  size_t len = pub_field_len(tep);
  if (len == 0) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  if (pub.size() != len) return fail(Errc::InvalidArgument, "public key field length");
  return {};
}

}  // namespace

Result<Bytes> encode(uint8_t tep, const Init1& msg) {
  if (auto ok = check_pub(tep, msg.pub); !ok) return tl::unexpected(ok.error());
  if (msg.sym_ciphers.size() > 255) return fail(Errc::InvalidArgument, "more than 255 ciphers");
  size_t len = kInit1FixedBeforeCiphers + 2 * msg.sym_ciphers.size() + kNonceLen +
               msg.pub.size() + msg.ignored.size();
  Bytes out;
  out.reserve(len);
  put_be32(out, kInit1Magic);
  put_be32(out, uint32_t(len));
  put_u8(out, uint8_t(msg.sym_ciphers.size()));
  for (uint16_t id : msg.sym_ciphers) put_be16(out, id);  // interpretation 3: big-endian
  put_bytes(out, msg.n_a);
  put_bytes(out, msg.pub);
  put_bytes(out, msg.ignored);
  return out;
}

Result<Bytes> encode(uint8_t tep, const Init2& msg) {
  if (auto ok = check_pub(tep, msg.pub); !ok) return tl::unexpected(ok.error());
  size_t len = kInit2FixedBeforePub + msg.pub.size() + msg.ignored.size();
  Bytes out;
  out.reserve(len);
  put_be32(out, kInit2Magic);
  put_be32(out, uint32_t(len));
  put_be16(out, msg.sym_cipher);
  put_bytes(out, msg.n_b);
  put_bytes(out, msg.pub);
  put_bytes(out, msg.ignored);
  return out;
}

Result<InitStep<Init1>> read_init1(uint8_t tep, ByteView buffered, size_t max_len) {
  size_t pub_len = pub_field_len(tep);
  if (pub_len == 0) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  // nciphers (byte 8) fixes the length of the fixed part; check magic first.
  size_t fixed = 0;
  if (buffered.size() > kInitHeaderLen)
    fixed = kInit1FixedBeforeCiphers + 2 * size_t(buffered[kInitHeaderLen]) + kNonceLen + pub_len;
  auto framing = check_framing(kInit1Magic, buffered, kInit1FixedBeforeCiphers, fixed, max_len);
  if (!framing) return tl::unexpected(framing.error());
  if (framing->need) return InitStep<Init1>{NeedMore{*framing->need}};
  size_t m = framing->message_len;
  Init1 msg;
  size_t k = buffered[kInitHeaderLen];
  size_t at = kInit1FixedBeforeCiphers;
  msg.sym_ciphers.reserve(k);
  for (size_t i = 0; i < k; ++i, at += 2) msg.sym_ciphers.push_back(load_be16(buffered, at));
  std::copy_n(buffered.begin() + at, kNonceLen, msg.n_a.begin());
  at += kNonceLen;
  msg.pub.assign(buffered.begin() + at, buffered.begin() + at + pub_len);
  at += pub_len;
  msg.ignored.assign(buffered.begin() + at, buffered.begin() + m);  // TC-40: accept, keep
  return InitStep<Init1>{Parsed<Init1>{std::move(msg), m}};
}

Result<InitStep<Init2>> read_init2(uint8_t tep, ByteView buffered, size_t max_len) {
  size_t pub_len = pub_field_len(tep);
  if (pub_len == 0) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  size_t fixed = kInit2FixedBeforePub + pub_len;
  auto framing = check_framing(kInit2Magic, buffered, kInitHeaderLen, fixed, max_len);
  if (!framing) return tl::unexpected(framing.error());
  if (framing->need) return InitStep<Init2>{NeedMore{*framing->need}};
  size_t m = framing->message_len;
  Init2 msg;
  msg.sym_cipher = load_be16(buffered, kInitHeaderLen);
  size_t at = kInitHeaderLen + 2;
  std::copy_n(buffered.begin() + at, kNonceLen, msg.n_b.begin());
  at += kNonceLen;
  msg.pub.assign(buffered.begin() + at, buffered.begin() + at + pub_len);
  at += pub_len;
  msg.ignored.assign(buffered.begin() + at, buffered.begin() + m);  // TC-40
  return InitStep<Init2>{Parsed<Init2>{std::move(msg), m}};
}

Result<Init1> parse_init1(uint8_t tep, ByteView message, size_t max_len) {
  return exact<Init1>(read_init1(tep, message, max_len), message.size());
}

Result<Init2> parse_init2(uint8_t tep, ByteView message, size_t max_len) {
  return exact<Init2>(read_init2(tep, message, max_len), message.size());
}

}  // namespace proto::tcpcrypt
