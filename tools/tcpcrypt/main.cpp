// `tcpcrypt` CLI: one subcommand per task; each lives in its own file.
#include <CLI/CLI.hpp>

#include "tools/tcpcrypt/nc.h"

int main(int argc, char** argv) {
  CLI::App app{"tcpcrypt: TCP-ENO/tcpcrypt tool"};
  app.set_version_flag("--version", "tcpcrypt 0.1.0");
  tcpcrypt_cli::register_nc(app);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
