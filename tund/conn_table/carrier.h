// tund's end of one client carrier: the AF_UNIX stream socketpair whose other end the app
// reads and writes like a TCP socket (shim.md §3.3, §5). Non-blocking I/O plus one-shot
// readiness waits through Boost.Asio, so the connection table can stop reading the carrier
// (back-pressure towards the app) or stop writing it (back-pressure towards TCP).
//
// Threading: io_context thread only. Ownership: owns the fd; close() or destruction closes
// it and cancels pending waits, whose handlers are then not called.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cstddef>
#include <functional>
#include <memory>

#include "proto/common/bytes.h"
#include "tund/control/unique_fd.h"
#include "tund/sys_error.h"

namespace tund::conn_table {

struct CarrierIo {
  enum class Kind : uint8_t { Done, WouldBlock, Eof, Error };
  Kind kind = Kind::Done;
  size_t bytes = 0;  // Done: bytes moved (> 0)
  int err = 0;       // Error: errno (EPIPE/ECONNRESET: the app end is gone)
};

// Creates the socketpair: {tund end (non-blocking), app end (blocking, as the app expects)}.
SysResult<std::pair<control::UniqueFd, control::UniqueFd>> make_carrier_pair();

class Carrier {
 public:
  Carrier(boost::asio::io_context& io, control::UniqueFd tund_end);
  ~Carrier();
  Carrier(const Carrier&) = delete;
  Carrier& operator=(const Carrier&) = delete;

  int fd() { return sock_.native_handle(); }
  bool is_open() const { return sock_.is_open(); }

  CarrierIo read(proto::MutByteView out);
  CarrierIo write(proto::ByteView data);
  // The app then reads EOF after the bytes already written (half-close, shim.md §5.4).
  void shutdown_write();

  // One pending wait per direction; a second request while one is pending is ignored.
  // The handler runs on the io thread once the fd is ready (not after close()).
  void wait_readable(std::function<void()> ready);
  void wait_writable(std::function<void()> ready);

  void close();

 private:
  void wait(bool read, std::function<void()> ready);

  // Shared with the wait handlers: a wait that completed just before close() must not run
  // its handler or touch a destroyed Carrier.
  struct WaitState {
    bool open = true;
    bool read_pending = false;
    bool write_pending = false;
  };
  boost::asio::local::stream_protocol::socket sock_;
  std::shared_ptr<WaitState> state_ = std::make_shared<WaitState>();
};

}  // namespace tund::conn_table
