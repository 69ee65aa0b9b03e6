// RFC 9293 §3.3.2 connection states, and why a connection ended.
#pragma once

#include <cstdint>

namespace proto::tcp {

enum class State : uint8_t {
  Closed,
  Listen,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
};

// The RFC's spelling: "SYN-SENT", "TIME-WAIT", ...
const char* state_name(State s);

// RFC 9293 §3.3.2: "synchronized" states are those after the handshake's SYNs were
// exchanged (SYN-RECEIVED included for segment processing purposes).
inline bool is_synchronized(State s) {
  return s != State::Closed && s != State::Listen && s != State::SynSent;
}

enum class CloseReason : uint8_t {
  Normal,    // both FINs exchanged and acknowledged (or closed before any SYN was sent)
  Reset,     // the peer reset the connection (ECONNRESET)
  Refused,   // RST answered our SYN (ECONNREFUSED)
  TimedOut,  // retransmissions or keepalive probes went unanswered (ETIMEDOUT)
  Aborted,   // the local application aborted (RST sent)
};

const char* close_reason_name(CloseReason r);

}  // namespace proto::tcp
