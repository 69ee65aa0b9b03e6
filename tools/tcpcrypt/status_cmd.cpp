#include "tools/tcpcrypt/status_cmd.h"

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>

#include "tools/control_client/control_client.h"
#include "tools/tcpcrypt/status_format.h"
#include "tools/tcpcrypt/subcommands.h"

namespace tcpcrypt_cli {

namespace {
constexpr control_client::Timeout kRequestTimeout{10'000};
}  // namespace

int run_status(const std::string& control_path, bool json, std::ostream& out, std::ostream& err) {
  auto client = control_client::ControlClient::open(control_path, kRequestTimeout);
  if (!client) {
    err << "tcpcrypt status: tund control socket " << control_path << ": "
        << std::strerror(client.error()) << "\n";
    return 1;
  }
  // status() follows next_cursor; it fails on a cursor that does not advance and bounds
  // the number of pages.
  auto list = client->status();
  if (!list) {
    err << "tcpcrypt status: " << std::strerror(list.error()) << "\n";
    return 1;
  }
  if (json) {
    out << status_json(*list).dump() << "\n";
  } else {
    for (const auto& s : *list) out << format_status_line(s) << "\n";
  }
  return out ? 0 : 1;
}

}  // namespace tcpcrypt_cli

void register_status_command(CLI::App& app, int& exit_code) {
  auto control = std::make_shared<std::string>("/run/tcpcrypt/control.sock");
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("status", "list tund's connections and their encryption");
  cmd->add_option("--control", *control, "tund control socket")->capture_default_str();
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([control, json, &exit_code] {
    exit_code = tcpcrypt_cli::run_status(*control, *json, std::cout, std::cerr);
  });
}
