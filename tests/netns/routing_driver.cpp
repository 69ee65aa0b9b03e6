// Netns test driver for tund's packet path. Runs inside "host A" (refuses otherwise) and
// checks, against the Linux kernel of both namespaces (packet-path.md §13 "Results an
// integration test can assert"):
//  - cleanup_stale() removes a crashed run's tagged rules and moved `local` rule;
//  - setup() installs the §3 rules, routes and sysctls;
//  - a peer's SYN to a tund listener port arrives on the TUN (IPv4 and IPv6, TTL 63), a
//    hand-written SYN-ACK makes the peer's kernel send the third ACK and connect();
//  - an active open from tund's ephemeral range reaches a peer listener and its SYN-ACK
//    comes back into the TUN (the moved `local` rule and the range rule);
//  - a kernel listener on another port of host A keeps working;
//  - after remove_listener() the peer gets ECONNREFUSED from the kernel;
//  - teardown() leaves no rule or route; closing the TUN removes it.
// Every wait is bounded; every child process is waited for or killed by its PID.
//
// Usage: routing_driver --peer-ns NAME --peer-cmd "PYTHON PEER_SCRIPT" --uplink IF
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"
#include "tund/routing/routing.h"
#include "tund/routing/sysctl.h"
#include "tund/tun/device.h"

namespace {

using proto::Bytes;
using proto::ByteView;
using proto::ip::Endpoint;
using proto::ip::IpAddress;

constexpr int kWaitMs = 5000;
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
const char* const kTun = "tc0";

int g_failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
  std::fflush(stdout);
  if (!ok) ++g_failures;
}

// Runs a short command in this namespace and returns its stdout.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A child process with its stdout on a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    finish(0);
    if (out_ >= 0) close(out_);
  }
  // The next stdout line, or "" after timeout_ms / EOF.
  std::string line(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string l = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return l;
      }
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
      pollfd p{out_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, left) <= 0) return "";
      char b[256];
      ssize_t n = read(out_, b, sizeof(b));
      if (n <= 0) return "";
      buf_.append(b, size_t(n));
    }
  }
  // Waits up to timeout_ms for exit, then kills this child (by PID) and reaps it.
  void finish(int timeout_ms) {
    if (pid_ <= 0) return;
    for (int waited = 0;; waited += 10) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      if (waited >= timeout_ms) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      usleep(10'000);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_;
};

struct Options {
  std::string peer_ns;
  std::string peer_cmd;  // interpreter and script, split on spaces
  std::string uplink;
};

std::vector<std::string> peer_argv(const Options& o, const std::string& verb, const IpAddress& host, uint16_t port) {
  std::vector<std::string> argv{"ip", "netns", "exec", o.peer_ns};
  std::istringstream words(o.peer_cmd);
  for (std::string w; words >> w;) argv.push_back(w);
  for (std::string a : {verb, host.to_string(), std::to_string(port), std::string("4")}) argv.push_back(a);
  return argv;
}

// What the test needs from a TCP segment (no TCP logic: fixed-offset fields only).
struct Seg {
  Endpoint src, dst;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint8_t ttl = 0;
  bool checksum_ok = false;
};

std::optional<Seg> decode(ByteView pkt) {
  auto p = proto::ip::parse_tcp(pkt);
  if (!p || p->payload.size() < 20) return std::nullopt;
  ByteView t = p->payload;
  Seg s;
  s.src = {p->src, proto::load_be16(t, 0)};
  s.dst = {p->dst, proto::load_be16(t, 2)};
  s.seq = proto::load_be32(t, 4);
  s.ack = proto::load_be32(t, 8);
  s.flags = t[13];
  s.ttl = p->ttl;
  s.checksum_ok = proto::ip::tcp_checksum(p->src.bytes(), p->dst.bytes(), t) == 0;
  return s;
}

// Builds IP + 20-byte TCP header (+ MSS option on SYNs) with valid checksums.
Bytes encode(const Endpoint& src, const Endpoint& dst, uint32_t seq, uint32_t ack, uint8_t flags) {
  const size_t ip_len = proto::ip::header_len(src.addr.family());
  const size_t tcp_len = (flags & kSyn) ? 24 : 20;
  Bytes pkt(ip_len + tcp_len, 0);
  (void)proto::ip::emit_tcp_header(pkt, src.addr, dst.addr, tcp_len);
  proto::MutByteView t = proto::MutByteView(pkt).subspan(ip_len);
  proto::store_be16(t, 0, src.port);
  proto::store_be16(t, 2, dst.port);
  proto::store_be32(t, 4, seq);
  proto::store_be32(t, 8, ack);
  t[12] = uint8_t((tcp_len / 4) << 4);
  t[13] = flags;
  proto::store_be16(t, 14, 65535);
  if (flags & kSyn) {
    t[20] = 2, t[21] = 4;
    proto::store_be16(t, 22, 1460);
  }
  proto::store_be16(t, 16, proto::ip::tcp_checksum(src.addr.bytes(), dst.addr.bytes(), t));
  return pkt;
}

// Headroom in front of each packet, as the offload code will use for a virtio-net header.
constexpr size_t kHeadroom = 10;

// Reads TUN packets (through the batch interface) until one matches, for at most kWaitMs.
std::optional<Seg> await_segment(tund::tun::TunDevice& tun, const std::function<bool(const Seg&)>& match) {
  Bytes buf(kHeadroom + tund::tun::kMaxPacketLen);
  const proto::MutByteView bufs[1] = {buf};
  size_t sizes[1] = {0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  for (;;) {
    int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    pollfd p{tun.fd(), POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) return std::nullopt;
    auto n = tun.read_batch(bufs, sizes, kHeadroom);
    if (!n || *n == 0) continue;
    if (auto s = decode(ByteView(buf).subspan(kHeadroom, sizes[0])); s && match(*s)) return s;
  }
}

void write_packet(tund::tun::TunDevice& tun, const Bytes& pkt, const char* what) {
  Bytes framed(kHeadroom, 0);
  framed.insert(framed.end(), pkt.begin(), pkt.end());
  const ByteView bufs[1] = {framed};
  auto n = tun.write_batch(bufs, kHeadroom);
  check(n && *n == 1, std::string("write ") + what + " into the TUN" + (n ? "" : ": " + n.error().message()));
}

// Passive open through a listener rule: the peer's kernel connects to host:port.
void passive_open(tund::tun::TunDevice& tun, const Options& o, const IpAddress& host, const IpAddress& peer,
                  uint16_t port) {
  const std::string fam = host.is_v4() ? "IPv4" : "IPv6";
  Child client(peer_argv(o, "connect", host, port));
  auto syn = await_segment(tun, [&](const Seg& s) { return s.dst.port == port && (s.flags & kSyn) && !(s.flags & kAck); });
  check(syn.has_value(), fam + ": peer SYN to listener port " + std::to_string(port) + " arrives on the TUN");
  if (!syn) return;
  check(syn->src.addr == peer && syn->dst.addr == host, fam + ": SYN addressed peer -> shared IP");
  check(syn->ttl == 63, fam + ": SYN forwarded once (TTL/hop limit 63)");
  check(syn->checksum_ok, fam + ": SYN TCP checksum verifies");
  const uint32_t isn = 0x10000000;
  const Endpoint me{host, port};
  write_packet(tun, encode(me, syn->src, isn, syn->seq + 1, kSyn | kAck), "SYN-ACK");
  auto ack = await_segment(tun, [&](const Seg& s) {
    return s.src == syn->src && (s.flags & kAck) && !(s.flags & kSyn) && s.ack == isn + 1;
  });
  check(ack.has_value() && ack->seq == syn->seq + 1, fam + ": the peer kernel sends the third ACK");
  check(client.line(kWaitMs) == "connected", fam + ": the peer's connect() succeeds");
  // The peer closed (FIN); abort our side so it keeps no state.
  write_packet(tun, encode(me, syn->src, isn + 1, 0, kRst), "RST");
}

// Active open from tund's ephemeral range to a peer kernel listener.
void active_open(tund::tun::TunDevice& tun, const Options& o, const IpAddress& host, const IpAddress& peer,
                 uint16_t src_port) {
  const std::string fam = host.is_v4() ? "IPv4" : "IPv6";
  const uint16_t peer_port = 8080;
  Child server(peer_argv(o, "listen", peer, peer_port));
  check(server.line(kWaitMs) == "listening", fam + ": peer listener ready");
  const Endpoint me{host, src_port}, them{peer, peer_port};
  const uint32_t isn = 0x20000000;
  write_packet(tun, encode(me, them, isn, 0, kSyn), "SYN");
  auto synack = await_segment(tun, [&](const Seg& s) { return s.src == them && s.dst == me; });
  check(synack.has_value() && (synack->flags & (kSyn | kAck)) == (kSyn | kAck) && synack->ack == isn + 1,
        fam + ": SYN-ACK to ephemeral port " + std::to_string(src_port) + " comes back into the TUN");
  if (!synack) return;
  write_packet(tun, encode(me, them, isn + 1, synack->seq + 1, kAck), "ACK");
  std::string accepted = server.line(kWaitMs);
  check(contains(accepted, "accepted " + host.to_string() + " " + std::to_string(src_port)),
        fam + ": the peer accepts a connection from the shared IP (" + accepted + ")");
  // The peer closes at once: its FIN reaches us; answer with RST so it keeps no state.
  auto fin = await_segment(tun, [&](const Seg& s) { return s.src == them && (s.flags & kFin); });
  check(fin.has_value(), fam + ": the peer's FIN comes back into the TUN");
  write_packet(tun, encode(me, them, isn + 1, 0, kRst), "RST");
}

// A kernel listener of host A on a port tund does not own.
void kernel_listener(const Options& o, const IpAddress& host, uint16_t port, const std::string& when) {
  const std::string fam = host.is_v4() ? "IPv4" : "IPv6";
  Child client(peer_argv(o, "connect", host, port));
  check(client.line(kWaitMs) == "connected", fam + ": kernel listener on port " + std::to_string(port) + " serves the peer " + when);
}

int listen_socket(const IpAddress& addr, uint16_t port) {
  int fd = socket(addr.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, addr.bytes().data(), 4);
    len = sizeof(*sin);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, addr.bytes().data(), 16);
    len = sizeof(*sin6);
  }
  bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 && listen(fd, 8) == 0;
  check(ok, "kernel listener on " + Endpoint{addr, port}.to_string());
  return fd;
}

void check_installed(const IpAddress& v4, const IpAddress& v6) {
  std::string r4 = run("ip -4 rule show"), r6 = run("ip -6 rule show");
  for (const auto& [rules, addr] : {std::pair{r4, v4}, std::pair{r6, v6}}) {
    const std::string fam = addr.is_v4() ? "IPv4" : "IPv6";
    check(contains(rules, "100:\tfrom all to " + addr.to_string() + " ipproto tcp dport 40000-49999 lookup 100 proto 199"),
          fam + ": ephemeral-range rule at pref 100");
    check(contains(rules, "1000:\tfrom all lookup local proto 199"), fam + ": local rule moved to pref 1000");
    check(!contains(rules, "0:\tfrom all lookup local\n") && rules.rfind("0:", 0) != 0, fam + ": no local rule at pref 0");
    check(!contains(rules, "dport 7777"), fam + ": stale tagged rule removed by cleanup_stale");
  }
  check(contains(run("ip -4 route show table 100"), "default dev tc0 proto 199"), "IPv4: default route in table 100");
  check(contains(run("ip -6 route show table 100"), "default dev tc0 proto 199"), "IPv6: default route in table 100");
  auto is = [](const char* key, const char* want) {
    auto v = tund::routing::read_sysctl(key);
    check(v && *v == want, std::string(key) + " = " + want);
  };
  is("net/ipv4/conf/tc0/forwarding", "1");
  is("net/ipv4/conf/tc0/accept_local", "1");
  is("net/ipv6/conf/tc0/force_forwarding", "1");
  is("net/ipv4/ip_local_reserved_ports", "40000-49999");
}

// Leaves what a crashed run would: a tagged listener rule and `local` moved to 1000.
void simulate_crashed_run() {
  for (const char* v : {"-4", "-6"}) {
    const std::string addr = std::string(v) == "-4" ? "198.18.0.1" : "fd00:18::1";
    run(std::string("ip ") + v + " rule add pref 300 to " + addr + " ipproto tcp dport 7777 lookup 100 protocol 199");
    run(std::string("ip ") + v + " rule add pref 1000 lookup local protocol 199");
    run(std::string("ip ") + v + " rule del pref 0 lookup local");
  }
  check(contains(run("ip -4 rule show"), "dport 7777") && !contains(run("ip -6 rule show"), "0:\tfrom all lookup local\n"),
        "crashed-run state simulated");
}

int run_test(const Options& o) {
  const IpAddress v4 = *IpAddress::parse("198.18.0.1"), v6 = *IpAddress::parse("fd00:18::1");
  const IpAddress peer4 = *IpAddress::parse("198.18.0.2"), peer6 = *IpAddress::parse("fd00:18::2");
  simulate_crashed_run();
  int kfd4 = listen_socket(v4, 8022), kfd6 = listen_socket(v6, 8022);
  {
    auto tun = tund::tun::TunDevice::open({.name = kTun});
    check(tun.has_value(), std::string("open TUN ") + (tun ? "" : tun.error().message()));
    if (!tun) return 1;
    check(tun->set_mtu(1500).has_value() && tun->set_up(true).has_value(), "TUN MTU set and link up");
    tund::routing::RoutingConfig cfg;
    cfg.tun_name = kTun;
    cfg.uplinks = {o.uplink};
    cfg.shared_addresses = {v4, v6};
    auto routing = tund::routing::Routing::create(cfg);
    check(routing.has_value(), "Routing::create");
    if (!routing) return 1;
    auto s = routing->setup();
    check(s.has_value(), "Routing::setup" + (s ? std::string() : ": " + s.error().message()));
    if (!s) return 1;
    check_installed(v4, v6);
    auto shadow = routing->rules_shadowing_local();
    check(shadow && shadow->empty(), "no foreign rule shadows the moved local rule");
    run("ip -6 rule add pref 500 lookup 200");  // like a VPN client's catch-all rule (§3.3)
    shadow = routing->rules_shadowing_local();
    check(shadow && shadow->size() == 1 && shadow->front().priority == 500, "a foreign catch-all rule before local is reported");
    run("ip -6 rule del pref 500 lookup 200");
    check(!routing->add_listener(45000).has_value(), "a listener port inside the ephemeral range is refused");
    s = routing->add_listener(9090);
    check(s.has_value(), "add_listener(9090)");
    check(contains(run("ip -4 rule show"), "200:\tfrom all to 198.18.0.1 ipproto tcp dport 9090 lookup 100 proto 199"),
          "IPv4: listener rule at pref 200");

    passive_open(*tun, o, v4, peer4, 9090);
    passive_open(*tun, o, v6, peer6, 9090);
    active_open(*tun, o, v4, peer4, 40001);
    active_open(*tun, o, v6, peer6, 40002);
    kernel_listener(o, v4, 8022, "while tund's rules are installed");
    kernel_listener(o, v6, 8022, "while tund's rules are installed");

    s = routing->remove_listener(9090);
    check(s.has_value() && !contains(run("ip -4 rule show"), "dport 9090"), "remove_listener(9090) deletes the rule");
    for (const IpAddress& a : {v4, v6}) {
      Child client(peer_argv(o, "connect", a, 9090));
      check(client.line(kWaitMs) == "refused", std::string(a.is_v4() ? "IPv4" : "IPv6") +
                                                   ": after remove_listener the kernel refuses port 9090");
    }
    s = routing->teardown();
    check(s.has_value(), "Routing::teardown" + (s ? std::string() : ": " + s.error().message()));
    std::string r4 = run("ip -4 rule show"), r6 = run("ip -6 rule show");
    check(!contains(r4 + r6, "proto 199"), "no tagged rule left after teardown");
    check(r4.rfind("0:\tfrom all lookup local", 0) == 0 && r6.rfind("0:\tfrom all lookup local", 0) == 0,
          "local rule back at pref 0");
    check(run("ip -4 route show table 100").empty() && run("ip -6 route show table 100").empty(),
          "table 100 empty after teardown");
  }
  check(run("ip link show tc0 2>&1").find("does not exist") != std::string::npos, "closing the TUN removes tc0");
  kernel_listener(o, v4, 8022, "after teardown");
  kernel_listener(o, v6, 8022, "after teardown");
  close(kfd4);
  close(kfd6);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--peer-ns") o.peer_ns = argv[i + 1];
    else if (k == "--peer-cmd") o.peer_cmd = argv[i + 1];
    else if (k == "--uplink") o.uplink = argv[i + 1];
  }
  if (o.peer_ns.empty() || o.peer_cmd.empty() || o.uplink.empty()) {
    std::fprintf(stderr, "usage: routing_driver --peer-ns NAME --peer-cmd 'PYTHON SCRIPT' --uplink IF\n");
    return 2;
  }
  // The mandatory guard: never touch routing outside a namespace the test created.
  std::string here = run("ip netns identify 2>/dev/null");
  if (here.empty() || here == "\n") {
    std::fprintf(stderr, "routing_driver: refusing to run outside a test network namespace\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int rc = run_test(o);
  std::printf("%s (%d failures)\n", rc == 0 ? "ALL PASSED" : "FAILED", g_failures);
  return rc;
}
