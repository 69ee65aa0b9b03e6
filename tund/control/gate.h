// The "gate" of a client carrier (shim.md §3.3, D5): keeps the app's end polling as nothing
// ready (like a TCP socket in SYN-SENT) until tund knows the connection's outcome.
//   arm_gate(app_end)          before the carrier is sent (step 3): SO_SNDBUF to the minimum,
//                              then filler bytes until the send buffer is full;
//   open_gate(tund_end, n)     on success (step 6): discard exactly the n filler bytes, the app
//                              end becomes writable (EPOLLOUT edge);
//   failure (step 7)           close the tund end without reading: the app end shows
//                              IN OUT ERR HUP RDHUP and SO_ERROR = ECONNRESET.
// The shim restores the app's SO_SNDBUF after the gate opened (step 8).
// Design risk (shim.md §14): relies on AF_UNIX send-buffer accounting (checked by gate_test).
#pragma once

#include <cstddef>

#include "tund/sys_error.h"

namespace tund::control {

// Returns the number of filler bytes written. The fd's O_NONBLOCK flag is left as it was.
SysResult<size_t> arm_gate(int app_end);
// Reads and discards exactly `filler` bytes; never blocks.
SysStatus open_gate(int tund_end, size_t filler);

}  // namespace tund::control
