#include "proto/common/result.h"

namespace proto {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::Truncated: return "truncated";
    case Errc::TooLong: return "too long";
    case Errc::BadValue: return "bad value";
    case Errc::BadChecksum: return "bad checksum";
    case Errc::BadEnoOption: return "malformed ENO option";
    case Errc::BadMagic: return "bad magic";
    case Errc::BadMessageLength: return "bad message length";
    case Errc::NoCommonAead: return "no common AEAD";
    case Errc::AeadNotOffered: return "AEAD not offered";
    case Errc::InvalidPublicKey: return "invalid public key";
    case Errc::AuthFailed: return "authentication failed";
    case Errc::FinWithoutFinp: return "FIN without FINp";
    case Errc::DataAfterFinp: return "data after FINp";
    case Errc::BadIpVersion: return "bad IP version";
    case Errc::BadIpChecksum: return "bad IPv4 header checksum";
    case Errc::IpFragment: return "IP fragment";
    case Errc::NotTcp: return "not TCP";
    case Errc::BadIcmpChecksum: return "bad ICMP checksum";
    case Errc::IcmpIgnored: return "ICMP message not acted on";
    case Errc::BadVersion: return "unsupported version";
    case Errc::UnknownMessage: return "unknown message type";
    case Errc::TrailingBytes: return "trailing bytes";
    case Errc::CryptoFailure: return "crypto library failure";
    case Errc::EncryptionRequired: return "encryption required but not negotiated";
    case Errc::HandshakeTimeout: return "tcpcrypt key exchange timed out";
    case Errc::EnoMismatch: return "peer uses TCP-ENO after local fallback";
    case Errc::InvalidArgument: return "invalid argument";
    case Errc::InvalidState: return "invalid state";
  }
  return "unknown";
}

}  // namespace proto
