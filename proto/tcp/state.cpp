#include "proto/tcp/state.h"

namespace proto::tcp {

const char* state_name(State s) {
  switch (s) {
    case State::Closed: return "CLOSED";
    case State::Listen: return "LISTEN";
    case State::SynSent: return "SYN-SENT";
    case State::SynReceived: return "SYN-RECEIVED";
    case State::Established: return "ESTABLISHED";
    case State::FinWait1: return "FIN-WAIT-1";
    case State::FinWait2: return "FIN-WAIT-2";
    case State::CloseWait: return "CLOSE-WAIT";
    case State::Closing: return "CLOSING";
    case State::LastAck: return "LAST-ACK";
    case State::TimeWait: return "TIME-WAIT";
  }
  return "?";
}

const char* close_reason_name(CloseReason r) {
  switch (r) {
    case CloseReason::Normal: return "normal";
    case CloseReason::Reset: return "reset";
    case CloseReason::Refused: return "refused";
    case CloseReason::TimedOut: return "timed out";
    case CloseReason::Aborted: return "aborted";
  }
  return "?";
}

}  // namespace proto::tcp
