#include "tools/tcpcrypt/nc.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>

#include "tools/control_client/control_client.h"
#include "tools/tcpcrypt/eno_args.h"
#include "tools/tcpcrypt/status_format.h"
#include "tools/tcpcrypt/subcommands.h"

namespace tcpcrypt_cli {
namespace {

namespace pc = proto::control;
using control_client::ControlClient;
using proto::ip::Endpoint;
using proto::ip::IpAddress;

constexpr control_client::Timeout kRequestTimeout{10'000};

int fail(std::ostream& log, const std::string& what, int err) {
  log << "tcpcrypt nc: " << what << ": " << std::strerror(err) << "\n";
  return 1;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == ENOTSOCK) w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

// The shim's step 8 (shim.md §3.3): the gate left the carrier's send buffer at its minimum.
constexpr int kCarrierSndBuf = 256 * 1024;

// tund closes an aborted connection's carrier, which reads as EOF unless tund had unread
// bytes; its status list says whether the end was a reset (conn_table.h).
int end_status(ControlClient& client, uint64_t token, std::ostream& log) {
  auto list = client.status();
  if (!list) return 0;
  for (const auto& s : *list)
    if (s.token == token && s.error) return fail(log, "connection", pc::to_errno(*s.error));
  return 0;
}

// Copies in → conn and conn → out until both directions are done: stdin EOF half-closes the
// connection, and the connection's EOF stops the other direction only (a peer that closes
// its side first still receives everything).
constexpr int kEof = -1;         // relay() ended at the connection's EOF
constexpr int kConnFailed = -2;  // a read or write on the carrier failed (errno in conn_errno)

int relay(int conn, int in_fd, int out_fd, int& conn_errno, std::ostream& log) {
  bool in_open = true, conn_open = true;
  uint8_t buf[16 * 1024];
  for (;;) {
    if (!conn_open && !in_open) return kEof;
    pollfd p[2] = {{conn_open ? conn : -1, POLLIN, 0}, {in_open ? in_fd : -1, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log << "tcpcrypt nc: poll: " << std::strerror(errno) << "\n";
      return 1;
    }
    if (p[0].revents) {
      ssize_t n = ::read(conn, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        conn_errno = errno;
        return kConnFailed;
      }
      if (n == 0) {
        conn_open = false;
        continue;
      }
      if (!write_all(out_fd, buf, size_t(n))) {
        log << "tcpcrypt nc: output: " << std::strerror(errno) << "\n";
        return 1;
      }
    }
    if (in_open && p[1].revents) {
      ssize_t n = ::read(in_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        in_open = false;
        ::shutdown(conn, SHUT_WR);
      } else if (!write_all(conn, buf, size_t(n))) {
        conn_errno = errno;
        return kConnFailed;
      }
    }
  }
}

// Relays, then reports how the connection ended. tund closes an aborted connection's carrier
// at once, so a write racing with the abort fails with EPIPE: the error tund recorded (e.g.
// ECONNRESET for an integrity failure) is the one to report, the carrier's only without it.
int relay_and_report(ControlClient& client, uint64_t token, int conn, int in_fd, int out_fd,
                     std::ostream& log) {
  int conn_errno = 0;
  const int status = relay(conn, in_fd, out_fd, conn_errno, log);
  if (status != kEof && status != kConnFailed) return status;
  const int recorded = end_status(client, token, log);
  if (recorded != 0 || status == kEof) return recorded;
  return fail(log, "connection", conn_errno);
}

std::string describe(const pc::SecurityInfo& s) {
  if (!s.encrypted) return "not encrypted";
  char head[96];
  std::snprintf(head, sizeof head, "encrypted (TEP 0x%02x, AEAD 0x%04x, role %s, session ID ",
                s.tep, s.aead, s.role == pc::Role::A ? "A" : s.role == pc::Role::B ? "B" : "?");
  return head + proto::to_hex(s.session_id) + ")";
}

void print_security(const NcOptions& o, const pc::SecurityInfo& s, std::ostream& log) {
  if (o.print_security) log << "security " << security_fields(s) << "\n";
}

std::optional<IpAddress> resolve(const std::string& host, std::ostream& log) {
  if (auto a = IpAddress::parse(host)) return a;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    log << "tcpcrypt nc: " << host << ": " << ::gai_strerror(rc) << "\n";
    return std::nullopt;
  }
  std::optional<IpAddress> out;
  if (res->ai_family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(res->ai_addr);
    out = IpAddress::from_bytes(
        proto::ByteView(reinterpret_cast<const uint8_t*>(&sin->sin_addr), IpAddress::kV4Len));
  } else if (res->ai_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(res->ai_addr);
    out = IpAddress::from_bytes(
        proto::ByteView(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr), IpAddress::kV6Len));
  }
  ::freeaddrinfo(res);
  if (!out) log << "tcpcrypt nc: " << host << ": no IPv4 or IPv6 address\n";
  return out;
}

int run_connect(ControlClient& client, const NcOptions& o, int in_fd, int out_fd,
                std::ostream& log) {
  auto addr = resolve(o.host, log);
  if (!addr) return 1;
  pc::Connect req;
  req.destination = Endpoint{*addr, o.port};
  req.options = o.eno;
  if (o.local_port != 0)
    req.local = Endpoint{*IpAddress::parse(addr->is_v4() ? "0.0.0.0" : "::"), o.local_port};
  const std::string target = req.destination.to_string();
  auto conn = client.connect(req);
  if (!conn) return fail(log, target, conn.error());
  auto result = client.wait_connect_result(conn->token, control_client::kForever);
  if (!result) return fail(log, target, result.error());
  if (result->error) return fail(log, target, pc::to_errno(*result->error));
  if (o.verbose)
    log << "tcpcrypt nc: connected to " << target << " from " << conn->local.to_string() << ", "
        << describe(result->security) << "\n";
  print_security(o, result->security, log);
  ::setsockopt(conn->carrier.get(), SOL_SOCKET, SO_SNDBUF, &kCarrierSndBuf, sizeof kCarrierSndBuf);
  return relay_and_report(client, conn->token, conn->carrier.get(), in_fd, out_fd, log);
}

int run_listen(ControlClient& client, const NcOptions& o, int in_fd, int out_fd,
               std::ostream& log) {
  pc::Listen req;
  if (!o.host.empty()) {
    auto addr = IpAddress::parse(o.host);
    if (!addr) return fail(log, o.host, EINVAL);
    req.local.addr = *addr;
  }
  req.local.port = o.port;
  req.backlog = 16;
  req.options = o.eno;
  auto handle = client.listen(req);
  if (!handle) return fail(log, "listen on " + req.local.to_string(), handle.error());
  log << "tcpcrypt nc: listening on " << handle->local.to_string() << "\n";
  int status = 0;
  do {
    auto in = client.accept(handle->listener, control_client::kForever);
    if (!in) return fail(log, "accept", in.error());
    log << "tcpcrypt nc: connection from " << in->info.peer.to_string() << " to "
        << in->info.local.to_string() << ", " << describe(in->info.security) << "\n";
    print_security(o, in->info.security, log);
    status = relay_and_report(client, in->info.token, in->carrier.get(), in_fd, out_fd, log);
  } while (o.keep);
  return status;
}

}  // namespace

int run_nc(const NcOptions& o, int in_fd, int out_fd, std::ostream& log) {
  auto client = ControlClient::open(o.control_path, kRequestTimeout);
  if (!client) return fail(log, "tund control socket " + o.control_path, client.error());
  return o.listen ? run_listen(*client, o, in_fd, out_fd, log)
                  : run_connect(*client, o, in_fd, out_fd, log);
}

}  // namespace tcpcrypt_cli

void register_nc_command(CLI::App& app, int& exit_code) {
  using namespace tcpcrypt_cli;
  auto opts = std::make_shared<NcOptions>();
  auto args = std::make_shared<std::vector<std::string>>();
  auto eno = std::make_shared<EnoArgs>();
  CLI::App* nc = app.add_subcommand("nc", "netcat through tund: nc HOST PORT | nc -l [ADDR] PORT");
  nc->add_option("--control", opts->control_path, "tund control socket")->capture_default_str();
  nc->add_flag("-l,--listen", opts->listen, "listen for a connection");
  nc->add_flag("-k,--keep-open", opts->keep, "with -l: accept connections one after another");
  nc->add_option("--local-port", opts->local_port, "connect from this local port");
  nc->add_flag("-v,--verbose", opts->verbose, "print the connection's encryption status");
  nc->add_flag("--print-security", opts->print_security,
               "print `security encrypted=0|1 tep=.. aead=.. role=.. sid=..` once connected");
  add_eno_options(*nc, *eno);
  nc->add_option("args", *args, "HOST PORT, or with -l: [ADDR] PORT")->required()->expected(1, 2);
  nc->callback([opts, args, eno, &exit_code] {
    bool two = args->size() == 2;
    if (!opts->listen && !two) throw CLI::ValidationError("nc", "connect needs HOST and PORT");
    opts->host = two ? (*args)[0] : "";
    int port = 0;
    try {
      port = std::stoi(args->back());
    } catch (const std::exception&) {
      port = -1;
    }
    if (opts->listen && opts->local_port != 0) throw CLI::ValidationError("nc", "--local-port is for connect");
    if (port < 0 || port > 65535 || (!opts->listen && port == 0))
      throw CLI::ValidationError("nc", "bad port " + args->back());
    opts->port = uint16_t(port);
    auto options = to_eno_options(*eno);
    if (!options) throw CLI::ValidationError("nc", options.error());
    opts->eno = *options;
    std::signal(SIGPIPE, SIG_IGN);
    exit_code = run_nc(*opts, STDIN_FILENO, STDOUT_FILENO, std::cerr);
  });
}
