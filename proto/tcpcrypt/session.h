// The stream-level tcpcrypt session (RFC 8548 §3.3-§3.9), sans-IO. It starts once TCP-ENO
// has negotiated a tcpcrypt TEP and runs on the two TCP byte streams: Init1/Init2 (fresh
// key exchange) or nothing (resumption), then encryption frames.
//
// Inputs:  on_stream_bytes() (in-order bytes from the peer), on_tcp_fin() (the peer's TCP
//          FIN, after the bytes of its segment), send_app(), request_rekey().
// Outputs: poll_stream_bytes() (bytes to give to TCP, in order), poll_app_data(),
//          poll_event(). Drain all three after every input.
//
// Host A sends only Init1 until Init2 arrives (application data is queued meanwhile);
// B sends Init2 as soon as Init1 is complete and may send frames right after it (TC-9).
// Every failure is an abort (TC-10): the input returns the error, a Failed event is queued
// (distinct from PeerEof, TC-6/7/30/33/47), key material is erased, and further inputs
// return InvalidState. The owner then sends RST. PeerEof is raised exactly when a FINp
// frame authenticates (TC-32). Move-only; not thread-safe (one owner).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <variant>
#include <vector>

#include "crypto/ecdh.h"
#include "crypto/random.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/tcpcrypt/frame.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpcrypt/tep_policy.h"

namespace proto::tcpcrypt {

enum class Role : uint8_t { A, B };  // TCP-ENO roles of THIS connection

struct SessionConfig {
  // TC-8: as A, the AEADs advertised in Init1 in this order; as B, the preference order
  // (first = most preferred) used to pick sym_cipher from A's list. Admins may restrict
  // (TC-46).
  std::vector<AeadId> aeads{AeadId::Aes128Gcm, AeadId::Aes256Gcm, AeadId::ChaCha20Poly1305};
  size_t max_init_len = kDefaultMaxInitLen;
  size_t max_frame_data = 16384;  // application bytes per frame (<= kMaxFrameData)
  bool no_caching = false;        // TC-27 (2): keep no session secret after a fresh exchange
};

// What TCP-ENO negotiated.
struct SessionStart {
  Role role = Role::A;
  uint8_t tep_byte = kTepX25519;        // the byte B sent, v bit included (TC-13)
  Bytes eno_transcript;                 // A's SYN ENO option | B's SYN ENO option
  std::optional<ResumedStart> resumed;  // from TcpcryptPolicy::take_resumption()
};

// Deterministic ephemeral inputs (vectors, tests); otherwise drawn from the RandomSource.
struct EphemeralInput {
  crypto::EcdhPrivateKey key;
  std::array<uint8_t, kNonceLen> nonce{};
};

struct Established {
  SessionId session_id{};
  AeadId aead = AeadId::Aes128Gcm;
  bool resumed = false;
};
struct PeerEof {};
struct Failed {
  Error error;
};
using SessionEvent = std::variant<Established, PeerEof, Failed>;

struct StreamChunk {
  Bytes bytes;
  bool push = false;  // set PSH on the segment carrying the last byte (TC-4 for Init)
  bool fin = false;   // ends with the FINp frame: TCP FIN may follow (TC-31)
};

class Session {
 public:
  // Draws the ephemeral key and nonce from rng (fresh sessions only; rng is not kept).
  // InvalidArgument for a non-tcpcrypt TEP, an empty AEAD list, or a cached secret whose
  // TEP differs from start.tep_byte. A queues Init1 at once.
  static Result<Session> create(SessionStart start, SessionConfig cfg, crypto::RandomSource& rng);
  // Same with a given ephemeral key and nonce (ignored when start.resumed is set).
  static Result<Session> create(SessionStart start, SessionConfig cfg, EphemeralInput eph);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  Status on_stream_bytes(ByteView bytes);
  Status on_tcp_fin();  // TC-33: FIN without a FINp frame -> FinWithoutFinp
  // Queues application data (split into frames of cfg.max_frame_data); fin = this is the
  // end of our stream (FINp on the last frame). InvalidState after fin or an abort.
  Status send_app(ByteView data, bool fin = false);
  // Raises the local generation and sends an empty rekey frame at once (TC-39).
  // InvalidState before keys exist, after our FINp, or while the peer has not yet answered
  // our previous rekey (TC-36).
  Status request_rekey();
  // Raises the local generation for the next data frame, which carries rekey = 1 (TC-34).
  // Unlike request_rekey() this needs no answer to a previous rekey: RFC 8548 §3.8 forbids
  // only a second *empty* rekey frame while the peer has not answered (TC-36), and a peer
  // that has sent its FIN never answers. Use it when data is waiting to be sent.
  // InvalidState before keys exist, after our FINp, or while the previous raise has not
  // been carried by a frame yet.
  Status rekey_with_next_frame();

  std::optional<StreamChunk> poll_stream_bytes();
  Bytes poll_app_data();  // everything decrypted since the last call
  std::optional<SessionEvent> poll_event();

  bool established() const { return sealer_.has_value(); }
  bool failed() const { return failed_.has_value(); }
  bool peer_eof() const { return peer_eof_; }
  Role role() const { return role_; }
  std::optional<SessionId> session_id() const { return session_id_; }
  std::optional<AeadId> aead() const { return aead_; }
  uint64_t local_generation() const { return sealer_ ? sealer_->generation() : 0; }
  uint64_t remote_generation() const { return opener_ ? opener_->generation() : 0; }
  // Application-stream index of the last urgent byte last signalled (interpretation 13).
  std::optional<uint64_t> urgent_mark() const { return urgent_mark_; }
  // After a fresh exchange: ss[1] and its metadata, for SessionCache::insert (TC-23).
  // nullopt for resumed sessions (the cache already holds ss[i+1]) or with no_caching.
  std::optional<CacheSeed> take_cache_seed();

 private:
  enum class Phase : uint8_t { AwaitInit1, AwaitInit2, Encrypting };
  Session(SessionStart start, SessionConfig cfg);
  static Result<Session> make(SessionStart start, SessionConfig cfg,
                              std::optional<EphemeralInput> eph);
  Status begin(EphemeralInput eph);
  Status begin_resumed(ResumedStart resumed);
  Status establish(SecretBytes ss, ByteView sn, KeyDirection own_dir, AeadId aead,
                   uint64_t own_offset, uint64_t peer_offset, bool resumed);
  Status process();
  Status process_init1();
  Status process_init2();
  Status process_frames();
  Status answer_rekey();
  Status send_rekey_frame();
  Status seal_app(ByteView data, bool fin);
  Error abort(Error e);
  Status check_usable() const;

  Role role_;
  uint8_t tep_byte_;
  uint8_t tep_;
  Bytes transcript_;
  SessionConfig cfg_;
  Phase phase_ = Phase::AwaitInit1;

  std::optional<crypto::EcdhPrivateKey> own_key_;
  std::array<uint8_t, kNonceLen> own_nonce_{};
  Bytes own_init_;  // Init1 (A) as sent, for the PRK

  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;
  std::optional<SessionId> session_id_;
  std::optional<AeadId> aead_;
  std::optional<CacheSeed> cache_seed_;

  Bytes rx_;  // peer stream bytes not yet consumed
  Bytes pending_app_;
  bool pending_fin_ = false;
  bool fin_queued_ = false;
  bool peer_eof_ = false;
  uint64_t app_received_ = 0;
  std::optional<uint64_t> urgent_mark_;
  std::optional<Error> failed_;

  std::deque<StreamChunk> out_;
  Bytes app_;
  std::deque<SessionEvent> events_;
};

}  // namespace proto::tcpcrypt
