// `tcpcrypt vectors emit DIR` and `tcpcrypt vectors verify [-v] FILE...`.
#include <iostream>

#include "tools/tcpcrypt/subcommands.h"
#include "tools/tcpcrypt/vectors/emit.h"
#include "tools/tcpcrypt/vectors/verify.h"

void register_vectors_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("vectors", "write or check test vectors (spec/vectors.md format)");
  cmd->require_subcommand(1);
  auto* emit = cmd->add_subcommand("emit", "write the deterministic vector set into DIR");
  static std::string dir;
  emit->add_option("DIR", dir, "output directory")->required();
  emit->callback([&exit_code] { exit_code = vectors::emit_vector_set(dir); });
  auto* verify = cmd->add_subcommand("verify", "recompute every output and report per field");
  static std::vector<std::string> files;
  static bool verbose = false;
  verify->add_option("FILE", files, "vector files")->required();
  verify->add_flag("-v,--verbose", verbose, "also list the fields that pass");
  verify->callback([&exit_code] { exit_code = vectors::verify_files(files, std::cout, verbose); });
}
