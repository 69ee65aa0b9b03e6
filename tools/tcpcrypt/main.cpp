// `tcpcrypt` CLI: one subcommand per task; each lives in its own file.
#include <CLI/CLI.hpp>

#include "tools/tcpcrypt/subcommands.h"

int main(int argc, char** argv) {
  CLI::App app{"tcpcrypt: TCP-ENO/tcpcrypt tool"};
  app.set_version_flag("--version", "tcpcrypt 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  register_vectors_command(app, exit_code);
  register_demo_command(app, exit_code);
  register_nc_command(app, exit_code);
  register_status_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
