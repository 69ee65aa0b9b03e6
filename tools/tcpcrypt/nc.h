// `tcpcrypt nc`: a netcat over tund. Connect mode copies stdin → connection and connection →
// stdout, half-closes (shutdown SHUT_WR) at stdin EOF and ends at the connection's EOF.
// Listen mode accepts one connection (or, with keep, one after another) and prints each peer
// address and its encryption status on the log stream. Failures print the errno text and
// return a non-zero exit status.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "proto/control/messages.h"

namespace tcpcrypt_cli {

struct NcOptions {
  std::string control_path = "/run/tcpcrypt/control.sock";
  bool listen = false;
  bool keep = false;     // -k: accept again after each connection ends
  bool verbose = false;  // connect mode: print the connection status too
  std::string host;      // connect: name or address; listen: local address (empty = 0.0.0.0)
  uint16_t port = 0;
  proto::control::Mode mode = proto::control::Mode::Opportunistic;
};

// Runs nc with the given descriptors for stdin/stdout; returns the exit status.
int run_nc(const NcOptions& options, int in_fd, int out_fd, std::ostream& log);

}  // namespace tcpcrypt_cli
