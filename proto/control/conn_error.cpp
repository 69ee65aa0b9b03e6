#include "proto/control/conn_error.h"

#include <cerrno>

namespace proto::control {

std::optional<ConnError> conn_error_from_wire(uint8_t v) {
  if (v == 0 || v > kConnErrorMax) return std::nullopt;
  return ConnError(v);
}

int to_errno(ConnError e) {
  switch (e) {
    case ConnError::Refused: return ECONNREFUSED;
    case ConnError::EnoRequired: return ECONNREFUSED;  // api.md §9.3: clients try the next address
    case ConnError::TimedOut: return ETIMEDOUT;
    case ConnError::HandshakeTimeout: return ETIMEDOUT;
    case ConnError::NetUnreachable: return ENETUNREACH;
    case ConnError::HostUnreachable: return EHOSTUNREACH;
    case ConnError::AddressInUse: return EADDRINUSE;
    case ConnError::AddressNotAvailable: return EADDRNOTAVAIL;
    case ConnError::PrivilegedPort: return EACCES;
    case ConnError::PolicyDenied: return EPERM;
    case ConnError::InvalidRequest: return EINVAL;
    case ConnError::UnknownConnection: return ENOTCONN;
    case ConnError::ResourceExhausted: return ENOBUFS;
    // RFC 8547 §5, RFC 8548 §8: integrity failures must be distinguishable from EOF.
    case ConnError::KeyExchangeFailed: return ECONNRESET;
    case ConnError::IntegrityFailure: return ECONNRESET;
    case ConnError::Reset: return ECONNRESET;
    case ConnError::Aborted: return ECONNABORTED;
    case ConnError::TundUnavailable: return ENETDOWN;
  }
  return EIO;
}

const char* conn_error_name(ConnError e) {
  switch (e) {
    case ConnError::Refused: return "refused";
    case ConnError::TimedOut: return "timed out";
    case ConnError::NetUnreachable: return "network unreachable";
    case ConnError::HostUnreachable: return "host unreachable";
    case ConnError::AddressInUse: return "address in use";
    case ConnError::AddressNotAvailable: return "address not available";
    case ConnError::PrivilegedPort: return "privileged port";
    case ConnError::PolicyDenied: return "denied by policy";
    case ConnError::InvalidRequest: return "invalid request";
    case ConnError::UnknownConnection: return "unknown connection";
    case ConnError::ResourceExhausted: return "tund out of resources";
    case ConnError::EnoRequired: return "encryption required but not negotiated";
    case ConnError::KeyExchangeFailed: return "key exchange failed";
    case ConnError::HandshakeTimeout: return "tcpcrypt handshake timed out";
    case ConnError::IntegrityFailure: return "integrity failure";
    case ConnError::Reset: return "reset by peer";
    case ConnError::Aborted: return "aborted";
    case ConnError::TundUnavailable: return "tund unavailable";
  }
  return "unknown";
}

}  // namespace proto::control
