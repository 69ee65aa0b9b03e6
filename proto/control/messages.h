// Control protocol between tund and its clients (the shim, `tcpcrypt nc`, `tcpcrypt status`):
// the message values. Wire form: codec.h; streaming decoder: decoder.h.
//
// Transport: an AF_UNIX stream socket (default /run/tcpcrypt/control.sock). Every message is
//   header (14 bytes, big-endian):  magic "TC" (0x5443) | version u8 | type u8 |
//                                   flags u16 | request_id u32 | body_len u32
//   body (body_len bytes, fixed layout per type, see codec.cpp)
// Flag kFlagFd says one file descriptor travels beside this message (SCM_RIGHTS, sent with
// the message's first byte); only types for which may_carry_fd() is true may set it.
// Requests carry a client-chosen request_id; the reply repeats it. Asynchronous messages
// (ConnectResult, Accepted) repeat the id of the Connect/Listen they belong to.
//
// Request → reply pairs (tund answers synchronously, shim.md §3.3 step 2):
//   Hello → HelloReply; Connect → ConnectReply (+ carrier fd on success);
//   Listen → ListenReply (+ listener carrier fd if asked for); Unlisten/Shutdown/Abort → OpReply;
//   StatusQuery → StatusReply. Any request tund cannot decode → Error, then tund disconnects.
// Asynchronous, tund → client: ConnectResult (once per successful Connect: established or
// failed), Accepted (per connection on a listener without listener carrier, + its carrier fd).
//
// Plain values; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/control/conn_error.h"
#include "proto/ip/address.h"

namespace proto::control {

inline constexpr uint16_t kMagic = 0x5443;  // "TC"
inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kHeaderLen = 14;
inline constexpr size_t kMaxMessageLen = 64 * 1024;  // header + body; a local limit
inline constexpr uint16_t kFlagFd = 0x0001;
inline constexpr size_t kMaxTeps = 32;          // api.md §9.2 TCP_ENO_TEPS: 1–32 bytes
inline constexpr size_t kMaxAeads = 16;
inline constexpr size_t kMaxSessionId = 64;     // TCPINC_SESSID_MAX, api.md §9.5
inline constexpr size_t kMaxTAddresses = 64;
inline constexpr size_t kMaxDetail = 255;
inline constexpr uint8_t kMaxGopt = 31;         // RFC 8547 §4.1: 5 bits of global suboption

// Default (requests only): tund's configured mode; ConnectionStatus reports the effective one.
enum class Mode : uint8_t { Off = 0, Opportunistic = 1, Required = 2, Default = 3 };
enum class Role : uint8_t { A = 0, B = 1, Unknown = 2 };
enum class ShutdownHow : uint8_t { Read = 0, Write = 1, Both = 2 };
enum class ConnState : uint8_t {
  Connecting = 0, Listening = 1, Established = 2, Closing = 3, Closed = 4, Aborted = 5
};
// What went wrong with a client's bytes (Error message). Not a connection error.
enum class Fault : uint8_t {
  Malformed = 1,           // undecodable message
  UnsupportedVersion = 2,  // header version ≠ kVersion, or no common Hello version
  TooLarge = 3,            // body_len over the receiver's limit
  UnexpectedMessage = 4,   // a reply/async type sent as a request
  FdMismatch = 5,          // kFlagFd without an fd, or an fd without kFlagFd
};

// ENO/tcpcrypt wishes of one socket (api.md §3, §4, §9.2). The codec checks form
// (ranges, duplicates); whether tund implements a TEP/AEAD is tund's decision.
struct EnoOptions {
  Mode mode = Mode::Default;
  bool passive_role = false;         // b bit of TCP_ENO_SELF_GOPT (simultaneous open)
  bool app_aware = false;            // a bit
  bool app_aware_mandatory = false;  // TCP_ENO_AA_MANDATORY
  bool no_resumption = false;        // TCP_CRYPT_CACHE_POLICY 0x1
  bool no_cache = false;             // TCP_CRYPT_CACHE_POLICY 0x2
  Bytes teps;  // 0x20–0x7f (senders strip the v bit, api.md §9.2), increasing preference;
               // empty = tund default (mode Off disables ENO)
  std::vector<uint16_t> aeads_offer;   // TCP_CRYPT_ACONF; empty = tund default
  std::vector<uint16_t> aeads_prefer;  // TCP_CRYPT_BCONF, increasing preference
  friend bool operator==(const EnoOptions&, const EnoOptions&) = default;
};

// Outcome of ENO on a connection (TCP_ENO_* read-only options, api.md §3).
// Not encrypted ⇒ tep, aead and session_id are zero/empty.
struct SecurityInfo {
  bool encrypted = false;
  Role role = Role::Unknown;
  uint8_t tep = 0;      // TCP_ENO_NEGTEP (bit 7 = v bit)
  uint16_t aead = 0;    // RFC 8548 Table 5 id
  uint8_t self_gopt = 0;
  uint8_t peer_gopt = 0;
  Bytes session_id;     // 1..kMaxSessionId bytes when encrypted
  friend bool operator==(const SecurityInfo&, const SecurityInfo&) = default;
};

struct Counters {
  uint64_t bytes_sent = 0, bytes_received = 0;
  uint64_t segments_sent = 0, segments_received = 0, retransmits = 0;
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct ConnectionStatus {
  uint64_t token = 0;
  ConnState state = ConnState::Connecting;
  ip::Endpoint local, remote;    // remote is unspecified for listeners
  Mode mode = Mode::Opportunistic;
  SecurityInfo security;
  std::optional<ConnError> error;  // why it failed/aborted
  uint32_t owner_pid = 0, owner_uid = 0;
  Counters counters;
  friend bool operator==(const ConnectionStatus&, const ConnectionStatus&) = default;
};

// --- messages (the variant order defines the wire type codes: index + 1) ---
struct Hello {
  uint8_t min_version = kVersion, max_version = kVersion;
  friend bool operator==(const Hello&, const Hello&) = default;
};
struct HelloReply {
  uint8_t version = kVersion;
  uint16_t ephemeral_first = 0, ephemeral_last = 0;  // tund's reserved port range
  std::vector<ip::IpAddress> t_addresses;             // addresses tund serves (shim.md §1)
  friend bool operator==(const HelloReply&, const HelloReply&) = default;
};
struct Connect {  // fd beside it (optional): the app's bound fresh socket (shim.md §3.3.4)
  ip::Endpoint destination;
  std::optional<ip::Endpoint> local;  // the fresh socket's bound address, if any
  EnoOptions options;
  bool nonblocking = false;
  friend bool operator==(const Connect&, const Connect&) = default;
};
struct ConnectReply {  // on success the client carrier travels beside it
  std::optional<ConnError> error;  // nullopt = accepted; then local and token are set
  ip::Endpoint local;
  uint64_t token = 0;
  friend bool operator==(const ConnectReply&, const ConnectReply&) = default;
};
struct ConnectResult {  // async: the connection is established or failed
  uint64_t token = 0;
  std::optional<ConnError> error;
  SecurityInfo security;
  friend bool operator==(const ConnectResult&, const ConnectResult&) = default;
};
struct Listen {  // fd beside it (optional): the bound placeholder socket (shim.md §3.6)
  ip::Endpoint local;  // port 0 = tund picks
  uint32_t backlog = 0;
  EnoOptions options;
  bool listener_carrier = false;  // true: reply with a listening AF_UNIX socket (shim);
                                  // false: each connection arrives as Accepted (tools)
  friend bool operator==(const Listen&, const Listen&) = default;
};
struct ListenReply {  // + listener carrier fd when asked for and successful
  std::optional<ConnError> error;
  ip::Endpoint local;
  uint64_t listener = 0;
  friend bool operator==(const ListenReply&, const ListenReply&) = default;
};
struct Unlisten {
  uint64_t listener = 0;
  friend bool operator==(const Unlisten&, const Unlisten&) = default;
};
struct Accepted {  // async, + the connection's carrier fd
  uint64_t listener = 0;
  uint64_t token = 0;
  ip::Endpoint peer, local;
  SecurityInfo security;
  friend bool operator==(const Accepted&, const Accepted&) = default;
};
struct Shutdown {
  uint64_t token = 0;
  ShutdownHow how = ShutdownHow::Write;
  friend bool operator==(const Shutdown&, const Shutdown&) = default;
};
struct Abort {
  uint64_t token = 0;
  friend bool operator==(const Abort&, const Abort&) = default;
};
struct OpReply {
  std::optional<ConnError> error;
  friend bool operator==(const OpReply&, const OpReply&) = default;
};
struct StatusQuery {
  uint64_t cursor = 0;  // first token to list; 0 = from the start
  friend bool operator==(const StatusQuery&, const StatusQuery&) = default;
};
struct StatusReply {
  uint64_t next_cursor = 0;  // 0 = complete; else ask again with this cursor
  std::vector<ConnectionStatus> connections;
  friend bool operator==(const StatusReply&, const StatusReply&) = default;
};
struct Error {
  Fault fault = Fault::Malformed;
  std::string detail;  // at most kMaxDetail bytes
  friend bool operator==(const Error&, const Error&) = default;
};

using Body = std::variant<Hello, HelloReply, Connect, ConnectReply, ConnectResult, Listen,
                          ListenReply, Unlisten, Accepted, Shutdown, Abort, OpReply, StatusQuery,
                          StatusReply, Error>;

enum class MessageType : uint8_t {
  Hello = 1, HelloReply, Connect, ConnectReply, ConnectResult, Listen, ListenReply, Unlisten,
  Accepted, Shutdown, Abort, OpReply, StatusQuery, StatusReply, Error
};
inline constexpr uint8_t kMessageTypeMax = uint8_t(MessageType::Error);
static_assert(std::variant_size_v<Body> == kMessageTypeMax);

struct Frame {
  uint32_t request_id = 0;
  bool carries_fd = false;
  Body body;
  friend bool operator==(const Frame&, const Frame&) = default;
};

inline MessageType type_of(const Body& b) { return MessageType(b.index() + 1); }
bool may_carry_fd(MessageType t);
const char* message_type_name(MessageType t);
const char* fault_name(Fault f);

}  // namespace proto::control
