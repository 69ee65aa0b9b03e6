// `tcpcrypt nc`: a netcat over tund. Connect mode copies stdin → connection and connection →
// stdout, half-closes (shutdown SHUT_WR) at stdin EOF and ends at the connection's EOF.
// Listen mode accepts one connection (or, with keep, one after another) and prints each peer
// address and its encryption status on the log stream. With print_security, each established
// connection also prints one line `security <security_fields()>` (status_format.h) on the log
// stream. Failures print the errno text and return a non-zero exit status.
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
  uint16_t local_port = 0;  // connect: explicit local port (0: tund chooses), e.g. for a
                            // simultaneous open with --role-b on one side
  bool print_security = false;  // print `security encrypted=.. tep=.. ...` once established
  proto::control::EnoOptions eno;  // sent with Connect and Listen (eno_args.h)
};

// Runs nc with the given descriptors for stdin/stdout; returns the exit status.
int run_nc(const NcOptions& options, int in_fd, int out_fd, std::ostream& log);

}  // namespace tcpcrypt_cli
