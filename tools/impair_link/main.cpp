// impair-link: a bump-in-the-wire between two network interfaces (normally the veth ends
// of two test namespaces, inside a third namespace) that forwards every Ethernet frame
// and impairs TCP-over-IP frames with seeded loss, duplication, delay, reordering and
// corruption. The kernel here has no sch_netem; this replaces it for tests and
// benchmarks. As a middlebox it can also rewrite TCP segments (tamper_policy.h: strip or
// alter TCP-ENO, flip a payload bit or FIN, inject URG, resegment) before impairing them,
// and record every forwarded frame to a pcap file. Stops on SIGINT/SIGTERM and prints its
// counters to stderr.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <cstring>
#include <queue>
#include <string>
#include <vector>

#include "tools/impair_link/impairment.h"
#include "tools/impair_link/pcap_writer.h"
#include "tools/impair_link/tamper_policy.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxFrame = 65536;
constexpr size_t kMaxQueued = 20000;  // bound memory; beyond this frames are dropped and counted

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Port {
  std::string name;
  int fd = -1;
  int ifindex = 0;
};

struct Pending {
  Clock::time_point due;
  uint64_t seq;  // keeps equal-time frames in arrival order
  int out;       // index of the port to send on
  std::vector<uint8_t> frame;
  bool operator>(const Pending& o) const { return due != o.due ? due > o.due : seq > o.seq; }
};

struct Counters {
  uint64_t forwarded = 0, impairable = 0, dropped = 0, duplicated = 0, corrupted = 0,
           delayed = 0, overflow = 0, send_errors = 0;
};

bool open_port(Port& p) {
  p.ifindex = int(if_nametoindex(p.name.c_str()));
  if (p.ifindex == 0) {
    std::fprintf(stderr, "impair-link: no interface %s\n", p.name.c_str());
    return false;
  }
  p.fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (p.fd < 0) {
    std::perror("impair-link: socket(AF_PACKET)");
    return false;
  }
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = p.ifindex;
  if (bind(p.fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0) {
    std::perror("impair-link: bind");
    return false;
  }
  // Frames are addressed to the far host's MAC, not ours: listen promiscuously.
  packet_mreq mr{};
  mr.mr_ifindex = p.ifindex;
  mr.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(p.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
    std::perror("impair-link: promiscuous mode");
    return false;
  }
  int one = 1;  // never see our own transmissions again
  setsockopt(p.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  return true;
}

uint64_t unix_now_us() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
}

// Adds the middlebox options to `app`, filling `cfg`.
void add_tamper_options(CLI::App& app, impair::TamperConfig& cfg) {
  const std::map<std::string, impair::EnoStrip> strip_names{{"syn", impair::EnoStrip::Syn},
                                                           {"synack", impair::EnoStrip::SynAck},
                                                           {"third-ack", impair::EnoStrip::ThirdAck},
                                                           {"all", impair::EnoStrip::All}};
  const std::map<std::string, impair::Direction> dir_names{{"a2b", impair::Direction::AtoB},
                                                          {"b2a", impair::Direction::BtoA}};
  app.add_option("--strip-eno", cfg.strip_eno, "overwrite TCP-ENO (kind 69) with NOPs in: syn|synack|third-ack|all")
      ->transform(CLI::CheckedTransformer(strip_names))
      ->option_text("syn|synack|third-ack|all");
  app.add_flag("--alter-syn-eno", cfg.alter_syn_eno, "replace one non-last tcpcrypt TEP id in the SYN's ENO option");
  app.add_option("--flip-payload-bit", cfg.flip_payload_bit, "flip a bit in the N-th payload segment (tamper dir)")
      ->check(CLI::PositiveNumber);
  app.add_option("--flip-fin", cfg.flip_fin, "toggle FIN on the N-th payload segment (tamper dir)")
      ->check(CLI::PositiveNumber);
  app.add_option("--inject-urg", cfg.inject_urg, "set URG, urgent pointer 1, on the N-th payload segment (tamper dir)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--resegment", cfg.resegment, "split every payload segment of >= 2 bytes in two (tamper dir)");
  app.add_option("--tamper-dir", cfg.tamper_dir, "direction of the payload rewrites: a2b (received on --a) or b2a")
      ->transform(CLI::CheckedTransformer(dir_names))
      ->option_text("a2b|b2a");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"impair-link: impaired bump-in-the-wire between two interfaces"};
  Port ports[2];
  uint64_t seed = 1;
  double loss = 0, dup = 0, reorder = 0, corrupt = 0, delay_ms = 0, reorder_ms = 0;
  impair::TamperConfig tamper_cfg;
  std::string pcap_path;
  app.add_option("--a", ports[0].name, "first interface")->required();
  app.add_option("--b", ports[1].name, "second interface")->required();
  app.add_option("--seed", seed, "seed of the impairment decisions");
  app.add_option("--loss", loss, "percent of TCP frames dropped")->check(CLI::Range(0.0, 100.0));
  app.add_option("--dup", dup, "percent of TCP frames duplicated")->check(CLI::Range(0.0, 100.0));
  app.add_option("--reorder", reorder, "percent of TCP frames held back by --reorder-ms")->check(CLI::Range(0.0, 100.0));
  app.add_option("--corrupt", corrupt, "percent of TCP frames with one bit flipped")->check(CLI::Range(0.0, 100.0));
  app.add_option("--delay-ms", delay_ms, "one-way delay of TCP frames")->check(CLI::Range(0.0, 10000.0));
  app.add_option("--reorder-ms", reorder_ms, "extra delay of reordered frames")->check(CLI::Range(0.0, 10000.0));
  add_tamper_options(app, tamper_cfg);
  app.add_option("--pcap", pcap_path, "write every forwarded frame, as sent, to this pcap file (at most 2 GiB)");
  CLI11_PARSE(app, argc, argv);

  auto ppm = [](double pct) { return uint32_t(pct * 10000.0); };
  auto us = [](double ms) { return std::chrono::microseconds(int64_t(ms * 1000.0)); };
  impair::Impairment model({ppm(loss), ppm(dup), ppm(reorder), ppm(corrupt), us(delay_ms), us(reorder_ms)}, seed);
  impair::TamperPolicy tamper(tamper_cfg);
  impair::PcapWriter pcap;
  if (!pcap_path.empty() && !pcap.open(pcap_path)) {
    std::fprintf(stderr, "impair-link: cannot write %s: %s\n", pcap_path.c_str(), std::strerror(errno));
    return 1;
  }
  for (auto& p : ports)
    if (!open_port(p)) return 1;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  Counters c;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue;
  uint64_t seq = 0;
  std::vector<uint8_t> buf(kMaxFrame);
  std::vector<impair::Frame> tampered;
  auto send_frame = [&](int out, const std::vector<uint8_t>& f) {
    if (send(ports[out].fd, f.data(), f.size(), 0) >= 0) {
      ++c.forwarded;
      if (pcap.is_open()) pcap.write(f, unix_now_us());
    } else if (c.send_errors++ == 0) {
      std::fprintf(stderr, "impair-link: send on %s: %s\n", ports[out].name.c_str(), std::strerror(errno));
    }
  };
  auto enqueue = [&](Clock::time_point due, int out, std::vector<uint8_t> f) {
    if (queue.size() >= kMaxQueued) {
      ++c.overflow;
      return;
    }
    queue.push({due, seq++, out, std::move(f)});
  };
  // One frame after tampering: TCP frames get an impairment decision, others pass untouched.
  auto impair_and_send = [&](Clock::time_point now, int out, std::vector<uint8_t> frame) {
    const auto layout = impair::locate_tcp(frame);
    if (!layout) {
      send_frame(out, frame);  // ARP, ND, ICMP...: forwarded untouched
      return;
    }
    const size_t tcp = layout->tcp;
    ++c.impairable;
    const impair::Decision d = model.decide();
    if (d.drop) {
      ++c.dropped;
      return;
    }
    if (d.corrupt) {
      const size_t span_bits = (frame.size() - tcp) * 8;
      const size_t bit = d.corrupt_bit % span_bits;
      frame[tcp + bit / 8] ^= uint8_t(1u << (bit % 8));
      ++c.corrupted;
    }
    if (d.duplicate) ++c.duplicated;
    if (d.delay.count() == 0) {
      if (d.duplicate) send_frame(out, frame);
      send_frame(out, frame);
    } else {
      ++c.delayed;
      if (d.duplicate) enqueue(now + d.delay, out, frame);
      enqueue(now + d.delay, out, std::move(frame));
    }
  };

  std::fprintf(stderr, "impair-link: %s <-> %s seed=%llu loss=%.3f%% dup=%.3f%% reorder=%.3f%% corrupt=%.3f%% delay=%.1fms\n",
               ports[0].name.c_str(), ports[1].name.c_str(), (unsigned long long)seed, loss, dup, reorder, corrupt, delay_ms);
  while (!g_stop) {
    int timeout_ms = -1;
    if (!queue.empty()) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(queue.top().due - Clock::now()).count();
      timeout_ms = wait < 0 ? 0 : int(wait) + 1;
    }
    pollfd pfd[2] = {{ports[0].fd, POLLIN, 0}, {ports[1].fd, POLLIN, 0}};
    if (poll(pfd, 2, timeout_ms) < 0 && errno != EINTR) {
      std::perror("impair-link: poll");
      return 1;
    }
    const auto now = Clock::now();
    for (int in = 0; in < 2; ++in) {
      if (!(pfd[in].revents & POLLIN)) continue;
      for (int burst = 0; burst < 256; ++burst) {
        ssize_t n = recv(ports[in].fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n <= 0) break;
        tampered.clear();
        const auto dir = in == 0 ? impair::Direction::AtoB : impair::Direction::BtoA;
        tamper.process(std::vector<uint8_t>(buf.begin(), buf.begin() + n), dir, tampered);
        for (auto& frame : tampered) impair_and_send(now, 1 - in, std::move(frame));
      }
    }
    while (!queue.empty() && queue.top().due <= Clock::now()) {
      send_frame(queue.top().out, queue.top().frame);
      queue.pop();
    }
  }
  pcap.close();
  const impair::TamperCounters& t = tamper.counters();
  std::fprintf(stderr,
               "impair-link: forwarded=%llu tcp=%llu dropped=%llu duplicated=%llu corrupted=%llu "
               "delayed=%llu overflow=%llu send_errors=%llu eno_stripped=%llu eno_altered=%llu "
               "alter_skipped=%llu bit_flipped=%llu fin_flipped=%llu urg_injected=%llu resegmented=%llu "
               "pcap_frames=%llu pcap_skipped=%llu\n",
               (unsigned long long)c.forwarded, (unsigned long long)c.impairable, (unsigned long long)c.dropped,
               (unsigned long long)c.duplicated, (unsigned long long)c.corrupted, (unsigned long long)c.delayed,
               (unsigned long long)c.overflow, (unsigned long long)c.send_errors, (unsigned long long)t.eno_stripped,
               (unsigned long long)t.eno_altered, (unsigned long long)t.alter_skipped, (unsigned long long)t.bit_flipped,
               (unsigned long long)t.fin_flipped, (unsigned long long)t.urg_injected, (unsigned long long)t.resegmented,
               (unsigned long long)pcap.written(), (unsigned long long)pcap.skipped());
  return 0;
}
