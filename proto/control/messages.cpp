#include "proto/control/messages.h"

namespace proto::control {

bool may_carry_fd(MessageType t) {
  switch (t) {
    case MessageType::Connect:       // the app's bound fresh socket (placeholder)
    case MessageType::Listen:        // the app's bound fresh socket (placeholder)
    case MessageType::ConnectReply:  // client carrier
    case MessageType::ListenReply:   // listener carrier
    case MessageType::Accepted:      // accepted connection's carrier
      return true;
    default:
      return false;
  }
}

const char* message_type_name(MessageType t) {
  switch (t) {
    case MessageType::Hello: return "Hello";
    case MessageType::HelloReply: return "HelloReply";
    case MessageType::Connect: return "Connect";
    case MessageType::ConnectReply: return "ConnectReply";
    case MessageType::ConnectResult: return "ConnectResult";
    case MessageType::Listen: return "Listen";
    case MessageType::ListenReply: return "ListenReply";
    case MessageType::Unlisten: return "Unlisten";
    case MessageType::Accepted: return "Accepted";
    case MessageType::Shutdown: return "Shutdown";
    case MessageType::Abort: return "Abort";
    case MessageType::OpReply: return "OpReply";
    case MessageType::StatusQuery: return "StatusQuery";
    case MessageType::StatusReply: return "StatusReply";
    case MessageType::Error: return "Error";
  }
  return "unknown";
}

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::Malformed: return "malformed message";
    case Fault::UnsupportedVersion: return "unsupported version";
    case Fault::TooLarge: return "message too large";
    case Fault::UnexpectedMessage: return "unexpected message";
    case Fault::FdMismatch: return "file descriptor mismatch";
  }
  return "unknown";
}

}  // namespace proto::control
