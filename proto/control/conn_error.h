// Why a connection (or a request about one) failed, and the errno a kernel TCP socket would
// report for it. This is the ONE place that decides those errnos: tund puts a ConnError on the
// control wire (proto/control/messages.h), and the shim and tools turn it into errno with
// to_errno(). Rules: shim.md §5.2 (tund events → what the program observes), api.md §9.3
// (ENO and key-exchange failures).
//
// Pure values, no I/O; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

namespace proto::control {

enum class ConnError : uint8_t {
  // Connection attempt.
  Refused = 1,          // RST answering our SYN, or ICMP port unreachable
  TimedOut,             // no answer to the SYN retries; retransmission/user/keepalive timeout
  NetUnreachable,       // no route, ICMP net unreachable
  HostUnreachable,      // ICMP host unreachable
  // Request checks done by tund at once (shim.md §3.3 step 2).
  AddressInUse,         // local port taken (bind/listen/explicit connect port)
  AddressNotAvailable,  // local address not one of tund's, or no free ephemeral port
  PrivilegedPort,       // port < 1024 without CAP_NET_BIND_SERVICE
  PolicyDenied,         // configuration or an option tund cannot honour
  InvalidRequest,       // a well-formed request with values tund rejects (unknown TEP…)
  UnknownConnection,    // token names no connection/listener of this client
  ResourceExhausted,    // tund out of memory/fds/table slots; never the app's own EMFILE
  // TCP-ENO / tcpcrypt (api.md §9.3).
  EnoRequired,          // ENO did not negotiate encryption in mandatory/required mode
  KeyExchangeFailed,    // bad public key, sym_cipher not offered (RFC 8548 §3.3)
  HandshakeTimeout,     // Init1/Init2 never arrived
  IntegrityFailure,     // AEAD failure, FIN without FINp (RFC 8547 §5, RFC 8548 §3.6, §3.7)
  // Established connection.
  Reset,                // RST received
  Aborted,              // cancelled locally (shutdown of a connecting socket, abort request)
  TundUnavailable,      // no tund to ask (required mode fails closed, shim.md §8)
};

inline constexpr uint8_t kConnErrorMax = uint8_t(ConnError::TundUnavailable);

// Wire value → enum; nullopt for 0 and unknown values.
std::optional<ConnError> conn_error_from_wire(uint8_t v);

// The errno a Linux TCP socket would give in the same situation (shim.md §5.2, api.md §9.3):
//   Refused, EnoRequired              → ECONNREFUSED
//   TimedOut, HandshakeTimeout        → ETIMEDOUT
//   NetUnreachable                    → ENETUNREACH
//   HostUnreachable                   → EHOSTUNREACH
//   AddressInUse                      → EADDRINUSE
//   AddressNotAvailable               → EADDRNOTAVAIL
//   PrivilegedPort                    → EACCES
//   PolicyDenied                      → EPERM
//   InvalidRequest                    → EINVAL
//   UnknownConnection                 → ENOTCONN
//   ResourceExhausted                 → ENOBUFS
//   KeyExchangeFailed, IntegrityFailure, Reset → ECONNRESET (an error, never a clean EOF)
//   Aborted                           → ECONNABORTED
//   TundUnavailable                   → ENETDOWN
int to_errno(ConnError e);

// Short lower-case name for logs and `tcpcrypt status`.
const char* conn_error_name(ConnError e);

}  // namespace proto::control
