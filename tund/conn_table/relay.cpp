// ConnTable, part 2: relaying between a connection's carrier and its TCP connection, with
// back-pressure both ways (conn_table.h).
#include "tund/conn_table/conn_table.h"

#include <spdlog/spdlog.h>

namespace tund::conn_table {

namespace pc = proto::control;
using proto::Instant;

void ConnTable::start_relay(Managed& m, control::UniqueFd tund_end) {
  m.carrier = std::make_unique<Carrier>(io_, std::move(tund_end));
}

namespace {
bool app_end_gone(const CarrierIo& r) {
  return r.kind == CarrierIo::Kind::Error || r.kind == CarrierIo::Kind::Eof;
}
}  // namespace

void ConnTable::pump_to_app(Managed& m, Instant now) {
  if (!m.carrier || m.fin_to_app || !m.delivered) return;
  const uint64_t token = m.token;
  auto resume = [this, token] {
    if (auto* again = find(token)) {
      pump_to_app(*again, clock_.now());
      mark(token);
      after_external_input();
    }
  };
  for (;;) {
    if (!m.to_app.empty()) {
      auto r = m.carrier->write(m.to_app);
      if (r.kind == CarrierIo::Kind::WouldBlock) return m.carrier->wait_writable(resume);
      if (app_end_gone(r)) return app_gone(m, now);
      m.to_app.erase(m.to_app.begin(), m.to_app.begin() + ptrdiff_t(r.bytes));
      m.counters.bytes_received += r.bytes;
      stats_.bytes_to_apps += r.bytes;
      continue;
    }
    auto* c = tcp(m);
    const size_t n = c ? c->poll_read(scratch_, now) : 0;
    if (n == 0) break;
    // Bytes the carrier does not take now wait in to_app (at most one scratch buffer);
    // TCP is not read again until they are out, so its window closes (back-pressure).
    m.to_app.assign(scratch_.begin(), scratch_.begin() + ptrdiff_t(n));
  }
  auto* c = tcp(m);
  if (!c || c->at_eof()) {
    m.carrier->shutdown_write();  // PeerFin: the app reads EOF, may keep writing
    m.fin_to_app = true;
    if (m.app_eof) close_carrier(m);
  }
}

void ConnTable::pump_from_app(Managed& m, Instant now) {
  if (!m.carrier || m.app_eof || !m.delivered) return;
  const uint64_t token = m.token;
  for (;;) {
    auto* c = tcp(m);
    if (!c) return;
    const size_t space = c->send_space();
    if (space == 0) {
      // A refused take makes TCP raise Writable when space frees: reading resumes then.
      const uint8_t probe = 0;
      c->on_app_data(proto::ByteView(&probe, 1), now);
      return;
    }
    auto r = m.carrier->read(proto::MutByteView(scratch_.data(), std::min(space, scratch_.size())));
    switch (r.kind) {
      case CarrierIo::Kind::WouldBlock:
        m.carrier->wait_readable([this, token] {
          if (auto* again = find(token)) {
            pump_from_app(*again, clock_.now());
            mark(token);
            after_external_input();
          }
        });
        return;
      case CarrierIo::Kind::Eof:
        m.app_eof = true;
        c->close(now);  // FIN after the queued bytes
        if (m.fin_to_app) close_carrier(m);
        return;
      case CarrierIo::Kind::Error:
        return app_gone(m, now);  // closed with unread data: RST, as the kernel (shim.md §5.4)
      case CarrierIo::Kind::Done:
        c->on_app_data(proto::ByteView(scratch_.data(), r.bytes), now);  // fits: r.bytes <= space
        m.counters.bytes_sent += r.bytes;
        stats_.bytes_from_apps += r.bytes;
        break;
    }
  }
}

void ConnTable::app_gone(Managed& m, Instant now) {
  ++stats_.app_aborts;
  close_carrier(m);
  if (auto* c = tcp(m)) c->abort(now);
  mark(m.token);
}

void ConnTable::close_carrier(Managed& m) {
  if (!m.carrier) return;
  if (const auto* c = tcp(m); c && spdlog::should_log(spdlog::level::debug)) {
    const auto& st = c->tcp().stats();
    spdlog::debug("connection {} {} -> {} carrier closed ({}): segments {}/{} out/in, retransmits {} (fast {}, RTO {})",
                  m.token, m.local.to_string(), m.remote.to_string(),
                  m.error ? pc::conn_error_name(*m.error) : "normal", st.segments_sent, st.segments_received,
                  st.retransmits, st.fast_retransmits, st.rto_expirations);
  }
  m.carrier->close();
  m.carrier.reset();
}

}  // namespace tund::conn_table
