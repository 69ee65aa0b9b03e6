// `tcpcrypt status [--control PATH] [--json]`: lists tund's connections and listeners, one
// status line each (status_format.h) or, with --json, one JSON object. Returns the exit
// status: 0, or 1 after a message on `err` when tund is unreachable or answers badly.
#pragma once

#include <iosfwd>
#include <string>

namespace tcpcrypt_cli {

int run_status(const std::string& control_path, bool json, std::ostream& out, std::ostream& err);

}  // namespace tcpcrypt_cli
