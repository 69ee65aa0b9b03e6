// Registration of the `tcpcrypt` subcommands; each lives in its own file and sets
// exit_code from its callback.
#pragma once

#include <CLI/CLI.hpp>

void register_vectors_command(CLI::App& app, int& exit_code);
void register_demo_command(CLI::App& app, int& exit_code);
void register_nc_command(CLI::App& app, int& exit_code);      // nc.cpp
void register_status_command(CLI::App& app, int& exit_code);  // status_cmd.cpp
