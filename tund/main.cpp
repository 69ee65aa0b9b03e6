// tund entry point. The packet path (TUN device, routing, control socket) is not built
// yet: tund refuses to start rather than pretend to carry connections.
#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"tund: TCP-ENO/tcpcrypt daemon (RFC 8547, RFC 8548)"};
  app.set_version_flag("--version", "tund 0.1.0");
  CLI11_PARSE(app, argc, argv);
  std::fprintf(stderr, "tund: the packet path is not implemented yet; see README status\n");
  return 2;
}
