// Typed errors for every parser and state machine in proto/ (and crypto/).
// Errors carry a code and a static description: no allocation on the error path,
// so a flood of malformed input costs nothing but a counter.
#pragma once

#include <cstdint>
#include <tl/expected.hpp>

namespace proto {

enum class Errc : uint8_t {
  // Generic codec failures.
  Truncated,         // input ends before a field it must contain
  TooLong,           // input exceeds a protocol or local limit
  BadValue,          // a field holds a value the spec forbids
  BadChecksum,       // a checksum (TCP, IP) does not verify
  // TCP-ENO (RFC 8547).
  BadEnoOption,      // malformed SYN-form option: ignore it and disable ENO (ENO §4.4)
  // tcpcrypt (RFC 8548).
  BadMagic,          // Init1/Init2 magic mismatch
  BadMessageLength,  // message_len too small or over the local limit
  NoCommonAead,      // B found no acceptable AEAD in Init1
  AeadNotOffered,    // A got an Init2 sym_cipher it did not offer (TC-7)
  InvalidPublicKey,  // peer key failed validation (TC-6, TC-43, TC-44)
  AuthFailed,        // AEAD open failed or the frame is unparsable (TC-30)
  FinWithoutFinp,    // TCP FIN without an authenticated FINp frame (TC-33)
  DataAfterFinp,     // stream bytes after the FINp frame
  // TCP-ENO + tcpcrypt on a live connection (proto/tcpinc).
  EncryptionRequired,  // required mode and ENO/tcpcrypt was not negotiated
  HandshakeTimeout,    // Init1/Init2 did not arrive in time
  EnoMismatch,         // the peer still uses ENO after this host fell back (RFC 8547 §9 type 2)
  // IP (proto/ip).
  BadIpVersion,      // version nibble is neither 4 nor 6, or not the one asked for
  BadIpChecksum,     // IPv4 header checksum mismatch
  IpFragment,        // a fragment: tund does not reassemble (the kernel would have, for it)
  NotTcp,            // the upper-layer protocol is not TCP (or is hidden, e.g. by ESP)
  // ICMP (proto/ip/icmp).
  BadIcmpChecksum,   // ICMPv4 message checksum mismatch
  IcmpIgnored,       // an ICMP type/code tund does not act on
  // Control protocol (proto/control).
  BadVersion,        // control header names a protocol version we do not speak
  UnknownMessage,    // control header names a message type we do not know
  TrailingBytes,     // bytes left over after a complete control message body
  // Crypto back-end failures (library error, out of memory).
  CryptoFailure,
  // API misuse.
  InvalidArgument,
  InvalidState,
};

struct Error {
  Errc code;
  const char* detail;  // static string, never owned
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(Errc code, const char* detail) {
  return tl::unexpected<Error>(Error{code, detail});
}

const char* errc_name(Errc code);

}  // namespace proto
