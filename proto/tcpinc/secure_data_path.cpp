// The data path of SecureConnection: application bytes, the tcpcrypt session's stream
// bytes and TCP's byte stream, with back-pressure at each step.
#include <algorithm>
#include <array>
#include <cstdint>
#include <variant>

#include "proto/tcpinc/secure_connection.h"

namespace proto::tcpinc {

namespace {
void erase_front(Bytes& b, size_t n) { b.erase(b.begin(), b.begin() + std::ptrdiff_t(n)); }
}  // namespace

// ---- Application commands ----

size_t SecureConnection::on_app_data(ByteView data, Instant now) {
  if (app_closed_ || protection_ == Protection::Failed) return 0;
  size_t n = 0;
  if (protection_ == Protection::Plain && app_tx_.empty()) {
    n = conn_.on_app_data(data, now);
  } else {
    n = std::min(data.size(), send_space());  // held until keys exist or a fallback (TC-2)
    put_bytes(app_tx_, data.first(n));
  }
  if (n < data.size()) want_writable_ = true;
  update(now);
  return n;
}

size_t SecureConnection::poll_read(MutByteView out, Instant now) {
  size_t n = 0;
  if (protection_ == Protection::Plain) {
    n = conn_.poll_read(out, now);
  } else if (protection_ == Protection::Encrypted) {
    n = std::min(out.size(), rx_.size() - rx_pos_);
    std::copy_n(rx_.begin() + std::ptrdiff_t(rx_pos_), n, out.begin());
    rx_pos_ += n;
    if (rx_pos_ == rx_.size()) {
      rx_.clear();
      rx_pos_ = 0;
      readable_signalled_ = false;
    }
  }
  update(now);
  return n;
}

void SecureConnection::close(Instant now) {
  app_closed_ = true;
  update(now);
}

void SecureConnection::abort(Instant now) {
  session_.reset();
  app_tx_.clear();
  tx_.clear();
  push_ends_.clear();
  conn_.abort(now);
  update(now);
}

Status SecureConnection::request_rekey(Instant now) {
  if (!encrypted() || !session_) return proto::fail(Errc::InvalidState, "not encrypted");
  if (fin_handed_) return proto::fail(Errc::InvalidState, "FINp already queued");
  Status ok = session_->request_rekey();
  if (ok) {
    ++stats_.rekeys_initiated;
    last_rekey_ = now;
  }
  update(now);
  return ok;
}

bool SecureConnection::at_eof() const {
  if (protection_ == Protection::Plain) return conn_.at_eof();
  return protection_ == Protection::Encrypted && peer_eof_ && rx_pos_ == rx_.size();
}

size_t SecureConnection::send_space() const {
  if (app_closed_ || protection_ == Protection::Failed) return 0;
  if (protection_ == Protection::Plain) return app_tx_.empty() ? conn_.send_space() : 0;
  return cfg_.pending_limit > app_tx_.size() ? cfg_.pending_limit - app_tx_.size() : 0;
}

// ---- Moving bytes ----

void SecureConnection::pump(Instant now) {
  if (protection_ == Protection::Plain) {
    feed_plain(now);
  } else if (session_) {
    pull_tcp_bytes(now);
    drain_session(now);
    for (size_t before = SIZE_MAX; session_ && app_tx_.size() != before;) {
      before = app_tx_.size();
      feed_session(now);
      if (session_) maybe_rekey(now);
      feed_tcp(now);
    }
    maybe_drop_keys();
  } else if (protection_ == Protection::Encrypted && conn_.readable() > 0) {
    return fail(Error{Errc::DataAfterFinp, "stream bytes after the FINp frame"}, now);
  }
  if (want_writable_ && connected_signalled_ && send_space() > 0 &&
      protection_ != Protection::Failed) {
    want_writable_ = false;
    push_event(Event{Event::Kind::Writable});
  }
}

void SecureConnection::pull_tcp_bytes(Instant now) {
  std::array<uint8_t, 16384> chunk;
  while (session_ && rx_.size() - rx_pos_ < cfg_.tcp.receive_buffer) {
    size_t n = conn_.poll_read(chunk, now);
    if (n == 0) break;
    if (auto ok = session_->on_stream_bytes(ByteView(chunk).first(n)); !ok) {
      drain_session(now);  // delivers the Failed event: fail() runs there
      return;
    }
    drain_session(now);
  }
  // TC-33: TCP's FIN after all its bytes; without an authenticated FINp it is an error.
  if (session_ && conn_.at_eof() && !session_->peer_eof()) {
    (void)session_->on_tcp_fin();
    drain_session(now);
  }
}

void SecureConnection::drain_session(Instant now) {
  if (!session_) return;
  while (auto chunk = session_->poll_stream_bytes()) {
    put_bytes(tx_, chunk->bytes);
    if (chunk->push) push_ends_.push_back(tx_.size());
    if (chunk->fin) tcp_close_after_tx_ = true;
  }
  Bytes app = session_->poll_app_data();
  if (!app.empty()) {
    stats_.app_bytes_received += app.size();
    put_bytes(rx_, app);
    if (!readable_signalled_) {
      readable_signalled_ = true;
      push_event(Event{Event::Kind::Readable});
    }
  }
  while (session_) {
    auto ev = session_->poll_event();
    if (!ev) break;
    if (auto* est = std::get_if<tcpcrypt::Established>(&*ev)) {
      on_established(*est, now);
    } else if (std::holds_alternative<tcpcrypt::PeerEof>(*ev)) {
      peer_eof_ = true;  // TC-32: EOF exactly on the FINp frame
      push_event(Event{Event::Kind::PeerFin});
    } else {
      return fail(std::get<tcpcrypt::Failed>(*ev).error, now);
    }
  }
}

void SecureConnection::feed_session(Instant now) {
  if (!encrypted() || fin_handed_) return;
  // Seal only what TCP can take now, so that ciphertext does not pile up here and a
  // volume-based key update takes effect within one send buffer.
  size_t room = tx_.empty() ? conn_.send_space() : 0;
  if (const uint64_t r = cfg_.rekey_after_bytes; r > 0)
    room = size_t(std::min<uint64_t>(room, bytes_since_rekey_ < r ? r - bytes_since_rekey_ : r));
  size_t n = std::min(room, app_tx_.size());
  const bool fin = app_closed_ && n == app_tx_.size();  // TC-31: FINp on the last frame
  if (n == 0 && !fin) return;
  if (auto ok = session_->send_app(ByteView(app_tx_).first(n), fin); !ok) {
    drain_session(now);
    return;
  }
  erase_front(app_tx_, n);
  stats_.app_bytes_sent += n;
  bytes_since_rekey_ += n;
  fin_handed_ = fin;
  drain_session(now);
}

void SecureConnection::feed_tcp(Instant now) {
  while (!tx_.empty()) {
    size_t limit = push_ends_.empty() ? tx_.size() : push_ends_.front();
    size_t n = conn_.on_app_data(ByteView(tx_).first(limit), now);
    erase_front(tx_, n);
    for (auto& end : push_ends_) end -= n;
    if (!push_ends_.empty() && push_ends_.front() == 0) {
      conn_.push();  // TC-4: PSH on the segment with the chunk's last byte
      push_ends_.pop_front();
    }
    if (n < limit) return;
  }
  if (tcp_close_after_tx_) {
    tcp_close_after_tx_ = false;
    conn_.close(now);  // TC-31: TCP FIN right after the FINp frame
  }
}

void SecureConnection::feed_plain(Instant now) {
  if (!app_tx_.empty()) erase_front(app_tx_, conn_.on_app_data(app_tx_, now));
  if (app_tx_.empty() && app_closed_ && !fin_handed_) {
    fin_handed_ = true;
    conn_.close(now);
  }
}

// RFC 8548 §3.8: key update by volume or age (config). A request refused because the
// previous one is not answered yet (TC-36) is retried on the next pump (volume) or after
// the next interval (age).
void SecureConnection::maybe_rekey(Instant now) {
  if (!encrypted() || fin_handed_) return;
  if (session_->local_generation() != last_generation_) {  // peer-initiated: fresh key
    last_generation_ = session_->local_generation();
    bytes_since_rekey_ = 0;
    last_rekey_ = now;
  }
  const bool by_bytes = cfg_.rekey_after_bytes > 0 && bytes_since_rekey_ >= cfg_.rekey_after_bytes;
  const bool by_time =
      cfg_.rekey_interval.count() > 0 && now >= last_rekey_ + cfg_.rekey_interval;
  if (!by_bytes && !by_time) return;
  last_rekey_ = now;  // a refused time-based request waits for the next interval
  // With data waiting, its first frame carries the rekey (no answer needed, TC-36 is about
  // empty frames); otherwise an empty frame at once, which also proves liveness (TC-39).
  const bool with_data = !app_tx_.empty();
  if (with_data ? session_->rekey_with_next_frame() : session_->request_rekey()) {
    ++stats_.rekeys_initiated;
    bytes_since_rekey_ = 0;
    last_generation_ = session_->local_generation();
  }
  drain_session(now);
}

// ENO-25: once both FINp frames are through, no key is needed any more (retransmissions
// come from TCP's buffer of ciphertext).
void SecureConnection::maybe_drop_keys() {
  if (session_ && session_->peer_eof() && fin_handed_ && tx_.empty() && !tcp_close_after_tx_)
    session_.reset();
}

void SecureConnection::drain_tcp_events() {
  while (auto e = conn_.poll_event()) {
    switch (e->kind) {
      case Event::Kind::Connected:
        tcp_connected_ = true;
        break;
      case Event::Kind::Readable:
        if (protection_ == Protection::Plain) push_event(Event{e->kind});
        else plain_pending_.readable = true;
        break;
      case Event::Kind::PeerFin:
        if (protection_ == Protection::Plain) push_event(Event{e->kind});
        else plain_pending_.peer_fin = true;
        break;
      case Event::Kind::Writable:
        break;  // pump() signals Writable from its own buffers
      case Event::Kind::Closed:
        session_.reset();  // ENO-25: keys gone at the latest now
        if (!closed_signalled_) {
          closed_signalled_ = true;
          push_event(Event{e->kind, e->reason,
                           error_ ? std::optional<Errc>(error_->code) : std::nullopt});
        }
        break;
    }
  }
}

}  // namespace proto::tcpinc
