#include "proto/tcpcrypt/session.h"

#include <algorithm>

#include "proto/tcpcrypt/key_agreement.h"
#include "proto/tcpcrypt/public_key.h"

namespace proto::tcpcrypt {

namespace {

bool offered(const std::vector<AeadId>& list, uint16_t id) {
  return std::any_of(list.begin(), list.end(), [id](AeadId a) { return uint16_t(a) == id; });
}

}  // namespace

Session::Session(SessionStart start, SessionConfig cfg)
    : role_(start.role),
      tep_byte_(start.tep_byte),
      tep_(uint8_t(start.tep_byte & kTepIdMask)),
      transcript_(std::move(start.eno_transcript)),
      cfg_(std::move(cfg)) {
  cfg_.max_frame_data = std::clamp<size_t>(cfg_.max_frame_data, 1, kMaxFrameData);
}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::create(SessionStart start, SessionConfig cfg, crypto::RandomSource& rng) {
  std::optional<EphemeralInput> eph;
  if (!start.resumed) {
    auto group = tep_group(start.tep_byte);
    if (!group) return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
    auto key = crypto::EcdhPrivateKey::generate(*group, rng);  // TC-5: fresh per connection
    if (!key) return tl::unexpected(key.error());
    eph.emplace(EphemeralInput{std::move(*key), {}});
    rng.fill(eph->nonce);
  }
  return make(std::move(start), std::move(cfg), std::move(eph));
}

Result<Session> Session::create(SessionStart start, SessionConfig cfg, EphemeralInput eph) {
  return make(std::move(start), std::move(cfg), std::move(eph));
}

Result<Session> Session::make(SessionStart start, SessionConfig cfg,
                              std::optional<EphemeralInput> eph) {
  if (!is_tcpcrypt_tep(uint8_t(start.tep_byte & kTepIdMask)))
    return fail(Errc::InvalidArgument, "not a tcpcrypt TEP");
  if (cfg.aeads.empty()) return fail(Errc::InvalidArgument, "no AEAD configured");
  std::optional<ResumedStart> resumed = std::move(start.resumed);
  Session s(std::move(start), std::move(cfg));
  Status ok = resumed ? s.begin_resumed(std::move(*resumed))
              : eph   ? s.begin(std::move(*eph))
                      : Status(fail(Errc::InvalidArgument, "no ephemeral key"));
  if (!ok) return tl::unexpected(ok.error());
  return s;
}

Status Session::begin(EphemeralInput eph) {
  if (eph.key.group() != tep_group(tep_)) return fail(Errc::InvalidArgument, "key group mismatch");
  own_nonce_ = eph.nonce;
  own_key_.emplace(std::move(eph.key));
  if (role_ == Role::B) {
    phase_ = Phase::AwaitInit1;
    return {};
  }
  Init1 init1;
  for (AeadId a : cfg_.aeads) init1.sym_ciphers.push_back(uint16_t(a));
  init1.n_a = own_nonce_;
  auto pub = own_pub_field(tep_, *own_key_);
  if (!pub) return tl::unexpected(pub.error());
  init1.pub = std::move(*pub);
  auto wire = encode(tep_, init1);  // TC-40: no ignored bytes
  if (!wire) return tl::unexpected(wire.error());
  own_init_ = *wire;
  out_.push_back(StreamChunk{std::move(*wire), true, false});  // TC-4: PSH on the last byte
  phase_ = Phase::AwaitInit2;
  return {};
}

Status Session::begin_resumed(ResumedStart resumed) {
  if (resumed.secret.tep != tep_) return fail(Errc::InvalidArgument, "cached TEP differs");
  Bytes sn = resumed.sn();  // TC-20: sn[i] = nonce_a | nonce_b
  return establish(std::move(resumed.secret.ss), sn, sending_direction(resumed.secret.was_a),
                   resumed.secret.aead, 0, 0, true);  // interpretation 5: offsets from 0
}

Status Session::establish(SecretBytes ss, ByteView sn, KeyDirection own_dir, AeadId aead,
                          uint64_t own_offset, uint64_t peer_offset, bool resumed) {
  auto secrets = enter_session(std::move(ss), sn, tep_byte_);  // erases ss[i] (TC-23)
  if (!secrets) return tl::unexpected(secrets.error());
  auto sealer = FrameSealer::create(aead, secrets->mk0, own_dir, own_offset);
  if (!sealer) return tl::unexpected(sealer.error());
  auto opener = FrameOpener::create(aead, secrets->mk0, other(own_dir), peer_offset);
  if (!opener) return tl::unexpected(opener.error());
  sealer_.emplace(std::move(*sealer));
  opener_.emplace(std::move(*opener));
  session_id_ = secrets->session_id;
  aead_ = aead;
  if (!resumed && !cfg_.no_caching)
    cache_seed_ = CacheSeed{tep_, aead, role_ == Role::A, std::move(secrets->ss_next), 1};
  own_key_.reset();  // the ephemeral private key is no longer needed (TC-5)
  crypto::secure_erase(own_nonce_);
  own_init_.clear();
  phase_ = Phase::Encrypting;
  events_.push_back(Established{*session_id_, aead, resumed});
  if (!pending_app_.empty() || pending_fin_) {
    Bytes data = std::move(pending_app_);
    pending_app_.clear();
    return seal_app(data, pending_fin_);
  }
  return {};
}

Error Session::abort(Error e) {
  failed_ = e;
  sealer_.reset();
  opener_.reset();
  own_key_.reset();
  cache_seed_.reset();
  out_.clear();
  rx_.clear();
  events_.push_back(Failed{e});
  return e;
}

Status Session::check_usable() const {
  if (failed_) return fail(Errc::InvalidState, "session aborted");
  return {};
}

Status Session::on_stream_bytes(ByteView bytes) {
  if (auto ok = check_usable(); !ok) return ok;
  put_bytes(rx_, bytes);
  if (auto ok = process(); !ok) return tl::unexpected(abort(ok.error()));
  return {};
}

Status Session::process() {
  if (phase_ == Phase::AwaitInit1) {
    if (auto ok = process_init1(); !ok) return ok;
  }
  if (phase_ == Phase::AwaitInit2) {
    if (auto ok = process_init2(); !ok) return ok;
  }
  if (phase_ == Phase::Encrypting) return process_frames();
  return {};
}

Status Session::process_init1() {
  auto step = read_init1(tep_, rx_, cfg_.max_init_len);
  if (!step) return tl::unexpected(step.error());
  auto* parsed = std::get_if<Parsed<Init1>>(&*step);
  if (!parsed) return {};
  // §3.3: B chooses by its own preference among A's identifiers.
  auto choice = std::find_if(cfg_.aeads.begin(), cfg_.aeads.end(), [&](AeadId a) {
    return std::find(parsed->msg.sym_ciphers.begin(), parsed->msg.sym_ciphers.end(), uint16_t(a)) !=
           parsed->msg.sym_ciphers.end();
  });
  if (choice == cfg_.aeads.end()) return fail(Errc::NoCommonAead, "no acceptable AEAD in Init1");
  auto es = agree(tep_, *own_key_, parsed->msg.pub);  // TC-6, TC-43, TC-44
  if (!es) return tl::unexpected(es.error());
  Init2 init2;
  init2.sym_cipher = uint16_t(*choice);
  init2.n_b = own_nonce_;
  auto pub = own_pub_field(tep_, *own_key_);
  if (!pub) return tl::unexpected(pub.error());
  init2.pub = std::move(*pub);
  auto wire = encode(tep_, init2);
  if (!wire) return tl::unexpected(wire.error());
  ByteView init1_bytes = ByteView(rx_).first(parsed->length);
  SecretBytes prk = compute_prk(parsed->msg.n_a, transcript_, init1_bytes, *wire, es->view());
  size_t init1_len = parsed->length, init2_len = wire->size();
  rx_.erase(rx_.begin(), rx_.begin() + std::ptrdiff_t(init1_len));
  out_.push_back(StreamChunk{std::move(*wire), true, false});  // TC-4
  // Frames may follow Init2 at once (TC-9); B (fresh) sends with k_ba.
  return establish(std::move(prk), {}, KeyDirection::Ba, *choice, init2_len, init1_len, false);
}

Status Session::process_init2() {
  auto step = read_init2(tep_, rx_, cfg_.max_init_len);
  if (!step) return tl::unexpected(step.error());
  auto* parsed = std::get_if<Parsed<Init2>>(&*step);
  if (!parsed) return {};
  if (!offered(cfg_.aeads, parsed->msg.sym_cipher))  // TC-7
    return fail(Errc::AeadNotOffered, "Init2 sym_cipher not in Init1");
  auto es = agree(tep_, *own_key_, parsed->msg.pub);
  if (!es) return tl::unexpected(es.error());
  ByteView init2_bytes = ByteView(rx_).first(parsed->length);
  SecretBytes prk = compute_prk(own_nonce_, transcript_, own_init_, init2_bytes, es->view());
  size_t init1_len = own_init_.size(), init2_len = parsed->length;
  rx_.erase(rx_.begin(), rx_.begin() + std::ptrdiff_t(init2_len));
  return establish(std::move(prk), {}, KeyDirection::Ab, AeadId(parsed->msg.sym_cipher), init1_len,
                   init2_len, false);
}

Status Session::process_frames() {
  size_t pos = 0;
  Status result;
  while (pos < rx_.size()) {
    if (peer_eof_) {
      result = fail(Errc::DataAfterFinp, "stream bytes after the FINp frame");
      break;
    }
    auto step = opener_->open_next(MutByteView(rx_).subspan(pos));
    if (!step) {  // TC-30: abort on FAIL
      result = tl::unexpected(step.error());
      break;
    }
    auto* frame = std::get_if<OpenedFrame>(&*step);
    if (!frame) break;
    if (frame->fields.urgent) urgent_mark_ = app_received_ + *frame->fields.urgent;
    put_bytes(app_, frame->data);
    app_received_ += frame->data.size();
    pos += frame->length;
    if (frame->fields.finp) {  // TC-32: EOF exactly on FINp
      peer_eof_ = true;
      events_.push_back(PeerEof{});
    }
    if (frame->fields.rekey) {
      if (auto ok = answer_rekey(); !ok) {
        result = ok;
        break;
      }
    }
  }
  rx_.erase(rx_.begin(), rx_.begin() + std::ptrdiff_t(pos));
  return result;
}

// TC-35: the remote generation went up; if it now exceeds ours, raise ours at once and,
// unless our FINp is already out, send a rekey frame (empty) at once.
Status Session::answer_rekey() {
  return must_answer_rekey(*opener_, *sealer_) ? send_rekey_frame() : Status{};
}

Status Session::send_rekey_frame() {
  StreamChunk chunk;
  // A raise from rekey_with_next_frame() not carried yet goes out first (TC-34).
  if (sealer_->rekey_pending())
    if (auto ok = sealer_->seal({}, false, std::nullopt, chunk.bytes); !ok) return ok;
  if (auto ok = sealer_->raise_generation(); !ok) return ok;
  if (auto ok = sealer_->seal({}, false, std::nullopt, chunk.bytes); !ok) return ok;
  chunk.push = true;
  out_.push_back(std::move(chunk));
  return {};
}

Status Session::send_app(ByteView data, bool fin) {
  if (auto ok = check_usable(); !ok) return ok;
  if (fin_queued_) return fail(Errc::InvalidState, "send after FIN");
  fin_queued_ = fin;
  if (phase_ != Phase::Encrypting) {  // A before Init2, B before Init1: no plaintext (TC-2)
    put_bytes(pending_app_, data);
    pending_fin_ = fin;
    return {};
  }
  if (auto ok = seal_app(data, fin); !ok) return tl::unexpected(abort(ok.error()));
  return {};
}

Status Session::seal_app(ByteView data, bool fin) {
  if (data.empty() && !fin) return {};
  StreamChunk chunk;
  size_t frames = std::max<size_t>(1, (data.size() + cfg_.max_frame_data - 1) / cfg_.max_frame_data);
  chunk.bytes.reserve(data.size() + frames * frame_len(0, false));
  size_t at = 0;
  do {
    size_t n = std::min(cfg_.max_frame_data, data.size() - at);
    bool last = at + n == data.size();
    if (auto ok = sealer_->seal(data.subspan(at, n), fin && last, std::nullopt, chunk.bytes); !ok)
      return ok;
    at += n;
  } while (at < data.size());
  chunk.push = true;
  chunk.fin = fin;
  out_.push_back(std::move(chunk));
  return {};
}

Status Session::request_rekey() {
  if (auto ok = check_usable(); !ok) return ok;
  if (!sealer_) return fail(Errc::InvalidState, "no keys yet");
  if (sealer_->fin_sealed()) return fail(Errc::InvalidState, "FINp already sent");
  if (sealer_->generation() > opener_->generation())  // TC-36
    return fail(Errc::InvalidState, "previous rekey not answered");
  if (auto ok = send_rekey_frame(); !ok) return tl::unexpected(abort(ok.error()));
  return {};
}

Status Session::rekey_with_next_frame() {
  if (auto ok = check_usable(); !ok) return ok;
  if (!sealer_) return fail(Errc::InvalidState, "no keys yet");
  if (sealer_->fin_sealed()) return fail(Errc::InvalidState, "FINp already sent");
  if (sealer_->rekey_pending()) return fail(Errc::InvalidState, "previous rekey not yet sent");
  if (auto ok = sealer_->raise_generation(); !ok) return tl::unexpected(abort(ok.error()));
  return {};
}

Status Session::on_tcp_fin() {
  if (auto ok = check_usable(); !ok) return ok;
  if (!peer_eof_) return tl::unexpected(abort(Error{Errc::FinWithoutFinp, "TCP FIN without FINp"}));
  return {};
}

std::optional<StreamChunk> Session::poll_stream_bytes() {
  if (out_.empty()) return std::nullopt;
  StreamChunk c = std::move(out_.front());
  out_.pop_front();
  return c;
}

Bytes Session::poll_app_data() {
  Bytes out = std::move(app_);
  app_.clear();
  return out;
}

std::optional<SessionEvent> Session::poll_event() {
  if (events_.empty()) return std::nullopt;
  SessionEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<CacheSeed> Session::take_cache_seed() {
  std::optional<CacheSeed> out = std::move(cache_seed_);
  cache_seed_.reset();
  return out;
}

}  // namespace proto::tcpcrypt
