// `tcpcrypt demo`: two in-process hosts negotiate TCP-ENO and tcpcrypt exactly as on the
// wire (SYN, SYN-ACK, ACK options; Init1/Init2; frames), exchange encrypted data, then
// reconnect with session resumption. Prints what crosses the "wire" and the session IDs
// both sides agree on. Exit status 0 only if everything matched.
#include <cstdio>
#include <string>
#include <string_view>

#include "crypto/aead.h"
#include "crypto/random.h"
#include "proto/eno/negotiator.h"
#include "proto/tcpcrypt/session.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "tools/tcpcrypt/subcommands.h"

namespace {

using namespace proto;
using namespace proto::tcpcrypt;

// One host: its resumption cache and randomness outlive connections.
struct Host {
  const char* name;
  Bytes peer_key;  // what the cache is keyed by (the peer's address in tund)
  SessionCache cache;
  crypto::SystemRandom rng;
};

struct Endpoint {
  Host& host;
  TcpcryptPolicy policy;
  eno::Negotiator eno;
  std::optional<Session> session;
  Bytes received;

  Endpoint(Host& h, eno::Opener opener)
      : host(h),
        policy(PolicyConfig{}, h.rng, &h.cache, h.peer_key, Instant{}),
        eno(opener, config(opener), policy) {}

  eno::NegotiatorConfig config(eno::Opener opener) {
    eno::NegotiatorConfig c;
    c.randomness_ready = crypto::system_random_ready();  // ENO-28
    if (opener == eno::Opener::Active) c.offer = policy.active_offer();
    return c;
  }
};

std::string hex_or_none(std::optional<ByteView> b) { return b ? to_hex(*b) : "(none)"; }

// The three segments of the handshake, carrying only what ENO puts in them.
bool handshake(Endpoint& a, Endpoint& b) {
  const eno::SegmentFlags syn{true, false}, synack{true, true}, ack{false, true};
  auto o1 = a.eno.option_for_next_segment(syn);
  std::printf("  SYN      %s -> %s  ENO %s\n", a.host.name, b.host.name, hex_or_none(o1).c_str());
  std::vector<ByteView> in1;
  if (o1) in1.push_back(*o1);
  b.eno.on_segment_received(syn, in1);
  auto o2 = b.eno.option_for_next_segment(synack);
  std::printf("  SYN-ACK  %s -> %s  ENO %s\n", b.host.name, a.host.name, hex_or_none(o2).c_str());
  std::vector<ByteView> in2;
  if (o2) in2.push_back(*o2);
  a.eno.on_segment_received(synack, in2);
  auto o3 = a.eno.option_for_next_segment(ack);
  std::printf("  ACK      %s -> %s  ENO %s\n", a.host.name, b.host.name, hex_or_none(o3).c_str());
  std::vector<ByteView> in3;
  if (o3) in3.push_back(*o3);
  b.eno.on_segment_received(ack, in3);
  return a.eno.state() == eno::NegotiationState::Enabled && b.eno.state() == eno::NegotiationState::Enabled;
}

bool start_session(Endpoint& e) {
  const eno::Negotiated* n = e.eno.negotiated();
  SessionStart start;
  start.role = e.eno.local_role() == eno::Role::A ? Role::A : Role::B;
  start.tep_byte = n->tep_byte;
  start.eno_transcript = n->transcript;
  if (n->resumption) start.resumed = e.policy.take_resumption(n->tep);
  auto s = Session::create(std::move(start), SessionConfig{}, e.host.rng);
  if (!s) return false;
  e.session.emplace(std::move(*s));
  return true;
}

// Moves stream bytes one way; returns how many bytes crossed.
size_t pump(Endpoint& from, Endpoint& to) {
  size_t n = 0;
  while (auto chunk = from.session->poll_stream_bytes()) {
    n += chunk->bytes.size();
    if (!to.session->on_stream_bytes(chunk->bytes)) return n;
  }
  Bytes app = to.session->poll_app_data();
  to.received.insert(to.received.end(), app.begin(), app.end());
  return n;
}

ByteView text(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

bool connection(Host& ha, Host& hb, const char* title) {
  std::printf("\n%s\n", title);
  Endpoint a(ha, eno::Opener::Active), b(hb, eno::Opener::Passive);
  if (!handshake(a, b)) {
    std::printf("  ENO was not negotiated\n");
    return false;
  }
  const eno::Negotiated* n = a.eno.negotiated();
  std::printf("  negotiated TEP 0x%02x (%s), transcript %s\n", n->tep, n->resumption ? "resumption" : "fresh key exchange",
              to_hex(n->transcript).c_str());
  if (!start_session(a) || !start_session(b)) return false;
  const std::string_view request = "GET / HTTP/1.0\r\n\r\n", reply = "HTTP/1.0 200 OK\r\n\r\nencrypted hello";
  if (!a.session->send_app(text(request), true)) return false;
  for (int round = 0; round < 4; ++round) {
    size_t ab = pump(a, b), ba = pump(b, a);
    if (round == 0) std::printf("  first flight: A->B %zu stream bytes, B->A %zu\n", ab, ba);
    if (b.session->peer_eof() && !b.session->failed() && b.received.size() == request.size() && round == 1)
      if (!b.session->send_app(text(reply), true)) return false;
  }
  const auto sa = a.session->session_id(), sb = b.session->session_id();
  if (!sa || !sb) return false;
  std::printf("  AEAD %s\n", crypto::aead_info(uint16_t(*a.session->aead()))->name);
  std::printf("  session ID at A: %s\n", to_hex(*sa).c_str());
  std::printf("  session ID at B: %s\n", to_hex(*sb).c_str());
  const bool data_ok = Bytes(text(request).begin(), text(request).end()) == b.received &&
                       Bytes(text(reply).begin(), text(reply).end()) == a.received;
  std::printf("  data: %s; both ends saw the authenticated end of stream: %s\n", data_ok ? "intact" : "MISMATCH",
              a.session->peer_eof() && b.session->peer_eof() ? "yes" : "NO");
  for (Endpoint* e : {&a, &b})
    if (auto seed = e->session->take_cache_seed()) (void)e->host.cache.insert(e->host.peer_key, std::move(*seed), Instant{});
  return *sa == *sb && data_ok && a.session->peer_eof() && b.session->peer_eof();
}

int run_demo() {
  if (!crypto::system_random_ready()) {
    std::fprintf(stderr, "demo: the system random generator is not ready\n");
    return 1;
  }
  Host ha{"A", Bytes{198, 18, 0, 2}, SessionCache{}, {}};
  Host hb{"B", Bytes{198, 18, 0, 1}, SessionCache{}, {}};
  std::printf("tcpcrypt demo: two in-process hosts, TCP-ENO (RFC 8547) + tcpcrypt (RFC 8548)\n");
  const bool fresh = connection(ha, hb, "connection 1: fresh key exchange");
  const bool resumed = connection(ha, hb, "connection 2: session resumption (no public-key operation)");
  std::printf("\n%s\n", fresh && resumed ? "demo OK: both connections encrypted, session IDs agree"
                                         : "demo FAILED");
  return fresh && resumed ? 0 : 1;
}

}  // namespace

void register_demo_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "in-process tcpcrypt handshake and encrypted exchange");
  cmd->callback([&exit_code] { exit_code = run_demo(); });
}
