// Settings, events and counters of a TCP-ENO + tcpcrypt connection (proto/tcpinc).
#pragma once

#include <cstdint>
#include <optional>

#include "proto/common/result.h"
#include "proto/common/time.h"
#include "proto/control/conn_error.h"
#include "proto/tcp/connection.h"
#include "proto/tcpcrypt/session.h"
#include "proto/tcpcrypt/tep_policy.h"

namespace proto::tcpinc {

using namespace std::chrono_literals;

enum class Mode : uint8_t {
  Opportunistic,  // encrypt when the peer does TCP-ENO + tcpcrypt, plain TCP otherwise
  Required,       // abort (RST, EncryptionRequired) unless encrypted; no app byte leaves
  Off,            // plain TCP, no ENO option in any segment
};
const char* mode_name(Mode m);

struct Config {
  tcp::Config tcp;  // its isn_secret is borrowed only during the factory call
  Mode mode = Mode::Opportunistic;
  // TEPs (most preferred first, TC-45), resumption knobs (TC-15, TC-27).
  tcpcrypt::PolicyConfig policy;
  // AEADs: advertised order as A, preference as B (TC-8, TC-46); frame size; no_caching.
  tcpcrypt::SessionConfig session;
  // RFC 8547 §10 (ENO-28), RFC 8548 §8 (TC-49): false until the RNG is seeded; no ENO
  // option is sent while false (tund passes crypto::system_random_ready()).
  bool randomness_ready = true;
  bool role_b = false;               // active opener: b = 1, for simultaneous open (ENO-4)
  bool app_aware = false;            // local a bit (ENO-5)
  bool app_aware_mandatory = false;  // fall back unless the peer sent a = 1 (ENO-5)
  // Application bytes held before the outcome is known and before keys exist (the
  // back-pressure bound of on_app_data()); also bounds ciphertext waiting for TCP.
  size_t pending_limit = 256 * 1024;
  // Key update by policy (RFC 8548 §3.8): after this many application bytes sent under one
  // key (0: never), and/or after this much time under one key (0: never).
  uint64_t rekey_after_bytes = 0;
  Duration rekey_interval{0};
  // Init1/Init2 must complete within this time after the TCP handshake (ETIMEDOUT).
  Duration handshake_timeout = 30s;
};

struct Event {
  using Kind = tcp::Event::Kind;
  // Connected: usable by the application (plain after a fallback, or keys established).
  // Readable / Writable / PeerFin: as tcp::Event (PeerFin = authenticated FINp when
  // encrypted, TC-32). Closed: last event; `error` set when this layer aborted.
  Kind kind;
  tcp::CloseReason reason = tcp::CloseReason::Normal;  // Closed only
  std::optional<Errc> error;                           // Closed only
  friend bool operator==(const Event&, const Event&) = default;
};

// Why a connection ended, in the one vocabulary tund, shim and tools share (errno via
// control::to_errno()): nullopt for a clean close; EnoRequired (ECONNREFUSED) for
// EncryptionRequired, HandshakeTimeout (ETIMEDOUT), IntegrityFailure for frame
// authentication / FIN without FINp / bytes after FINp, KeyExchangeFailed for every other
// tcpinc error (all ECONNRESET: distinct from EOF, TC-47); else from the TCP close reason.
std::optional<control::ConnError> conn_error(const Event& closed);

struct Stats {
  uint64_t app_bytes_sent = 0;      // taken from the application and sent encrypted
  uint64_t app_bytes_received = 0;  // decrypted and delivered
  uint64_t rekeys_initiated = 0;    // request_rekey() or policy (TC-39)
};

}  // namespace proto::tcpinc
