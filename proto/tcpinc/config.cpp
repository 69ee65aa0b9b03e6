#include "proto/tcpinc/config.h"

#include <cerrno>

namespace proto::tcpinc {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Opportunistic: return "opportunistic";
    case Mode::Required: return "required";
    case Mode::Off: return "off";
  }
  return "unknown";
}

int close_errno(const Event& closed) {
  if (!closed.error) return tcp::close_reason_errno(closed.reason);
  switch (*closed.error) {
    case Errc::EncryptionRequired: return ECONNREFUSED;
    case Errc::HandshakeTimeout: return ETIMEDOUT;
    default: return ECONNRESET;
  }
}

}  // namespace proto::tcpinc
