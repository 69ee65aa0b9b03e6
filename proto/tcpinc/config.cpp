#include "proto/tcpinc/config.h"

namespace proto::tcpinc {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Opportunistic: return "opportunistic";
    case Mode::Required: return "required";
    case Mode::Off: return "off";
  }
  return "unknown";
}

std::optional<control::ConnError> conn_error(const Event& closed) {
  using control::ConnError;
  if (closed.error) {
    switch (*closed.error) {
      case Errc::EncryptionRequired: return ConnError::EnoRequired;
      case Errc::HandshakeTimeout: return ConnError::HandshakeTimeout;
      case Errc::AuthFailed:
      case Errc::FinWithoutFinp:
      case Errc::DataAfterFinp: return ConnError::IntegrityFailure;
      default: return ConnError::KeyExchangeFailed;
    }
  }
  switch (closed.reason) {
    case tcp::CloseReason::Normal: return std::nullopt;
    case tcp::CloseReason::Reset: return ConnError::Reset;
    case tcp::CloseReason::Refused: return ConnError::Refused;
    case tcp::CloseReason::TimedOut: return ConnError::TimedOut;
    case tcp::CloseReason::Aborted: return ConnError::Aborted;
  }
  return ConnError::Aborted;
}

}  // namespace proto::tcpinc
