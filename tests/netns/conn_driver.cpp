// Netns test and benchmark driver for connections through tund (tests/netns/conn_*_test.sh,
// tools/bench-netns). Runs inside "host A".
//
//   conn_driver many CTL|kernel HOST PORT N BYTES
//       opens N connections at once (through tund's control socket CTL, or plain kernel
//       sockets with "kernel"), waits until all are connected, sends BYTES seeded bytes on
//       each, half-closes, reads the echo to EOF and compares. Prints
//       "ok N connections, connected in S s (R conn/s), echoed in T s"; exit 1 on any error.
//   conn_driver seq CTL|kernel HOST PORT N BYTES [TEP fresh|resume|off]
//       opens N connections one after another, each: connect, send BYTES, half-close, read
//       the echo to EOF, close. TEP (e.g. 0x23) is the only TEP offered, "fresh" asks for
//       no resumption (TCP_CRYPT_CACHE_POLICY), "off" ENO mode off (plain TCP). Prints "ok N sequential connections in S s
//       (R conn/s), E encrypted, connect C ms, echo T ms" (C, T: mean per connection).
//   conn_driver echo-listen CTL PORT
//       tund listener that echoes each connection to its EOF, one after another, forever.
//   conn_driver halfclose-listen CTL PORT
//       tund listener: accepts one connection, reads to the peer's EOF (FIN), then sends
//       "got N bytes\n" and closes: tund still delivers after the peer's half-close.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "tools/control_client/control_client.h"

namespace {

namespace pc = proto::control;
using control_client::ControlClient;
using Clock = std::chrono::steady_clock;
using tund::control::UniqueFd;

constexpr control_client::Timeout kTimeout{30'000};
constexpr int kSndBuf = 256 * 1024;  // the shim's step 8 after the gate (shim.md §3.3)

int die(const std::string& what, int err) {
  std::fprintf(stderr, "conn_driver: %s: %s\n", what.c_str(), std::strerror(err));
  return 1;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<uint8_t> payload(size_t index, size_t len) {
  std::vector<uint8_t> p(len);
  uint32_t x = uint32_t(index) * 2654435761u + 1;
  for (auto& b : p) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = uint8_t(x);
  }
  return p;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w, n -= size_t(w);
  }
  return true;
}

int kernel_connect(const proto::ip::Endpoint& dst) {
  sockaddr_storage ss{};
  socklen_t len;
  if (dst.addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(dst.port);
    std::memcpy(&sin->sin_addr, dst.addr.bytes().data(), 4);
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(dst.port);
    std::memcpy(&sin6->sin6_addr, dst.addr.bytes().data(), 16);
    len = sizeof *sin6;
  }
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

// Reads every connection to EOF at once; compares with what was sent.
int collect_echoes(std::vector<UniqueFd>& fds, size_t bytes) {
  std::vector<std::vector<uint8_t>> got(fds.size());
  std::vector<bool> done(fds.size(), false);
  size_t left = fds.size();
  std::vector<pollfd> p(fds.size());
  uint8_t buf[16384];
  while (left > 0) {
    for (size_t i = 0; i < fds.size(); ++i) p[i] = {done[i] ? -1 : fds[i].get(), POLLIN, 0};
    int n = ::poll(p.data(), p.size(), 30'000);
    if (n == 0) return die("echo wait", ETIMEDOUT);
    if (n < 0 && errno != EINTR) return die("poll", errno);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!p[i].revents) continue;
      ssize_t r = ::read(fds[i].get(), buf, sizeof buf);
      if (r < 0) return die("read connection " + std::to_string(i), errno);
      if (r == 0) {
        done[i] = true, --left;
        if (got[i] != payload(i, bytes)) return die("echo of connection " + std::to_string(i), EBADMSG);
      } else {
        got[i].insert(got[i].end(), buf, buf + r);
      }
    }
  }
  return 0;
}

int many(const std::string& ctl, const std::string& host, uint16_t port, size_t n, size_t bytes) {
  auto addr = proto::ip::IpAddress::parse(host);
  if (!addr) return die(host, EINVAL);
  const proto::ip::Endpoint dst{*addr, port};
  std::vector<UniqueFd> fds;
  const auto start = Clock::now();
  if (ctl == "kernel") {
    for (size_t i = 0; i < n; ++i) {
      int fd = kernel_connect(dst);
      if (fd < 0) return die("connect " + std::to_string(i), errno);
      fds.emplace_back(fd);
    }
  } else {
    auto client = ControlClient::open(ctl, kTimeout);
    if (!client) return die(ctl, client.error());
    std::vector<uint64_t> tokens;
    for (size_t i = 0; i < n; ++i) {
      pc::Connect req;
      req.destination = dst;
      auto c = client->connect(req);
      if (!c) return die("connect " + std::to_string(i), c.error());
      tokens.push_back(c->token);
      fds.push_back(std::move(c->carrier));
    }
    for (size_t i = 0; i < n; ++i) {
      auto r = client->wait_connect_result(tokens[i], kTimeout);
      if (!r) return die("connect result " + std::to_string(i), r.error());
      if (r->error) return die("connect " + std::to_string(i), pc::to_errno(*r->error));
      ::setsockopt(fds[i].get(), SOL_SOCKET, SO_SNDBUF, &kSndBuf, sizeof kSndBuf);
    }
  }
  const double connected = seconds_since(start);
  const auto echo_start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto p = payload(i, bytes);
    if (!write_all(fds[i].get(), p.data(), p.size())) return die("write " + std::to_string(i), errno);
    ::shutdown(fds[i].get(), SHUT_WR);
  }
  if (int rc = collect_echoes(fds, bytes); rc != 0) return rc;
  std::printf("ok %zu connections, connected in %.3f s (%.0f conn/s), echoed in %.3f s\n", n, connected,
              double(n) / connected, seconds_since(echo_start));
  return 0;
}

// Writes `bytes`, half-closes and reads the echo to EOF.
int echo_once(int fd, size_t index, size_t bytes) {
  auto p = payload(index, bytes);
  if (!write_all(fd, p.data(), p.size())) return die("write " + std::to_string(index), errno);
  ::shutdown(fd, SHUT_WR);
  std::vector<uint8_t> got;
  uint8_t buf[16384];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return die("read " + std::to_string(index), errno);
    if (r == 0) break;
    got.insert(got.end(), buf, buf + r);
  }
  return got == p ? 0 : die("echo of connection " + std::to_string(index), EBADMSG);
}

int sequential(const std::string& ctl, const std::string& host, uint16_t port, size_t n, size_t bytes,
               const std::string& tep, const std::string& policy) {
  auto addr = proto::ip::IpAddress::parse(host);
  if (!addr) return die(host, EINVAL);
  const proto::ip::Endpoint dst{*addr, port};
  std::optional<ControlClient> client;
  if (ctl != "kernel") {
    auto c = ControlClient::open(ctl, kTimeout);
    if (!c) return die(ctl, c.error());
    client.emplace(std::move(*c));
  }
  pc::Connect req;
  req.destination = dst;
  if (!tep.empty()) req.options.teps = {uint8_t(std::stoul(tep, nullptr, 16))};
  req.options.no_resumption = policy == "fresh";
  if (policy == "off") req.options.mode = pc::Mode::Off;
  size_t encrypted = 0;
  double connect_s = 0, echo_s = 0;
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    UniqueFd fd;
    if (!client) {
      int k = kernel_connect(dst);
      if (k < 0) return die("connect " + std::to_string(i), errno);
      fd = UniqueFd(k);
    } else {
      auto c = client->connect(req);
      if (!c) return die("connect " + std::to_string(i), c.error());
      auto r = client->wait_connect_result(c->token, kTimeout);
      if (!r) return die("connect result " + std::to_string(i), r.error());
      if (r->error) return die("connect " + std::to_string(i), pc::to_errno(*r->error));
      encrypted += r->security.encrypted;
      fd = std::move(c->carrier);
    }
    const auto t1 = Clock::now();
    connect_s += std::chrono::duration<double>(t1 - t0).count();
    if (int rc = echo_once(fd.get(), i, bytes); rc != 0) return rc;
    echo_s += seconds_since(t1);
  }
  const double total = seconds_since(start);
  std::printf("ok %zu sequential connections in %.3f s (%.0f conn/s), %zu encrypted, connect %.3f ms, echo %.3f ms\n",
              n, total, double(n) / total, encrypted, 1e3 * connect_s / double(n), 1e3 * echo_s / double(n));
  return 0;
}

int echo_listen(const std::string& ctl, uint16_t port) {
  auto client = ControlClient::open(ctl, kTimeout);
  if (!client) return die(ctl, client.error());
  pc::Listen req;
  req.local.port = port;
  req.backlog = 64;
  auto l = client->listen(req);
  if (!l) return die("listen", l.error());
  std::printf("listening\n");
  std::fflush(stdout);
  uint8_t buf[16384];
  for (;;) {
    auto in = client->accept(l->listener, control_client::kForever);
    if (!in) return die("accept", in.error());
    for (;;) {
      ssize_t r = ::read(in->carrier.get(), buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      if (!write_all(in->carrier.get(), buf, size_t(r))) break;
    }
  }
}

int halfclose_listen(const std::string& ctl, uint16_t port) {
  auto client = ControlClient::open(ctl, kTimeout);
  if (!client) return die(ctl, client.error());
  pc::Listen req;
  req.local.port = port;
  req.backlog = 4;
  auto l = client->listen(req);
  if (!l) return die("listen", l.error());
  std::printf("listening\n");
  std::fflush(stdout);
  auto in = client->accept(l->listener, kTimeout);
  if (!in) return die("accept", in.error());
  size_t total = 0;
  uint8_t buf[4096];
  for (;;) {
    ssize_t r = ::read(in->carrier.get(), buf, sizeof buf);
    if (r < 0) return die("read", errno);
    if (r == 0) break;
    total += size_t(r);
  }
  std::string reply = "got " + std::to_string(total) + " bytes\n";
  if (!write_all(in->carrier.get(), reinterpret_cast<const uint8_t*>(reply.data()), reply.size()))
    return die("write after the peer's FIN", errno);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 6 && a[0] == "many")
    return many(a[1], a[2], uint16_t(std::stoi(a[3])), std::stoul(a[4]), std::stoul(a[5]));
  if ((a.size() == 6 || a.size() == 8) && a[0] == "seq")
    return sequential(a[1], a[2], uint16_t(std::stoi(a[3])), std::stoul(a[4]), std::stoul(a[5]),
                      a.size() == 8 ? a[6] : "", a.size() == 8 ? a[7] : "");
  if (a.size() == 3 && a[0] == "echo-listen") return echo_listen(a[1], uint16_t(std::stoi(a[2])));
  if (a.size() == 3 && a[0] == "halfclose-listen") return halfclose_listen(a[1], uint16_t(std::stoi(a[2])));
  std::fprintf(stderr,
               "usage: conn_driver many CTL|kernel HOST PORT N BYTES | seq CTL|kernel HOST PORT N BYTES [TEP fresh|resume|off]\n"
               "       | echo-listen CTL PORT | halfclose-listen CTL PORT\n");
  return 2;
}
